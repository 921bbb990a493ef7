/**
 * What the engine tells sellers, in the product languages (PRODUCT.md §2): the outcome of a sync,
 * written to the Audit column and returned to the form. Rule violations and sync decisions come
 * from `@cosell/core`'s catalog; these are the engine's own outcomes.
 */
import type { Lcid, LocalizedMessage, MessageParams } from "@cosell/core";

export const EngineMessageKeys = [
  "shared-cosell",
  "shared-partner-led",
  "shared-private",
  "sent-to-partner-center",
  "updated-from-partner-center",
  "in-sync",
  "not-sharing",
  "not-sent",
  "received-lead",
  "received-opportunity",
  "accepted",
  "declined",
  "closed-from-crm",
  "opportunity-closed-from-partner-center",
  "lead-closed-from-partner-center",
  "rejected-by-partner-center",
  "retrying",
  "dead-letter",
  "config-invalid",
  "column-missing",
  "referral-not-found",
  "record-not-found",
  "currency-not-in-crm",
  "lead-not-from-partner-center",
  "referral-already-closed",
  "decline-reason-required",
] as const;
export type EngineMessageKey = (typeof EngineMessageKeys)[number];

type EngineCatalog = Readonly<Record<EngineMessageKey, readonly [message: string, fix: string]>>;

const en: EngineCatalog = {
  "shared-cosell": ["Shared with Partner Center as a co-sell referral; Microsoft is invited to help.", ""],
  "shared-partner-led": ["Shared with Partner Center as a partner-led referral, visible to Microsoft sellers.", ""],
  "shared-private": ["Shared with Partner Center as a private referral.", ""],
  "sent-to-partner-center": ["Sent to Partner Center: {fields}.", ""],
  "updated-from-partner-center": ["Updated from Partner Center: {fields}.", ""],
  "in-sync": ["In sync with Partner Center.", ""],
  "not-sharing": ["Sync with Partner Center is No, so nothing was sent.", "Set Sync with Partner Center to Yes to share this opportunity."],
  "not-sent": ["Not sent to Partner Center: {problems}", "Fix the fields named above and save again."],
  "received-lead": ["New referral from Partner Center ({status}); accept or decline it.", ""],
  "received-opportunity": ["Accepted referral received from Partner Center.", ""],
  accepted: ["Referral accepted in Partner Center; this opportunity was created from the lead.", ""],
  declined: ["Referral declined in Partner Center. Reason: {reason}", ""],
  "closed-from-crm": ["Referral closed as {status} in Partner Center.", ""],
  "opportunity-closed-from-partner-center": ["Partner Center closed the referral ({status}); the opportunity was closed to match.", ""],
  "lead-closed-from-partner-center": ["Partner Center closed the referral ({status}); the lead was disqualified.", ""],
  "rejected-by-partner-center": ["Partner Center refused the change: {detail}", "Correct the value it names and save the record again."],
  retrying: ["Could not finish the sync yet ({detail}); the relay keeps retrying.", ""],
  "dead-letter": [
    "The sync failed after every retry: {detail}",
    "An administrator can retry it with cosell-relay dead-letter retry once the cause is fixed; saving the record again also retries.",
  ],
  "config-invalid": ["Environment variable {variable}: {problem}", "{fix}"],
  "column-missing": [
    "Column {column} does not exist on {table}; it is named by an environment variable or the field mapping.",
    "Correct cosell_DealValueField, cosell_CountryCodeField or cosell_FieldMapping to name an existing column by its logical name.",
  ],
  "referral-not-found": [
    "Referral {referralId} was not found in Partner Center.",
    "Check that the relay's Partner Center user can see the referral (it needs the Referrals Admin role).",
  ],
  "record-not-found": ["Record {id} was not found in Dynamics 365.", ""],
  "currency-not-in-crm": ["Partner Center uses currency {code}, which is not set up in Dynamics 365; the currency was left unchanged.", "Add currency {code} under Settings > Business Management > Currencies."],
  "lead-not-from-partner-center": ["This lead did not come from Partner Center.", "Only leads with a Referral Identifier can be accepted or declined in Partner Center."],
  "referral-already-closed": ["The referral is already closed in Partner Center ({status}).", "Closed referrals are final; nothing was changed."],
  "decline-reason-required": ["Give a reason for declining the referral.", "Enter why you decline; Partner Center shows it to the sender."],
};

