import type { StringTable } from "./en";

/** Dutch (1043). */
export const nl: StringTable = {
  configUnreadable:
    "De co-sell-instellingen konden niet worden gelezen ({detail}). De relay controleert en synchroniseert deze record nog steeds op de achtergrond.",
  relayUrlMissing:
    "Co-sell: de relay-URL (omgevingsvariabele {variable}) is leeg, dus dit formulier kan wijzigingen niet rechtstreeks naar Partner Center sturen. Vraag uw beheerder deze in te stellen.",
  configIssue: "De co-sell-instelling {variable} vraagt aandacht: {message} {fix}",
  lastSyncError: "De laatste synchronisatie met Partner Center is mislukt: {message}",
  fixHint: "Zo lost u het op: {fix}",
  saveBlocked:
    "Niet opgeslagen: deze verkoopkans kan nog niet met Microsoft worden gedeeld. Los de gemarkeerde problemen op het formulier op, of zet Synchroniseren met Partner Center op Nee om op te slaan zonder te delen.",
  checksUnavailable:
    "De co-sell-controles konden niet worden uitgevoerd ({detail}). De relay controleert de record opnieuw voordat er iets naar Partner Center gaat.",
  syncing: "Delen met Microsoft…",
  synced: "Gedeeld met Microsoft. Verwijzing {referralId}.",
  noop: "Partner Center is al bijgewerkt.",
  queued: "In de wachtrij voor Partner Center. Het resultaat verschijnt zo in Audit.",
  syncFailed: "Partner Center heeft de wijziging niet geaccepteerd: {message}",
  invalid: "Niet gedeeld met Microsoft: los de gemarkeerde problemen op het formulier op.",
  unreachableSaved:
    "De co-sell-relay is niet bereikbaar ({reason}). Uw wijzigingen zijn opgeslagen; de achtergrondsynchronisatie stuurt ze binnen enkele minuten naar Partner Center.",
  unreachableNothingChanged: "De co-sell-relay is niet bereikbaar ({reason}). Er is niets gewijzigd; probeer het later opnieuw.",
  unauthorized:
    "De co-sell-relay heeft uw aanmelding niet geaccepteerd{detail}. Meld u af bij Dynamics 365 en opnieuw aan; helpt dat niet, vraag dan uw beheerder de app-registratie van de relay te controleren.",
  signInFailed: "U kon niet worden aangemeld bij de co-sell-relay ({detail}).",
  popupBlocked:
    "Voor het aanmelden is een pop-upvenster nodig, maar de browser heeft het geblokkeerd. Sta pop-ups toe voor deze site en probeer het opnieuw.",
  relayFailed: "De co-sell-relay meldde een probleem: {title}. {detail}",
  libraryUnavailable:
    "De co-sell-scriptbibliotheek ({library}) kon niet worden geladen: {detail}. Laad de pagina opnieuw; blijft dit gebeuren, vraag dan uw beheerder te controleren of de co-sell-oplossing volledig is geïmporteerd.",
  referralPending:
    "Deze lead is een verwijzing uit Partner Center die op uw antwoord wacht: accepteer of weiger deze via de opdrachtbalk.",
  acceptTitle: "Verwijzing accepteren",
  acceptText:
    "Deze verwijzing in Partner Center accepteren? De lead wordt gekwalificeerd tot een verkoopkans en Microsoft ziet dat u hebt geaccepteerd.",
  accepting: "De verwijzing wordt geaccepteerd…",
  accepted: "Verwijzing geaccepteerd. De nieuwe verkoopkans wordt geopend.",
  declineTitle: "Verwijzing weigeren",
  declineText: "Deze verwijzing in Partner Center weigeren met de reden ‘{reason}’? Dit kan niet ongedaan worden gemaakt.",
  declining: "De verwijzing wordt geweigerd…",
  declined: "Verwijzing geweigerd in Partner Center.",
  declineReasonRequired: "Vul in waarom u deze verwijzing weigert en kies daarna opnieuw Verwijzing weigeren.",
  declineReasonNotOnForm:
    "Dit formulier heeft geen kolom voor de reden van weigering ({column}). Vraag uw beheerder deze aan het leadformulier toe te voegen.",
  saveFirst: "Sla de record eerst op.",
};
