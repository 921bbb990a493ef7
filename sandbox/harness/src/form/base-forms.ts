/**
 * The out-of-the-box main forms the solution's form changes are layered onto. A managed solution
 * ships only its difference to a system form (dataverse-pcf.md §2.9), so the harness provides the
 * system forms of a fresh Sales organisation in the same FormXml format: a header and a Summary tab
 * whose third column is where the solution adds its section.
 */

/** Control class ids of the classic controls (dataverse-pcf.md §2.9). */
export const ClassIds = {
  text: "{4273EDBD-AC1D-40d3-9FB2-095C621B552D}",
  memo: "{E0DECE4B-6FC8-4a8f-A065-082708572369}",
  picklist: "{3EF39988-22BB-4f0b-BBBE-64B5A3748AEE}",
  checkbox: "{67FAC785-CD58-4f9f-ABB3-4B7DDC6ED5ED}",
  lookup: "{270BD3DB-D9AF-4782-9025-509E298DEC0A}",
  datetime: "{5B773807-9FB2-42db-97C3-7A91EFF8ADFF}",
  money: "{533B9E00-756B-4312-95A0-DC888637AC78}",
  url: "{71716B6C-711E-476c-8AB8-5D11542BFB47}",
  subgrid: "{E7A81278-8635-4d9e-8D4D-59480B391C5B}",
} as const;

type Labels = Record<number, string>;

