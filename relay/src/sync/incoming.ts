/**
 * Partner Center → CRM for referrals the CRM does not hold as a linked opportunity yet: a referral
 * that is not accepted arrives as a Lead, an accepted one as an Opportunity, with its account
 * (matched by the configured keys, else created) and contacts (matched by e-mail, else created)
 * (ARCHITECTURE.md "Sync rules": Leads, Account match). The CRM id goes back to Partner Center as
 * `externalReferenceId`.
 */
import {
  accountMatchKeys,
  ContactTable,
  fieldRules,
  flowsToCrm,
  formatReferralState,
  LeadColumns,
  LeadState,
  LeadStatusReason,
  mapReferralToAccount,
  mapReferralToContacts,
  mapReferralToLead,
  mapReferralToOpportunity,
  OpportunityTable,
  projectOpportunity,
  projectReferral,
  referralSolutionIds,
  resolveMapping,
  SyncFields,
  type AuditEntry,
  type ColumnValue,
  type JsonPatchOperation,
  type Referral,
  type SyncConfig,
  type SyncProjection,
} from "@cosell/core";
import { outcomeColumns } from "./outcome";
import { StaleReferralError, type CrmWrite, type LookupValue } from "./ports";
import { engineEntry, type Runtime } from "./runtime";

/**
 * Reads the referral, builds the change from what is there now, PATCHes with If-Match; re-reads
 * and rebuilds when someone else wrote in between (partner-center-api.md §7.6).
 */
export async function updateReferral(rt: Runtime, referralId: string, build: (current: Referral) => JsonPatchOperation[]): Promise<Referral> {
  for (let round = 0; ; round++) {
    const current = await rt.pc.get(referralId);
    if (!current) throw new Error(`Referral ${referralId} disappeared from Partner Center during the sync.`);
    const operations = build(current);
    if (operations.length === 0) return current;
    if (!current.eTag) throw new Error(`Referral ${referralId} came back without an eTag, so it cannot be updated safely.`);
    try {
      return await rt.pc.patch(referralId, operations, current.eTag);
    } catch (error) {
      if (!(error instanceof StaleReferralError) || round >= rt.maxConflictRetries) throw error;
    }
  }
}

/** The patch that records our CRM id in the referral, if it is not there yet. */
export function externalReferenceOperations(current: Referral, crmId: string): JsonPatchOperation[] {
  if (current.status === "Closed" || current.externalReferenceId?.toLowerCase() === crmId.toLowerCase()) return [];
  return [{ op: current.externalReferenceId === undefined ? "add" : "replace", path: "/externalReferenceId", value: crmId }];
}

/** The customer's account (matched by the configured keys, else created) and contacts (by e-mail). */
async function ensureCustomer(rt: Runtime, referral: Referral): Promise<{ accountId?: string; contactIds: string[] }> {
  const keys = accountMatchKeys(referral, rt.config);
  let accountId = keys ? await rt.dv.findAccount(keys) : undefined;
  if (!accountId) {
    const columns = mapReferralToAccount(referral, rt.config);
    if (Object.values(columns).some((value) => value !== undefined && value !== null && value !== "")) accountId = await rt.dv.createAccount(columns);
  }
  const emailColumn = resolveMapping(rt.config).contact.email?.[0] ?? ContactTable.email;
  const contactIds: string[] = [];
  for (const columns of mapReferralToContacts(referral, rt.config)) {
    const email = String(columns[emailColumn] ?? "");
    contactIds.push((email && (await rt.dv.findContactByEmail(email))) || (await rt.dv.createContact(columns)));
  }
  return { accountId, contactIds };
}

/** The referral's currency as a lookup, or a warning when the CRM has no such currency. */
async function currencyOf(rt: Runtime, referral: Referral, isoCode: string | undefined): Promise<{ lookup?: LookupValue; warning?: AuditEntry }> {
  if (!isoCode) return {};
  const id = await rt.dv.currencyIdByIsoCode(isoCode);
  if (id) return { lookup: { table: "transactioncurrency", id } };
  return { warning: engineEntry(rt, "warning", "toCrm", "currency-not-in-crm", { code: isoCode }, referral.id) };
}

/**
 * The agreed projection for a record just taken in: Partner Center's values, except for fields that
 * flow only to Partner Center and that the CRM holds differently (solutions not in the catalog, one
 * contact instead of several). Those stay as the CRM has them, so they are sent only once a seller
 * changes them.
 */
function takenInBase(referral: Referral, crm: SyncProjection, config: SyncConfig): SyncProjection {
  const rules = fieldRules(config);
  const base: Record<string, unknown> = { ...projectReferral(referral) };
  for (const field of SyncFields) {
    if (!flowsToCrm(rules[field])) base[field] = crm[field];
  }
  for (const key of Object.keys(base)) if (base[key] === undefined) delete base[key];
  return base as SyncProjection;
}

