import type { StringTable } from "./en";

/** Italian (1040). */
export const it: StringTable = {
  configUnreadable:
    "Impossibile leggere le impostazioni di co-sell ({detail}). Il relay continua comunque a controllare e sincronizzare questo record in background.",
  relayUrlMissing:
    "Co-sell: l'URL del relay (variabile di ambiente {variable}) è vuoto, quindi questo modulo non può inviare direttamente le modifiche al Centro per i partner. Chiedi all'amministratore di impostarlo.",
  configIssue: "L'impostazione di co-sell {variable} richiede attenzione: {message} {fix}",
  lastSyncError: "L'ultima sincronizzazione con il Centro per i partner non è riuscita: {message}",
  fixHint: "Come risolvere: {fix}",
  saveBlocked:
    "Non salvato: questa opportunità non può ancora essere condivisa con Microsoft. Correggi i problemi segnalati nel modulo oppure imposta Sincronizza con il Centro per i partner su No per salvare senza condividere.",
  checksUnavailable:
    "Impossibile eseguire i controlli di co-sell ({detail}). Il relay ricontrolla il record prima che qualcosa arrivi al Centro per i partner.",
  syncing: "Condivisione con Microsoft in corso…",
  synced: "Condivisa con Microsoft. Segnalazione {referralId}.",
  noop: "Il Centro per i partner è già aggiornato.",
  queued: "In coda per il Centro per i partner. Il risultato comparirà a breve in Controllo.",
  syncFailed: "Il Centro per i partner non ha accettato la modifica: {message}",
  invalid: "Non condivisa con Microsoft: correggi i problemi segnalati nel modulo.",
  unreachableSaved:
    "Impossibile raggiungere il relay di co-sell ({reason}). Le modifiche sono salvate; la sincronizzazione in background le invierà al Centro per i partner entro pochi minuti.",
  unreachableNothingChanged:
    "Impossibile raggiungere il relay di co-sell ({reason}). Non è stato modificato nulla; riprova più tardi.",
  unauthorized:
    "Il relay di co-sell non ha accettato il tuo accesso{detail}. Esci da Dynamics 365 e accedi di nuovo; se non basta, chiedi all'amministratore di controllare la registrazione dell'app del relay.",
  signInFailed: "Impossibile eseguire l'accesso al relay di co-sell ({detail}).",
  popupBlocked:
    "Per accedere serve una finestra popup, ma il browser l'ha bloccata. Consenti i popup per questo sito e riprova.",
  relayFailed: "Il relay di co-sell ha segnalato un problema: {title}. {detail}",
  libraryUnavailable:
    "Impossibile caricare la libreria di script di co-sell ({library}): {detail}. Ricarica la pagina; se il problema persiste, chiedi all'amministratore di verificare che la soluzione di co-sell sia stata importata completamente.",
  referralPending:
    "Questo lead è una segnalazione dal Centro per i partner in attesa di risposta: accettala o rifiutala dalla barra dei comandi.",
  acceptTitle: "Accetta segnalazione",
  acceptText:
    "Accettare questa segnalazione nel Centro per i partner? Il lead viene qualificato come opportunità e Microsoft vede che l'hai accettata.",
  accepting: "Accettazione della segnalazione in corso…",
  accepted: "Segnalazione accettata. Apertura della nuova opportunità.",
  declineTitle: "Rifiuta segnalazione",
  declineText: "Rifiutare questa segnalazione nel Centro per i partner con il motivo «{reason}»? L'operazione non può essere annullata.",
  declining: "Rifiuto della segnalazione in corso…",
  declined: "Segnalazione rifiutata nel Centro per i partner.",
  declineReasonRequired: "Indica perché rifiuti questa segnalazione, quindi scegli di nuovo Rifiuta segnalazione.",
  declineReasonNotOnForm:
    "Questo modulo non contiene la colonna del motivo del rifiuto ({column}). Chiedi all'amministratore di aggiungerla al modulo del lead.",
  saveFirst: "Salva prima il record.",
};
