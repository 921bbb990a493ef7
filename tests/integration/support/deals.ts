/**
 * Test data as sellers and admins make it in Dynamics 365: catalog solutions, customers, contacts
 * and opportunities, through the Web API.
 */
import { HelpNeededOptions, OpportunitySolutionRelationship, SolutionKindOptions, SolutionTable, SystemUserTable } from "@cosell/core";
import type { CrmSession, Row } from "./crm";
import type { SyncHarness } from "./harness";

export const PARTNER_SOLUTION = { id: "SOL-34104-EBB", name: "Contoso Field Analytics", publisher: "Contoso Partner" };

export interface Customer {
  accountId: string;
  contactId: string;
}

/** Gives the seller the phone number Partner Center needs on every team member. */
export async function completeSellerProfile(h: Pick<SyncHarness, "seller" | "admin" | "sellerObjectId">, phone = "+1 425 555 0199"): Promise<string> {
  await h.seller.list("systemusers", "?$top=1");
  const [user] = await h.admin.list("systemusers", `?$select=systemuserid&$filter=azureactivedirectoryobjectid eq ${h.sellerObjectId}`);
  const id = String(user.systemuserid);
  await h.admin.update("systemusers", id, { [SystemUserTable.phone]: phone });
  return id;
}

export async function addCatalogSolution(h: Pick<SyncHarness, "admin">, solution = PARTNER_SOLUTION): Promise<string> {
  return h.admin.create(SolutionTable.entitySetName, {
    [SolutionTable.name]: solution.name,
    [SolutionTable.solutionIdentifier]: solution.id,
    [SolutionTable.kind]: SolutionKindOptions.CoSellReadyPartnerSolution,
    [SolutionTable.publisher]: solution.publisher,
  });
}

export async function createCustomer(
  crm: CrmSession,
  account: Row = { name: "Contoso Customer Inc", address1_line1: "One Microsoft Way", address1_city: "Redmond", address1_postalcode: "98052", address1_country: "US" },
  contact: Row = { firstname: "Sue", lastname: "Smith", emailaddress1: "sue.smith@contoso-customer.example", telephone1: "+1 425 555 0111" },
): Promise<Customer> {
  const accountId = await crm.create("accounts", account);
  const contactId = await crm.create("contacts", { ...contact, "parentcustomerid_account@odata.bind": `/accounts(${accountId})` });
  return { accountId, contactId };
}

export async function currencyId(crm: CrmSession, isoCode: string): Promise<string> {
  const [currency] = await crm.list("transactioncurrencies", `?$select=transactioncurrencyid&$filter=isocurrencycode eq '${isoCode}'`);
  return String(currency.transactioncurrencyid);
}

/** A co-sell opportunity as a seller fills it in: every field the rules ask for, Sync still No. */
export async function draftCoSellOpportunity(h: Pick<SyncHarness, "seller">, customer: Customer, overrides: Row = {}): Promise<string> {
  const usd = await currencyId(h.seller, "USD");
  return h.seller.create("opportunities", {
    name: "Contoso supply chain",
    estimatedvalue: 50000,
    estimatedclosedate: "2030-03-31",
    description: "Customer wants Dynamics 365 Supply Chain with custom apps.",
    cosell_helpneeded: HelpNeededOptions.CustomerTechnicalArchitecture,
    cosell_visibility: true,
    "parentaccountid@odata.bind": `/accounts(${customer.accountId})`,
    "customerid_account@odata.bind": `/accounts(${customer.accountId})`,
    "parentcontactid@odata.bind": `/contacts(${customer.contactId})`,
    "transactioncurrencyid@odata.bind": `/transactioncurrencies(${usd})`,
    ...overrides,
  });
}

export async function attachSolution(crm: CrmSession, opportunityId: string, solutionRowId: string): Promise<void> {
  await crm.associate("opportunities", opportunityId, OpportunitySolutionRelationship.navigationProperty, SolutionTable.entitySetName, solutionRowId);
}

export async function opportunity(crm: CrmSession, id: string): Promise<Row> {
  return crm.get("opportunities", id);
}