const sv: EngineCatalog = {
  "shared-cosell": ["Delad med Partner Center som co-sell-hänvisning; Microsoft har bjudits in att hjälpa till.", ""],
  "shared-partner-led": ["Delad med Partner Center som partnerledd hänvisning, synlig för Microsofts säljare.", ""],
  "shared-private": ["Delad med Partner Center som privat hänvisning.", ""],
  "sent-to-partner-center": ["Skickat till Partner Center: {fields}.", ""],
  "updated-from-partner-center": ["Uppdaterat från Partner Center: {fields}.", ""],
  "in-sync": ["Synkroniserad med Partner Center.", ""],
  "not-sharing": ["Synkronisera med Partner Center är Nej, så inget skickades.", "Sätt Synkronisera med Partner Center till Ja för att dela affärsmöjligheten."],
  "not-sent": ["Inte skickat till Partner Center: {problems}", "Rätta fälten som nämns ovan och spara igen."],
  "received-lead": ["Ny hänvisning från Partner Center ({status}); acceptera eller avböj den.", ""],
  "received-opportunity": ["Accepterad hänvisning mottagen från Partner Center.", ""],
  accepted: ["Hänvisningen accepterades i Partner Center; affärsmöjligheten skapades från leadet.", ""],
  declined: ["Hänvisningen avböjdes i Partner Center. Orsak: {reason}", ""],
  "closed-from-crm": ["Hänvisningen stängdes som {status} i Partner Center.", ""],
  "opportunity-closed-from-partner-center": ["Partner Center stängde hänvisningen ({status}); affärsmöjligheten stängdes på samma sätt.", ""],
  "lead-closed-from-partner-center": ["Partner Center stängde hänvisningen ({status}); leadet diskvalificerades.", ""],
  "rejected-by-partner-center": ["Partner Center avvisade ändringen: {detail}", "Rätta värdet som nämns och spara posten igen."],
  retrying: ["Synkroniseringen kunde inte slutföras ännu ({detail}); reläet fortsätter att försöka.", ""],
  "dead-letter": [
    "Synkroniseringen misslyckades efter alla nya försök: {detail}",
    "En administratör kan försöka igen med cosell-relay dead-letter retry när orsaken är åtgärdad; att spara posten igen gör också ett nytt försök.",
  ],
  "config-invalid": ["Miljövariabeln {variable}: {problem}", "{fix}"],
  "column-missing": [
    "Kolumnen {column} finns inte i {table}; den anges av en miljövariabel eller fältmappningen.",
    "Rätta cosell_DealValueField, cosell_CountryCodeField eller cosell_FieldMapping så att de anger en befintlig kolumns logiska namn.",
  ],
  "referral-not-found": [
    "Hänvisningen {referralId} hittades inte i Partner Center.",
    "Kontrollera att reläets Partner Center-användare kan se hänvisningen (den behöver rollen Referrals Admin).",
  ],
  "record-not-found": ["Posten {id} hittades inte i Dynamics 365.", ""],
  "currency-not-in-crm": ["Partner Center använder valutan {code}, som inte finns i Dynamics 365; valutan ändrades inte.", "Lägg till valutan {code} under Inställningar > Företagshantering > Valutor."],
  "lead-not-from-partner-center": ["Det här leadet kom inte från Partner Center.", "Endast leads med ett hänvisnings-ID kan accepteras eller avböjas i Partner Center."],
  "referral-already-closed": ["Hänvisningen är redan stängd i Partner Center ({status}).", "Stängda hänvisningar är slutgiltiga; inget ändrades."],
  "decline-reason-required": ["Ange en orsak till att hänvisningen avböjs.", "Skriv varför du avböjer; Partner Center visar det för avsändaren."],
};

