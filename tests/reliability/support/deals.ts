/**
 * Deals in bulk, as sellers make them in Dynamics 365 and as Microsoft sends them from Partner
 * Center, plus the reads that say where each one ended up. Built on the integration suite's CRM
 * session and deal helpers.
 */
import { HelpNeededOptions, LeadColumns, OpportunityColumns } from "@cosell/core";
import type { Row } from "../../integration/support/crm";
import { addCatalogSolution, attachSolution, completeSellerProfile, createCustomer, currencyId } from "../../integration/support/deals";
import type { Environment } from "./environment";

export interface SellerSetup {
  solutionRowId: string;
  usdId: string;
}

/** The seller signs in once (Dynamics provisions them), gets a phone, and the catalog holds one solution. */
export async function prepareSeller(env: Environment): Promise<SellerSetup> {
  await completeSellerProfile(env);
  return { solutionRowId: await addCatalogSolution(env), usdId: await currencyId(env.seller, "USD") };
}

/** A complete co-sell opportunity with its solution, as a seller drafts it (Sync = No). `n` makes names, customers and contacts distinct. */
export async function draftCoSellOpportunity(env: Environment, setup: SellerSetup, n: number, overrides: Row = {}): Promise<string> {
  const customer = await createCustomer(
    env.seller,
    { name: `Customer ${n} Inc`, address1_line1: `${n} Main Street`, address1_city: "Redmond", address1_postalcode: String(98000 + (n % 1000)), address1_country: "US" },
    { firstname: "Sue", lastname: `Smith ${n}`, emailaddress1: `sue.smith.${n}@customer${n}.example`, telephone1: "+1 425 555 0111" },
  );
  const opportunityId = await env.seller.create("opportunities", {
    name: `Deal ${n}`,
    estimatedvalue: 10_000 + n,
    estimatedclosedate: "2030-03-31",
    description: `Customer ${n} wants Dynamics 365 with custom apps.`,
    [OpportunityColumns.helpNeeded]: HelpNeededOptions.CustomerTechnicalArchitecture,
    [OpportunityColumns.visibility]: true,
    "parentaccountid@odata.bind": `/accounts(${customer.accountId})`,
    "customerid_account@odata.bind": `/accounts(${customer.accountId})`,
    "parentcontactid@odata.bind": `/contacts(${customer.contactId})`,
    "transactioncurrencyid@odata.bind": `/transactioncurrencies(${setup.usdId})`,
    ...overrides,
  });
  await attachSolution(env.seller, opportunityId, setup.solutionRowId);
  return opportunityId;
}

/** The draft, then shared: the seller sets Sync with Partner Center = Yes. */
export async function shareCoSellOpportunity(env: Environment, setup: SellerSetup, n: number, overrides: Row = {}): Promise<string> {
  const opportunityId = await draftCoSellOpportunity(env, setup, n, overrides);
  await env.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
  return opportunityId;
}

/** An incoming referral from Microsoft, distinct per `n`; returns its id. */
export function microsoftSendsReferral(env: Environment, n: number): string {
  const referral = env.partnerCenter.microsoft.createIncomingReferral({
    referral: {
      name: `Fabrikam ${n}: Microsoft 365 rollout`,
      customerProfile: {
        name: `Fabrikam ${n} Inc`,
        address: { addressLine1: `${n} Lake Road`, city: "Redmond", state: "WA", postalCode: String(97000 + (n % 1000)), country: "US" },
        team: [{ firstName: "Ann", lastName: `Lee ${n}`, phoneNumber: "1234567890", email: `ann.lee.${n}@fabrikam${n}.example` }],
      },
      details: { dealValue: 5_000 + n, currency: "USD" },
    },
  });
  return String(referral.id);
}

/** The partner's own referrals (not Microsoft's invitation half) that carry this opportunity's id. */
export function referralsOfOpportunity(env: Environment, opportunityId: string): Record<string, unknown>[] {
  return env.partnerCenter.referrals.list().filter((r) => r.externalReferenceId === opportunityId && !JSON.stringify(r.target ?? []).includes('"msft"'));
}

/** CRM records (leads and opportunities) that carry a referral id, counted per id. */
export async function crmRecordsByReferral(env: Environment): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const add = (rows: Row[], column: string) => {
    for (const row of rows) {
      const id = row[column];
      if (typeof id === "string" && id) counts.set(id.toLowerCase(), (counts.get(id.toLowerCase()) ?? 0) + 1);
    }
  };
  add(await listAll(env, "leads", `?$select=${LeadColumns.referralId}&$filter=${LeadColumns.referralId} ne null`), LeadColumns.referralId);
  add(await listAll(env, "opportunities", `?$select=${OpportunityColumns.referralId}&$filter=${OpportunityColumns.referralId} ne null`), OpportunityColumns.referralId);
  return counts;
}

/** Every row of a query, following @odata.nextLink. */
export async function listAll(env: Environment, entitySet: string, query: string): Promise<Row[]> {
  const token = await env.dataverse.tokenFor();
  const rows: Row[] = [];
  let next: string | undefined = `${env.dataverse.url}/api/data/v9.2/${entitySet}${query}`;
  while (next) {
    const response = await fetch(next, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json", Prefer: "odata.maxpagesize=5000" } });
    if (!response.ok) throw new Error(`GET ${entitySet} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as { value: Row[]; "@odata.nextLink"?: string };
    rows.push(...page.value);
    next = page["@odata.nextLink"]?.replace(env.dataverseProxy.url, env.dataverse.url);
  }
  return rows;
}
