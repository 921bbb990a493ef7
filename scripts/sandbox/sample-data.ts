/**
 * What the sandbox's Dataverse holds before anyone touches it: customers in the product's markets
 * with their contacts, open deals owned by the seller, and the co-sell solution catalog an admin
 * would import. Written as pre-existing data (no webhooks fire for it).
 */
import { SolutionKindOptions, SolutionTable, SystemUserTable } from "@cosell/core";
import type { DataverseEmulator } from "../../emulators/dataverse/src";
import { SELLER, SANDBOX_USERS } from "./users";

export interface SampleData {
  currencies: Record<string, string>;
  accounts: Record<string, string>;
  contacts: Record<string, string>;
  opportunities: Record<string, string>;
  solutions: Record<string, string>;
}

/** The co-sell catalog: the partner's co-sell ready solutions and Microsoft solutions (PRODUCT.md §1). */
export const CATALOG = [
  { key: "migration", name: "Contoso Cloud Migration Accelerator", id: "SOL-15974-MQF", kind: "CoSellReadyPartnerSolution", publisher: "Contoso Company" },
  { key: "analytics", name: "Contoso Analytics on Microsoft Fabric", id: "SOL-20384-KRT", kind: "CoSellReadyPartnerSolution", publisher: "Contoso Company" },
  { key: "security", name: "Contoso Secure Workplace", id: "SOL-31877-ZPA", kind: "CoSellReadyPartnerSolution", publisher: "Contoso Company" },
  { key: "azure", name: "Azure Migrate and Modernize", id: "SOL-40112-AZM", kind: "MicrosoftSolution", publisher: "Microsoft" },
] as const;

const inDays = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

export function seedSampleData(dv: DataverseEmulator, userIds: ReadonlyMap<string, string>): SampleData {
  const env = dv.environment;
  for (const user of SANDBOX_USERS) {
    // Partner Center lists the deal's owner with a phone number (core rule owner-incomplete).
    env.update("systemuser", userIds.get(user.upn)!, { title: user.title, [SystemUserTable.phone]: user.phone }, env.systemActor, { silent: true });
  }

  const currencies = dv.seed.currencies();
  const currency = (code: string) => `/transactioncurrencies(${currencies[code]})`;
  const owner = `/systemusers(${userIds.get(SELLER.upn)!})`;

  const [contoso, fabrikam, adventure, northwind, litware] = dv.seed.records("accounts", [
    { name: "Contoso Pharmaceuticals", address1_line1: "1 Microsoft Way", address1_city: "Redmond", address1_stateorprovince: "WA", address1_postalcode: "98052", address1_country: "US", telephone1: "+1 425 555 0100", websiteurl: "https://contoso-pharma.example", "ownerid@odata.bind": owner },
    { name: "Fabrikam AB", address1_line1: "Kungsgatan 1", address1_city: "Stockholm", address1_postalcode: "111 43", address1_country: "SE", "transactioncurrencyid@odata.bind": currency("SEK"), "ownerid@odata.bind": owner },
    { name: "Adventure Works BV", address1_line1: "Damrak 1", address1_city: "Amsterdam", address1_postalcode: "1012 LG", address1_country: "NL", "transactioncurrencyid@odata.bind": currency("EUR"), "ownerid@odata.bind": owner },
    { name: "Northwind Traders sp. z o.o.", address1_line1: "ul. Marszałkowska 1", address1_city: "Warszawa", address1_postalcode: "00-001", address1_country: "PL", "transactioncurrencyid@odata.bind": currency("PLN"), "ownerid@odata.bind": owner },
    // Its main address spells the country out, as many CRMs do; the ISO code is on the second address.
    { name: "Litware Inc.", address1_line1: "400 Broad St", address1_city: "Seattle", address1_stateorprovince: "WA", address1_postalcode: "98109", address1_country: "United States", address2_line1: "400 Broad St", address2_city: "Seattle", address2_postalcode: "98109", address2_country: "US", "ownerid@odata.bind": owner },
  ]);
  const [ana, erik, sanne, nina, kai] = dv.seed.records("contacts", [
    { firstname: "Ana", lastname: "Bowman", emailaddress1: "ana.bowman@contoso-pharma.example", telephone1: "+1 425 555 0101", jobtitle: "CIO", "parentcustomerid_account@odata.bind": `/accounts(${contoso})`, "ownerid@odata.bind": owner },
    { firstname: "Erik", lastname: "Lindqvist", emailaddress1: "erik.lindqvist@fabrikam.example", telephone1: "+46 8 555 010 20", jobtitle: "Head of IT", "parentcustomerid_account@odata.bind": `/accounts(${fabrikam})`, "ownerid@odata.bind": owner },
    { firstname: "Sanne", lastname: "de Vries", emailaddress1: "sanne.devries@adventure-works.example", jobtitle: "CTO", "parentcustomerid_account@odata.bind": `/accounts(${adventure})`, "ownerid@odata.bind": owner },
    { firstname: "Nina", lastname: "Kowalska", emailaddress1: "nina.kowalska@northwind.example", jobtitle: "Dyrektor IT", "parentcustomerid_account@odata.bind": `/accounts(${northwind})`, "ownerid@odata.bind": owner },
    { firstname: "Kai", lastname: "Carter", emailaddress1: "kai.carter@litware.example", jobtitle: "VP Engineering", "parentcustomerid_account@odata.bind": `/accounts(${litware})`, "ownerid@odata.bind": owner },
  ]);

  const deal = (name: string, account: string, contact: string, code: string, value: number, closeInDays: number, description: string | null, extra: Record<string, unknown> = {}) => ({
    name,
    estimatedvalue: value,
    estimatedclosedate: inDays(closeInDays),
    description,
    "parentaccountid@odata.bind": `/accounts(${account})`,
    "customerid_account@odata.bind": `/accounts(${account})`,
    "parentcontactid@odata.bind": `/contacts(${contact})`,
    "transactioncurrencyid@odata.bind": currency(code),
    "ownerid@odata.bind": owner,
    ...extra,
  });
  const [cloud, dataPlatform, security, modernisation, litwareDeal] = dv.seed.records("opportunities", [
    deal("Contoso cloud migration", contoso, ana, "USD", 250000, 60, "Move the ERP estate and 40 line-of-business apps to Azure by Q3."),
    deal("Fabrikam data platform", fabrikam, erik, "SEK", 1200000, 90, "Replace the on-premises data warehouse with Microsoft Fabric.", { budgetamount: 1500000 }),
    deal("Adventure Works security review", adventure, sanne, "EUR", 80000, 30, "Zero-trust assessment and Microsoft Defender roll-out for 1,200 seats."),
    deal("Northwind analytics modernisation", northwind, nina, "PLN", 400000, 75, "Power BI and Fabric for sales and supply-chain reporting."),
    deal("Litware analytics rollout", litware, kai, "USD", 120000, 45, "Self-service analytics for the product teams."),
  ]);

  const solutionIds = dv.seed.records(
    SolutionTable.entitySetName,
    CATALOG.map((s) => ({
      [SolutionTable.name]: s.name,
      [SolutionTable.solutionIdentifier]: s.id,
      [SolutionTable.kind]: SolutionKindOptions[s.kind],
      [SolutionTable.publisher]: s.publisher,
    })),
  );

  return {
    currencies,
    accounts: { contoso, fabrikam, adventure, northwind, litware },
    contacts: { ana, erik, sanne, nina, kai },
    opportunities: { cloud, dataPlatform, security, modernisation, litware: litwareDeal },
    solutions: Object.fromEntries(CATALOG.map((s, i) => [s.key, solutionIds[i]])),
  };
}