const zh: EngineCatalog = {
  "shared-cosell": ["已作为共同销售推荐共享到合作伙伴中心；已邀请 Microsoft 提供帮助。", ""],
  "shared-partner-led": ["已作为合作伙伴主导的推荐共享到合作伙伴中心，Microsoft 销售人员可见。", ""],
  "shared-private": ["已作为私有推荐共享到合作伙伴中心。", ""],
  "sent-to-partner-center": ["已发送到合作伙伴中心：{fields}。", ""],
  "updated-from-partner-center": ["已从合作伙伴中心更新：{fields}。", ""],
  "in-sync": ["已与合作伙伴中心同步。", ""],
  "not-sharing": ["“与合作伙伴中心同步”为“否”，因此未发送任何内容。", "将“与合作伙伴中心同步”设置为“是”以共享此商机。"],
  "not-sent": ["未发送到合作伙伴中心：{problems}", "请修正上述字段后再次保存。"],
  "received-lead": ["来自合作伙伴中心的新推荐（{status}）；请接受或拒绝。", ""],
  "received-opportunity": ["已从合作伙伴中心收到已接受的推荐。", ""],
  accepted: ["已在合作伙伴中心接受推荐；已从潜在顾客创建此商机。", ""],
  declined: ["已在合作伙伴中心拒绝推荐。原因：{reason}", ""],
  "closed-from-crm": ["推荐已在合作伙伴中心关闭为 {status}。", ""],
  "opportunity-closed-from-partner-center": ["合作伙伴中心已关闭推荐（{status}）；商机已相应关闭。", ""],
  "lead-closed-from-partner-center": ["合作伙伴中心已关闭推荐（{status}）；潜在顾客已被取消资格。", ""],
  "rejected-by-partner-center": ["合作伙伴中心拒绝了此更改：{detail}", "请更正其中指出的值，然后再次保存记录。"],
  retrying: ["同步尚未完成（{detail}）；中继服务将继续重试。", ""],
  "dead-letter": ["所有重试后同步仍失败：{detail}", "问题解决后，管理员可以运行 cosell-relay dead-letter retry 重试；再次保存记录也会重试。"],
  "config-invalid": ["环境变量 {variable}：{problem}", "{fix}"],
  "column-missing": [
    "{table} 上不存在列 {column}；该列由环境变量或字段映射指定。",
    "请更正 cosell_DealValueField、cosell_CountryCodeField 或 cosell_FieldMapping，使其使用现有列的逻辑名称。",
  ],
  "referral-not-found": ["在合作伙伴中心找不到推荐 {referralId}。", "请确认中继服务的合作伙伴中心用户可以看到该推荐（需要推荐管理员角色）。"],
  "record-not-found": ["在 Dynamics 365 中找不到记录 {id}。", ""],
  "currency-not-in-crm": ["合作伙伴中心使用货币 {code}，但 Dynamics 365 中未设置该货币；货币未更改。", "请在“设置 > 业务管理 > 货币”中添加货币 {code}。"],
  "lead-not-from-partner-center": ["此潜在顾客并非来自合作伙伴中心。", "只有具有推荐标识符的潜在顾客才能在合作伙伴中心接受或拒绝。"],
  "referral-already-closed": ["该推荐已在合作伙伴中心关闭（{status}）。", "已关闭的推荐不可更改；未做任何更改。"],
  "decline-reason-required": ["请提供拒绝推荐的原因。", "请输入拒绝原因；合作伙伴中心会将其显示给发送方。"],
};