/** Records the link of an opportunity filled from a referral, with its agreed projection. */
export async function linkTakenIn(rt: Runtime, referral: Referral, opportunityId: string): Promise<void> {
  const context = await rt.dv.opportunityContext(opportunityId, rt.config);
  if (!context || !referral.id) return;
  const crm = projectOpportunity(context.record, rt.config, projectReferral(referral).status);
  await rt.state.saveLink({ referralId: referral.id, crmTable: "opportunity", crmId: opportunityId, projection: takenInBase(referral, crm, rt.config) });
}

/** Opportunity columns for a referral taken in (every mapped field), its customer, currency and outcome. */
export async function takeInWrite(rt: Runtime, referral: Referral, entry: AuditEntry): Promise<CrmWrite> {
  const customer = await ensureCustomer(rt, referral);
  const changes = mapReferralToOpportunity(referral, rt.config, { create: true, linkTemplate: rt.linkTemplate });
  const currency = await currencyOf(rt, referral, changes.currencyIsoCode);
  const lookups: Record<string, LookupValue> = {};
  if (customer.accountId) {
    lookups[OpportunityTable.account] = { table: "account", id: customer.accountId };
    lookups[`${OpportunityTable.customer}_account`] = { table: "account", id: customer.accountId };
  }
  if (customer.contactIds[0]) lookups[OpportunityTable.contact] = { table: "contact", id: customer.contactIds[0] };
  if (currency.lookup) lookups[OpportunityTable.currency] = currency.lookup;
  const entries = currency.warning ? [entry, currency.warning] : [entry];
  const outcome = outcomeColumns({}, "opportunity", { status: "Synced", entries }, rt.config.displayCheckMark, rt.now(), changes.columns) ?? {};
  return { columns: { ...changes.columns, ...outcome }, lookups };
}

/** Attaches the catalog solutions the referral names; ids missing from the catalog are left out. */
export async function attachReferralSolutions(rt: Runtime, opportunityId: string, referral: Referral): Promise<void> {
  const rows = await rt.dv.solutionRowIds(referralSolutionIds(referral));
  if (rows.length) await rt.dv.attachSolutions(opportunityId, rows);
}

/** A referral accepted before the CRM ever saw it becomes an opportunity. */
export async function receiveAsOpportunity(rt: Runtime, referral: Referral): Promise<string> {
  const referralId = referral.id as string;
  const write = await takeInWrite(rt, referral, engineEntry(rt, "success", "toCrm", "received-opportunity", {}, referralId));
  const opportunityId = await rt.dv.createOpportunity(write);
  await attachReferralSolutions(rt, opportunityId, referral);
  await linkTakenIn(rt, referral, opportunityId);
  rt.log.info({ referralId, opportunityId }, "referral received as an opportunity");
  return opportunityId;
}

/** A referral waiting for an answer becomes a lead. */
export async function receiveAsLead(rt: Runtime, referral: Referral): Promise<string> {
  const referralId = referral.id as string;
  const changes = mapReferralToLead(referral, rt.config, { create: true, linkTemplate: rt.linkTemplate });
  const currency = await currencyOf(rt, referral, changes.currencyIsoCode);
  const entry = engineEntry(rt, "success", "toCrm", "received-lead", { status: formatReferralState(projectReferral(referral).status) }, referralId);
  const entries = currency.warning ? [entry, currency.warning] : [entry];
  const outcome = outcomeColumns({}, "lead", { status: "Synced", entries }, rt.config.displayCheckMark, rt.now(), changes.columns) ?? {};
  const leadId = await rt.dv.createLead({
    columns: { ...changes.columns, ...outcome },
    lookups: currency.lookup ? { [OpportunityTable.currency]: currency.lookup } : undefined,
  });
  const after = await updateReferral(rt, referralId, (current) => externalReferenceOperations(current, leadId));
  await rt.state.saveLink({ referralId, crmTable: "lead", crmId: leadId, projection: projectReferral(after) });
  rt.log.info({ referralId, leadId }, "referral received as a lead");
  return leadId;
}

/** Lead columns Partner Center's changes update while the referral waits for an answer. */
export function leadUpdate(referral: Referral, config: SyncConfig, current: Readonly<Record<string, ColumnValue>>): Record<string, ColumnValue> {
  const changes = mapReferralToLead(referral, config);
  const columns: Record<string, ColumnValue> = {};
  for (const [column, value] of Object.entries(changes.columns)) {
    const before = current[column];
    const same = (before ?? "") === (value ?? "") || (typeof before === "number" && typeof value === "number" && Math.abs(before - value) < 0.00005);
    if (!same) columns[column] = value;
  }
  return columns;
}

/** The columns that close a lead the way its referral was closed (declined or expired). */
export function disqualifiedLeadColumns(referral: Referral): Record<string, ColumnValue> {
  return {
    [LeadColumns.referralStatus]: formatReferralState(projectReferral(referral).status),
    statecode: LeadState.Disqualified,
    statuscode: LeadStatusReason.Canceled,
  };
}
