import type { StringTable } from "./en";

/** Polish (1045). */
export const pl: StringTable = {
  configUnreadable:
    "Nie udało się odczytać ustawień co-sell ({detail}). Przekaźnik nadal sprawdza i synchronizuje ten rekord w tle.",
  relayUrlMissing:
    "Co-sell: adres URL przekaźnika (zmienna środowiskowa {variable}) jest pusty, więc ten formularz nie może wysyłać zmian bezpośrednio do Centrum partnerskiego. Poproś administratora o jego ustawienie.",
  configIssue: "Ustawienie co-sell {variable} wymaga uwagi: {message} {fix}",
  lastSyncError: "Ostatnia synchronizacja z Centrum partnerskim nie powiodła się: {message}",
  fixHint: "Jak to naprawić: {fix}",
  saveBlocked:
    "Nie zapisano: tej szansy sprzedaży nie można jeszcze udostępnić firmie Microsoft. Popraw problemy oznaczone w formularzu albo ustaw Synchronizuj z Centrum partnerskim na Nie, aby zapisać bez udostępniania.",
  checksUnavailable:
    "Nie udało się uruchomić kontroli co-sell ({detail}). Przekaźnik ponownie sprawdzi rekord, zanim cokolwiek trafi do Centrum partnerskiego.",
  syncing: "Udostępnianie firmie Microsoft…",
  synced: "Udostępniono firmie Microsoft. Polecenie {referralId}.",
  noop: "Centrum partnerskie jest już aktualne.",
  queued: "W kolejce do Centrum partnerskiego. Wynik za chwilę pojawi się w Inspekcji.",
  syncFailed: "Centrum partnerskie nie przyjęło zmiany: {message}",
  invalid: "Nie udostępniono firmie Microsoft: popraw problemy oznaczone w formularzu.",
  unreachableSaved:
    "Nie można połączyć się z przekaźnikiem co-sell ({reason}). Zmiany zostały zapisane; synchronizacja w tle wyśle je do Centrum partnerskiego w ciągu kilku minut.",
  unreachableNothingChanged:
    "Nie można połączyć się z przekaźnikiem co-sell ({reason}). Nic nie zostało zmienione; spróbuj ponownie później.",
  unauthorized:
    "Przekaźnik co-sell nie zaakceptował Twojego logowania{detail}. Wyloguj się z Dynamics 365 i zaloguj ponownie; jeśli to nie pomoże, poproś administratora o sprawdzenie rejestracji aplikacji przekaźnika.",
  signInFailed: "Nie udało się zalogować Cię do przekaźnika co-sell ({detail}).",
  popupBlocked:
    "Logowanie wymaga okna wyskakującego, które przeglądarka zablokowała. Zezwól na okna wyskakujące dla tej witryny i spróbuj ponownie.",
  relayFailed: "Przekaźnik co-sell zgłosił problem: {title}. {detail}",
  libraryUnavailable:
    "Nie udało się załadować biblioteki skryptów co-sell ({library}): {detail}. Odśwież stronę; jeśli problem się powtarza, poproś administratora o sprawdzenie, czy rozwiązanie co-sell zostało w pełni zaimportowane.",
  referralPending:
    "Ten potencjalny klient to polecenie z Centrum partnerskiego czekające na Twoją odpowiedź: zaakceptuj je lub odrzuć na pasku poleceń.",
  acceptTitle: "Zaakceptuj polecenie",
  acceptText:
    "Zaakceptować to polecenie w Centrum partnerskim? Potencjalny klient zostanie zakwalifikowany jako szansa sprzedaży, a Microsoft zobaczy, że je zaakceptowano.",
  accepting: "Akceptowanie polecenia…",
  accepted: "Polecenie zaakceptowane. Otwieranie nowej szansy sprzedaży.",
  declineTitle: "Odrzuć polecenie",
  declineText: "Odrzucić to polecenie w Centrum partnerskim z powodem „{reason}”? Tej operacji nie można cofnąć.",
  declining: "Odrzucanie polecenia…",
  declined: "Polecenie odrzucone w Centrum partnerskim.",
  declineReasonRequired: "Wpisz, dlaczego odrzucasz to polecenie, a następnie ponownie wybierz Odrzuć polecenie.",
  declineReasonNotOnForm:
    "Ten formularz nie ma kolumny z powodem odrzucenia ({column}). Poproś administratora o dodanie jej do formularza potencjalnego klienta.",
  saveFirst: "Najpierw zapisz rekord.",
};