const nl: EngineCatalog = {
  "shared-cosell": ["Gedeeld met Partner Center als co-sell-verwijzing; Microsoft is uitgenodigd om te helpen.", ""],
  "shared-partner-led": ["Gedeeld met Partner Center als partnergeleide verwijzing, zichtbaar voor Microsoft-verkopers.", ""],
  "shared-private": ["Gedeeld met Partner Center als privéverwijzing.", ""],
  "sent-to-partner-center": ["Verzonden naar Partner Center: {fields}.", ""],
  "updated-from-partner-center": ["Bijgewerkt vanuit Partner Center: {fields}.", ""],
  "in-sync": ["Gesynchroniseerd met Partner Center.", ""],
  "not-sharing": ["Synchroniseren met Partner Center staat op Nee, dus er is niets verzonden.", "Zet Synchroniseren met Partner Center op Ja om deze verkoopkans te delen."],
  "not-sent": ["Niet verzonden naar Partner Center: {problems}", "Corrigeer de hierboven genoemde velden en sla opnieuw op."],
  "received-lead": ["Nieuwe verwijzing van Partner Center ({status}); accepteer of weiger deze.", ""],
  "received-opportunity": ["Geaccepteerde verwijzing ontvangen van Partner Center.", ""],
  accepted: ["Verwijzing geaccepteerd in Partner Center; deze verkoopkans is gemaakt van de lead.", ""],
  declined: ["Verwijzing geweigerd in Partner Center. Reden: {reason}", ""],
  "closed-from-crm": ["Verwijzing gesloten als {status} in Partner Center.", ""],
  "opportunity-closed-from-partner-center": ["Partner Center heeft de verwijzing gesloten ({status}); de verkoopkans is overeenkomstig gesloten.", ""],
  "lead-closed-from-partner-center": ["Partner Center heeft de verwijzing gesloten ({status}); de lead is gediskwalificeerd.", ""],
  "rejected-by-partner-center": ["Partner Center heeft de wijziging geweigerd: {detail}", "Corrigeer de genoemde waarde en sla de record opnieuw op."],
  retrying: ["De synchronisatie is nog niet voltooid ({detail}); de relay blijft het opnieuw proberen.", ""],
  "dead-letter": [
    "De synchronisatie is na alle nieuwe pogingen mislukt: {detail}",
    "Een beheerder kan het opnieuw proberen met cosell-relay dead-letter retry zodra de oorzaak is verholpen; de record opnieuw opslaan probeert het ook opnieuw.",
  ],
  "config-invalid": ["Omgevingsvariabele {variable}: {problem}", "{fix}"],
  "column-missing": [
    "Kolom {column} bestaat niet in {table}; deze wordt genoemd door een omgevingsvariabele of de veldtoewijzing.",
    "Corrigeer cosell_DealValueField, cosell_CountryCodeField of cosell_FieldMapping zodat deze de logische naam van een bestaande kolom noemt.",
  ],
  "referral-not-found": [
    "Verwijzing {referralId} is niet gevonden in Partner Center.",
    "Controleer of de Partner Center-gebruiker van de relay de verwijzing kan zien (hiervoor is de rol Referrals Admin nodig).",
  ],
  "record-not-found": ["Record {id} is niet gevonden in Dynamics 365.", ""],
  "currency-not-in-crm": ["Partner Center gebruikt valuta {code}, die niet is ingesteld in Dynamics 365; de valuta is niet gewijzigd.", "Voeg valuta {code} toe onder Instellingen > Bedrijfsbeheer > Valuta's."],
  "lead-not-from-partner-center": ["Deze lead komt niet uit Partner Center.", "Alleen leads met een verwijzings-id kunnen in Partner Center worden geaccepteerd of geweigerd."],
  "referral-already-closed": ["De verwijzing is al gesloten in Partner Center ({status}).", "Gesloten verwijzingen zijn definitief; er is niets gewijzigd."],
  "decline-reason-required": ["Geef een reden op voor het weigeren van de verwijzing.", "Vul in waarom u weigert; Partner Center toont dit aan de afzender."],
};

