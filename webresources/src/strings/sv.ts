import type { StringTable } from "./en";

/** Swedish (1053). */
export const sv: StringTable = {
  configUnreadable:
    "Inställningarna för co-sell kunde inte läsas ({detail}). Reläet kontrollerar och synkroniserar ändå posten i bakgrunden.",
  relayUrlMissing:
    "Co-sell: relä-URL:en (miljövariabeln {variable}) är tom, så det här formuläret kan inte skicka ändringar direkt till Partner Center. Be administratören att ange den.",
  configIssue: "Co-sell-inställningen {variable} behöver åtgärdas: {message} {fix}",
  lastSyncError: "Den senaste synkroniseringen med Partner Center misslyckades: {message}",
  fixHint: "Så åtgärdar du det: {fix}",
  saveBlocked:
    "Inte sparat: affärsmöjligheten kan inte delas med Microsoft ännu. Åtgärda problemen som markerats i formuläret, eller sätt Synkronisera med Partner Center till Nej för att spara utan att dela.",
  checksUnavailable:
    "Co-sell-kontrollerna kunde inte köras ({detail}). Reläet kontrollerar posten igen innan något når Partner Center.",
  syncing: "Delar med Microsoft…",
  synced: "Delad med Microsoft. Hänvisning {referralId}.",
  noop: "Partner Center är redan uppdaterat.",
  queued: "I kö för Partner Center. Resultatet visas i Granskning om en stund.",
  syncFailed: "Partner Center tog inte emot ändringen: {message}",
  invalid: "Inte delad med Microsoft: åtgärda problemen som markerats i formuläret.",
  unreachableSaved:
    "Det gick inte att nå co-sell-reläet ({reason}). Dina ändringar är sparade; bakgrundssynkroniseringen skickar dem till Partner Center inom några minuter.",
  unreachableNothingChanged: "Det gick inte att nå co-sell-reläet ({reason}). Inget ändrades; försök igen senare.",
  unauthorized:
    "Co-sell-reläet godtog inte din inloggning{detail}. Logga ut från Dynamics 365 och in igen; om det inte hjälper ber du administratören kontrollera reläets appregistrering.",
  signInFailed: "Du kunde inte loggas in på co-sell-reläet ({detail}).",
  popupBlocked:
    "Inloggningen behöver ett popup-fönster som webbläsaren blockerade. Tillåt popup-fönster för den här webbplatsen och försök igen.",
  relayFailed: "Co-sell-reläet rapporterade ett problem: {title}. {detail}",
  libraryUnavailable:
    "Co-sell-skriptbiblioteket ({library}) kunde inte läsas in: {detail}. Läs in sidan igen; om det fortsätter ber du administratören kontrollera att co-sell-lösningen är fullständigt importerad.",
  referralPending:
    "Det här leadet är en hänvisning från Partner Center som väntar på ditt svar: acceptera eller avböj den i kommandofältet.",
  acceptTitle: "Acceptera hänvisning",
  acceptText:
    "Acceptera hänvisningen i Partner Center? Leadet kvalificeras till en affärsmöjlighet och Microsoft ser att du har accepterat.",
  accepting: "Accepterar hänvisningen…",
  accepted: "Hänvisningen är accepterad. Den nya affärsmöjligheten öppnas.",
  declineTitle: "Avböj hänvisning",
  declineText: "Avböja hänvisningen i Partner Center med orsaken ”{reason}”? Det går inte att ångra.",
  declining: "Avböjer hänvisningen…",
  declined: "Hänvisningen är avböjd i Partner Center.",
  declineReasonRequired: "Ange varför du avböjer hänvisningen och välj sedan Avböj hänvisning igen.",
  declineReasonNotOnForm:
    "Formuläret saknar kolumnen för avböjandeorsak ({column}). Be administratören att lägga till den i lead-formuläret.",
  saveFirst: "Spara posten först.",
};