const labels = (texts: Labels): string =>
  `<labels>${Object.entries(texts)
    .map(([lcid, text]) => `<label description="${text.replace(/&/g, "&amp;").replace(/"/g, "&quot;")}" languagecode="${lcid}" />`)
    .join("")}</labels>`;

interface Field {
  field: string;
  classid: string;
  label: Labels;
  rowspan?: number;
  disabled?: boolean;
}

const cell = (f: Field, idPrefix = ""): string =>
  `<row><cell id="{${idPrefix}${f.field}}" showlabel="true"${f.rowspan ? ` rowspan="${f.rowspan}"` : ""}>${labels(f.label)}<control id="${idPrefix}${f.field}" classid="${f.classid}" datafieldname="${f.field}" disabled="${f.disabled === true}" /></cell></row>`;

const section = (name: string, title: Labels, fields: Field[]): string =>
  `<section name="${name}" showlabel="true" columns="1">${labels(title)}<rows>${fields.map((f) => cell(f)).join("")}</rows></section>`;

/** Header fields show values; editing happens in the body, as in the header of the web client's forms. */
const header = (fields: Field[]): string =>
  `<header><rows><row>${fields.map((f) => cell({ ...f, disabled: true }, "header_").replace(/^<row>|<\/row>$/g, "")).join("")}</row></rows></header>`;

const L = {
  topic: { 1033: "Topic", 1053: "Ämne", 2052: "主题", 1043: "Onderwerp", 1040: "Argomento", 1045: "Temat" },
  contact: { 1033: "Contact", 1053: "Kontakt", 2052: "联系人", 1043: "Contactpersoon", 1040: "Contatto", 1045: "Kontakt" },
  account: { 1033: "Account", 1053: "Konto", 2052: "客户", 1043: "Account", 1040: "Account", 1045: "Firma" },
  currency: { 1033: "Currency", 1053: "Valuta", 2052: "货币", 1043: "Valuta", 1040: "Valuta", 1045: "Waluta" },
  estimatedValue: { 1033: "Est. Revenue", 1053: "Uppsk. intäkt", 2052: "预计收入", 1043: "Gesch. opbrengst", 1040: "Ricavi stimati", 1045: "Szac. przychód" },
  budget: { 1033: "Budget Amount", 1053: "Budgetbelopp", 2052: "预算金额", 1043: "Budgetbedrag", 1040: "Importo budget", 1045: "Kwota budżetu" },
  closeDate: { 1033: "Est. Close Date", 1053: "Uppsk. slutdatum", 2052: "预计结束日期", 1043: "Gesch. sluitingsdatum", 1040: "Data chiusura stimata", 1045: "Szac. data zamknięcia" },
  description: { 1033: "Description", 1053: "Beskrivning", 2052: "描述", 1043: "Beschrijving", 1040: "Descrizione", 1045: "Opis" },
  owner: { 1033: "Owner", 1053: "Ägare", 2052: "负责人", 1043: "Eigenaar", 1040: "Proprietario", 1045: "Właściciel" },
  status: { 1033: "Status", 1053: "Status", 2052: "状态", 1043: "Status", 1040: "Stato", 1045: "Stan" },
  summary: { 1033: "Summary", 1053: "Sammanfattning", 2052: "摘要", 1043: "Samenvatting", 1040: "Riepilogo", 1045: "Podsumowanie" },
  opportunityInformation: { 1033: "Opportunity information", 1053: "Information om affärsmöjlighet", 2052: "商机信息", 1043: "Informatie over verkoopkans", 1040: "Informazioni opportunità", 1045: "Informacje o szansie sprzedaży" },
  details: { 1033: "Deal details", 1053: "Affärsinformation", 2052: "交易详细信息", 1043: "Dealgegevens", 1040: "Dettagli trattativa", 1045: "Szczegóły transakcji" },
  firstName: { 1033: "First Name", 1053: "Förnamn", 2052: "名", 1043: "Voornaam", 1040: "Nome", 1045: "Imię" },
  lastName: { 1033: "Last Name", 1053: "Efternamn", 2052: "姓", 1043: "Achternaam", 1040: "Cognome", 1045: "Nazwisko" },
  jobTitle: { 1033: "Job Title", 1053: "Befattning", 2052: "职务", 1043: "Functie", 1040: "Posizione", 1045: "Stanowisko" },
  email: { 1033: "Email", 1053: "E-post", 2052: "电子邮件", 1043: "E-mail", 1040: "E-mail", 1045: "Adres e-mail" },
  phone: { 1033: "Business Phone", 1053: "Arbetstelefon", 2052: "商务电话", 1043: "Telefoon werk", 1040: "Telefono ufficio", 1045: "Telefon służbowy" },
  company: { 1033: "Company", 1053: "Företag", 2052: "公司", 1043: "Bedrijf", 1040: "Società", 1045: "Firma" },
  companyName: { 1033: "Company Name", 1053: "Företagsnamn", 2052: "公司名称", 1043: "Bedrijfsnaam", 1040: "Nome società", 1045: "Nazwa firmy" },
  city: { 1033: "City", 1053: "Ort", 2052: "市/县", 1043: "Plaats", 1040: "Città", 1045: "Miejscowość" },
  postalCode: { 1033: "ZIP/Postal Code", 1053: "Postnummer", 2052: "邮政编码", 1043: "Postcode", 1040: "CAP", 1045: "Kod pocztowy" },
  country: { 1033: "Country/Region", 1053: "Land/region", 2052: "国家/地区", 1043: "Land/regio", 1040: "Paese/area geografica", 1045: "Kraj/region" },
  contactSection: { 1033: "Contact", 1053: "Kontakt", 2052: "联系人", 1043: "Contactpersoon", 1040: "Contatto", 1045: "Kontakt" },
  name: { 1033: "Name", 1053: "Namn", 2052: "名称", 1043: "Naam", 1040: "Nome", 1045: "Nazwa" },
  general: { 1033: "General", 1053: "Allmänt", 2052: "常规", 1043: "Algemeen", 1040: "Generale", 1045: "Ogólne" },
} satisfies Record<string, Labels>;

const opportunityForm = `<systemform><formid>{4a63b8b6-2f7d-4a3c-8d8c-0f5c0a8e5a10}</formid><form>
${header([
  { field: "estimatedvalue", classid: ClassIds.money, label: L.estimatedValue },
  { field: "estimatedclosedate", classid: ClassIds.datetime, label: L.closeDate },
  { field: "ownerid", classid: ClassIds.lookup, label: L.owner },
  { field: "statecode", classid: ClassIds.picklist, label: L.status, disabled: true },
])}
<tabs><tab name="Summary" id="{b6a005fd-5964-4427-b39b-6750e1a5fa6f}" showlabel="true">${labels(L.summary)}<columns>
<column width="34%"><sections>${section("opportunity_information", L.opportunityInformation, [
  { field: "name", classid: ClassIds.text, label: L.topic },
  { field: "parentcontactid", classid: ClassIds.lookup, label: L.contact },
  { field: "parentaccountid", classid: ClassIds.lookup, label: L.account },
  { field: "transactioncurrencyid", classid: ClassIds.lookup, label: L.currency },
  { field: "estimatedvalue", classid: ClassIds.money, label: L.estimatedValue },
  { field: "budgetamount", classid: ClassIds.money, label: L.budget },
  { field: "estimatedclosedate", classid: ClassIds.datetime, label: L.closeDate },
])}</sections></column>
<column width="33%"><sections>${section("deal_details", L.details, [{ field: "description", classid: ClassIds.memo, label: L.description, rowspan: 6 }])}</sections></column>
<column width="33%"><sections></sections></column>
</columns></tab></tabs></form></systemform>`;

const leadForm = `<systemform><formid>{8b2c4e0d-6a1f-4f55-9d1e-3c7a2b9e4f21}</formid><form>
${header([
  { field: "budgetamount", classid: ClassIds.money, label: L.budget },
  { field: "ownerid", classid: ClassIds.lookup, label: L.owner },
  { field: "statecode", classid: ClassIds.picklist, label: L.status, disabled: true },
])}
<tabs><tab name="Summary" id="{f7109214-c3bd-4734-ad5b-4054499a43d6}" showlabel="true">${labels(L.summary)}<columns>
<column width="35%"><sections>${section("contact", L.contactSection, [
  { field: "subject", classid: ClassIds.text, label: L.topic },
  { field: "firstname", classid: ClassIds.text, label: L.firstName },
  { field: "lastname", classid: ClassIds.text, label: L.lastName },
  { field: "jobtitle", classid: ClassIds.text, label: L.jobTitle },
  { field: "emailaddress1", classid: ClassIds.text, label: L.email },
  { field: "telephone1", classid: ClassIds.text, label: L.phone },
])}</sections></column>
<column width="35%"><sections>${section("company", L.company, [
  { field: "companyname", classid: ClassIds.text, label: L.companyName },
  { field: "address1_city", classid: ClassIds.text, label: L.city },
  { field: "address1_postalcode", classid: ClassIds.text, label: L.postalCode },
  { field: "address1_country", classid: ClassIds.text, label: L.country },
  { field: "budgetamount", classid: ClassIds.money, label: L.budget },
  { field: "transactioncurrencyid", classid: ClassIds.lookup, label: L.currency },
  { field: "estimatedclosedate", classid: ClassIds.datetime, label: L.closeDate },
  { field: "description", classid: ClassIds.memo, label: L.description, rowspan: 4 },
])}</sections></column>
<column width="30%"><sections></sections></column>
</columns></tab></tabs></form></systemform>`;

/** A plain form for tables that ship no form in a solution: every column the user can write. */
export function generatedForm(primaryName: string, fields: Array<{ field: string; classid: string; label: string }>): string {
  const general = section("general", L.general, [
    { field: primaryName, classid: ClassIds.text, label: L.name },
    ...fields.filter((f) => f.field !== primaryName).map((f) => ({ field: f.field, classid: f.classid, label: { 1033: f.label } })),
  ]);
  return `<systemform><formid>{00000000-0000-0000-0000-000000000000}</formid><form><tabs><tab name="general" showlabel="false">${labels(L.general)}<columns><column width="100%"><sections>${general}</sections></column></columns></tab></tabs></form></systemform>`;
}

/** The system main form of a standard table, if the harness knows it. */
export function systemForm(logicalName: string): string | undefined {
  return { opportunity: opportunityForm, lead: leadForm }[logicalName];
}