const it: EngineCatalog = {
  "shared-cosell": ["Condivisa con il Centro per i partner come segnalazione di co-sell; Microsoft è stata invitata ad aiutare.", ""],
  "shared-partner-led": ["Condivisa con il Centro per i partner come segnalazione gestita dal partner, visibile ai venditori Microsoft.", ""],
  "shared-private": ["Condivisa con il Centro per i partner come segnalazione privata.", ""],
  "sent-to-partner-center": ["Inviato al Centro per i partner: {fields}.", ""],
  "updated-from-partner-center": ["Aggiornato dal Centro per i partner: {fields}.", ""],
  "in-sync": ["Sincronizzata con il Centro per i partner.", ""],
  "not-sharing": ["Sincronizza con il Centro per i partner è No, quindi non è stato inviato nulla.", "Imposta Sincronizza con il Centro per i partner su Sì per condividere questa opportunità."],
  "not-sent": ["Non inviato al Centro per i partner: {problems}", "Correggi i campi indicati sopra e salva di nuovo."],
  "received-lead": ["Nuova segnalazione dal Centro per i partner ({status}); accettala o rifiutala.", ""],
  "received-opportunity": ["Segnalazione accettata ricevuta dal Centro per i partner.", ""],
  accepted: ["Segnalazione accettata nel Centro per i partner; questa opportunità è stata creata dal lead.", ""],
  declined: ["Segnalazione rifiutata nel Centro per i partner. Motivo: {reason}", ""],
  "closed-from-crm": ["Segnalazione chiusa come {status} nel Centro per i partner.", ""],
  "opportunity-closed-from-partner-center": ["Il Centro per i partner ha chiuso la segnalazione ({status}); l'opportunità è stata chiusa di conseguenza.", ""],
  "lead-closed-from-partner-center": ["Il Centro per i partner ha chiuso la segnalazione ({status}); il lead è stato squalificato.", ""],
  "rejected-by-partner-center": ["Il Centro per i partner ha rifiutato la modifica: {detail}", "Correggi il valore indicato e salva di nuovo il record."],
  retrying: ["Non è stato ancora possibile completare la sincronizzazione ({detail}); il relay continua a riprovare.", ""],
  "dead-letter": [
    "La sincronizzazione non è riuscita dopo tutti i tentativi: {detail}",
    "Un amministratore può riprovare con cosell-relay dead-letter retry dopo aver risolto la causa; anche salvare di nuovo il record fa un nuovo tentativo.",
  ],
  "config-invalid": ["Variabile di ambiente {variable}: {problem}", "{fix}"],
  "column-missing": [
    "La colonna {column} non esiste in {table}; è indicata da una variabile di ambiente o dal mapping dei campi.",
    "Correggi cosell_DealValueField, cosell_CountryCodeField o cosell_FieldMapping indicando il nome logico di una colonna esistente.",
  ],
  "referral-not-found": [
    "La segnalazione {referralId} non è stata trovata nel Centro per i partner.",
    "Verifica che l'utente del Centro per i partner usato dal relay possa vedere la segnalazione (serve il ruolo Referrals Admin).",
  ],
  "record-not-found": ["Il record {id} non è stato trovato in Dynamics 365.", ""],
  "currency-not-in-crm": ["Il Centro per i partner usa la valuta {code}, che non è configurata in Dynamics 365; la valuta non è stata modificata.", "Aggiungi la valuta {code} in Impostazioni > Gestione aziendale > Valute."],
  "lead-not-from-partner-center": ["Questo lead non proviene dal Centro per i partner.", "Solo i lead con un identificatore segnalazione possono essere accettati o rifiutati nel Centro per i partner."],
  "referral-already-closed": ["La segnalazione è già chiusa nel Centro per i partner ({status}).", "Le segnalazioni chiuse sono definitive; non è stato modificato nulla."],
  "decline-reason-required": ["Indica un motivo per rifiutare la segnalazione.", "Scrivi perché rifiuti; il Centro per i partner lo mostra al mittente."],
};

const pl: EngineCatalog = {
  "shared-cosell": ["Udostępniono w Centrum partnerskim jako polecenie co-sell; Microsoft został zaproszony do pomocy.", ""],
  "shared-partner-led": ["Udostępniono w Centrum partnerskim jako polecenie prowadzone przez partnera, widoczne dla sprzedawców Microsoft.", ""],
  "shared-private": ["Udostępniono w Centrum partnerskim jako polecenie prywatne.", ""],
  "sent-to-partner-center": ["Wysłano do Centrum partnerskiego: {fields}.", ""],
  "updated-from-partner-center": ["Zaktualizowano z Centrum partnerskiego: {fields}.", ""],
  "in-sync": ["Zsynchronizowano z Centrum partnerskim.", ""],
  "not-sharing": ["Synchronizacja z Centrum partnerskim ma wartość Nie, więc nic nie wysłano.", "Ustaw Synchronizację z Centrum partnerskim na Tak, aby udostępnić tę szansę sprzedaży."],
  "not-sent": ["Nie wysłano do Centrum partnerskiego: {problems}", "Popraw wymienione wyżej pola i zapisz ponownie."],
  "received-lead": ["Nowe polecenie z Centrum partnerskiego ({status}); zaakceptuj je lub odrzuć.", ""],
  "received-opportunity": ["Otrzymano zaakceptowane polecenie z Centrum partnerskiego.", ""],
  accepted: ["Polecenie zaakceptowano w Centrum partnerskim; ta szansa sprzedaży została utworzona z potencjalnego klienta.", ""],
  declined: ["Polecenie odrzucono w Centrum partnerskim. Powód: {reason}", ""],
  "closed-from-crm": ["Polecenie zamknięto jako {status} w Centrum partnerskim.", ""],
  "opportunity-closed-from-partner-center": ["Centrum partnerskie zamknęło polecenie ({status}); szansa sprzedaży została odpowiednio zamknięta.", ""],
  "lead-closed-from-partner-center": ["Centrum partnerskie zamknęło polecenie ({status}); potencjalny klient został zdyskwalifikowany.", ""],
  "rejected-by-partner-center": ["Centrum partnerskie odrzuciło zmianę: {detail}", "Popraw wskazaną wartość i zapisz rekord ponownie."],
  retrying: ["Nie udało się jeszcze zakończyć synchronizacji ({detail}); przekaźnik ponawia próby.", ""],
  "dead-letter": [
    "Synchronizacja nie powiodła się po wszystkich próbach: {detail}",
    "Administrator może ponowić ją poleceniem cosell-relay dead-letter retry po usunięciu przyczyny; ponowne zapisanie rekordu również ponawia próbę.",
  ],
  "config-invalid": ["Zmienna środowiskowa {variable}: {problem}", "{fix}"],
  "column-missing": [
    "Kolumna {column} nie istnieje w tabeli {table}; wskazuje ją zmienna środowiskowa lub mapowanie pól.",
    "Popraw cosell_DealValueField, cosell_CountryCodeField lub cosell_FieldMapping, podając nazwę logiczną istniejącej kolumny.",
  ],
  "referral-not-found": [
    "Nie znaleziono polecenia {referralId} w Centrum partnerskim.",
    "Sprawdź, czy użytkownik Centrum partnerskiego używany przez przekaźnik widzi polecenie (wymaga roli Referrals Admin).",
  ],
  "record-not-found": ["Nie znaleziono rekordu {id} w Dynamics 365.", ""],
  "currency-not-in-crm": ["Centrum partnerskie używa waluty {code}, której nie skonfigurowano w Dynamics 365; waluty nie zmieniono.", "Dodaj walutę {code} w obszarze Ustawienia > Zarządzanie firmą > Waluty."],
  "lead-not-from-partner-center": ["Ten potencjalny klient nie pochodzi z Centrum partnerskiego.", "Tylko potencjalnych klientów z identyfikatorem polecenia można zaakceptować lub odrzucić w Centrum partnerskim."],
  "referral-already-closed": ["Polecenie jest już zamknięte w Centrum partnerskim ({status}).", "Zamknięte polecenia są ostateczne; niczego nie zmieniono."],
  "decline-reason-required": ["Podaj powód odrzucenia polecenia.", "Wpisz, dlaczego odrzucasz; Centrum partnerskie pokaże to nadawcy."],
};

const catalogs: Readonly<Record<Lcid, EngineCatalog>> = { 1033: en, 1053: sv, 2052: zh, 1043: nl, 1040: it, 1045: pl };

const fill = (template: string, params: MessageParams): string =>
  template.replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in params ? String(params[name]) : placeholder));

/** An engine message and its fix hint in the user's language (LCID); other languages read English. */
export function engineMessage(key: EngineMessageKey, params: MessageParams, lcid: number): LocalizedMessage {
  const [message, fix] = (catalogs[lcid as Lcid] ?? en)[key];
  return { message: fill(message, params), fix: fill(fix, params) };
}
