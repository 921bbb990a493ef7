/**
 * One linked opportunity and its referral, brought into agreement: read both sides, resolve against
 * the last agreed projection (each field by its direction; a field changed on both sides goes to
 * its owner; changes Partner Center would refuse are undone in the CRM), send only the changed
 * fields as JSON Patch with If-Match, write only the changed columns, record the outcome. Push jobs,
 * pull jobs and the form's "sync now" all end here, so a duplicate or late signal finds nothing to
 * do and writes nothing (ARCHITECTURE.md "Data flow", "Sync rules").
 */
import {
  checkCoSellRules,
  dealTypeOf,
  diffToJsonPatch,
  fieldRules,
  flowsToCrm,
  formatReferralState,
  formatSyncDecision,
  isTerminal,
  mapOpportunityToReferral,
  mapReferralToOpportunity,
  OpportunityColumns,
  OpportunityState,
  OpportunityTable,
  projectionsEqual,
  projectOpportunity,
  projectReferral,
  referralPortalLink,
  syncFieldEquals,
  syncFieldLabel,
  SyncStatusOptions,
  type AuditEntry,
  type ColumnValue,
  type CrmState,
  type JsonPatchOperation,
  type OpportunityContext,
  type OpportunityRecord,
  type Referral,
  type RuleCode,
  type SyncConfig,
  type SyncField,
  type SyncProjection,
  type SyncResolution,
  resolveSync,
  type Violation,
} from "@cosell/core";
import { engineMessage } from "./messages";
import { recordOutcome } from "./outcome";
import { CrmRecordChangedError, ReferralRejectedError, StaleReferralError, type LookupValue } from "./ports";
import { engineEntry, type Runtime } from "./runtime";
import { ensureMicrosoftInvited, recordInvalid, recordOpportunityError, recordRejected } from "./share";
import type { SyncResult } from "./types";

/**
 * After creation Partner Center checks only what changes, so a rule blocks an update only when the
 * update sends a field it is about. Customer and owner rules concern the create alone.
 */
const RULE_FIELDS: Partial<Record<RuleCode, readonly SyncField[]>> = {
  "solution-required": ["solutions", "helpNeeded", "visibility"],
  "contact-required": ["customerContacts", "helpNeeded", "visibility"],
  "contact-incomplete": ["customerContacts", "helpNeeded", "visibility"],
  "currency-missing": ["currency"],
  "currency-invalid": ["currency"],
  "deal-value-missing": ["dealValue"],
  "deal-value-invalid": ["dealValue"],
  "deal-value-zero-calculated": ["dealValue"],
  "name-missing": ["name"],
  "close-date-missing": ["closingDate"],
  "close-date-invalid": ["closingDate"],
  "notes-missing": ["notes"],
  "notes-too-long": ["notes"],
};

function blockingViolations(ctx: OpportunityContext, config: SyncConfig, sending: readonly SyncField[]): Violation[] {
  if (sending.length === 0) return [];
  const fields = new Set(sending);
  return checkCoSellRules(ctx, config).filter((v) => (RULE_FIELDS[v.code] ?? []).some((field) => fields.has(field)));
}

/**
 * A field that flows only to Partner Center is sent when the seller changed it since the last sync,
 * not merely because Partner Center holds something the CRM cannot show (a solution missing from
 * the catalog, a second customer contact of an incoming referral). The CRM's value stays agreed.
 */
function sendOnlyCrmChanges(resolution: SyncResolution, base: SyncProjection | undefined, crm: SyncProjection, config: SyncConfig): SyncResolution {
  if (!base) return resolution;
  const rules = fieldRules(config);
  const merged: Record<string, unknown> = { ...resolution.merged };
  const toPartnerCenter = resolution.toPartnerCenter.filter((field) => {
    if (flowsToCrm(rules[field]) || !syncFieldEquals(field, base, crm)) return true;
    merged[field] = crm[field];
    if (merged[field] === undefined) delete merged[field];
    return false;
  });
  return { ...resolution, merged: merged as SyncProjection, toPartnerCenter };
}

/** The patch for the fields going to Partner Center, plus what the plain diff cannot express. */
function patchFor(opportunityId: string, ctx: OpportunityContext, config: SyncConfig, referral: Referral, resolution: SyncResolution): { operations: JsonPatchOperation[]; upgrade: boolean } {
  // Leaf paths (`/inviteContext/assistanceRequestCode`), `add` where the referral has no value yet:
  // Partner Center patches individual fields and creates their parent objects (§3.4).
  const operations = resolution.toPartnerCenter.length ? diffToJsonPatch(projectReferral(referral), resolution.merged, { fields: resolution.toPartnerCenter }) : [];
  if (isTerminal(referral.status ? { status: referral.status, substatus: referral.substatus ?? "None" } : undefined)) return { operations, upgrade: false };
  // partner-center-api.md §2.8: a private or partner-led deal may be upgraded to co-sell, which
  // makes it Shared, aims it at the partner's solutions and invites Microsoft (a second POST).
  const sendsDealType = resolution.toPartnerCenter.some((field) => field === "helpNeeded" || field === "visibility");
  const upgrade = sendsDealType && dealTypeOf(ctx).coSell && referral.type !== "Shared";
  if (upgrade) {
    operations.push({ op: "replace", path: "/type", value: "Shared" });
    operations.push({ op: referral.target ? "replace" : "add", path: "/target", value: mapOpportunityToReferral(ctx, config).target });
  }
  // An incoming referral learns which opportunity now holds it.
  if (referral.externalReferenceId?.toLowerCase() !== opportunityId.toLowerCase()) {
    operations.push({ op: referral.externalReferenceId === undefined ? "add" : "replace", path: "/externalReferenceId", value: opportunityId });
  }
  return { operations, upgrade };
}

const normalized = (value: ColumnValue): string => {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(Math.round(value * 10000) / 10000);
  return String(value).trim();
};

/** The proposed columns whose values differ from the record's. */
function changedColumns(current: OpportunityRecord, proposed: Readonly<Record<string, ColumnValue>>): Record<string, ColumnValue> {
  const changed: Record<string, ColumnValue> = {};
  for (const [column, value] of Object.entries(proposed)) {
    if (normalized(current[column]) !== normalized(value)) changed[column] = value;
  }
  return changed;
}

function decisionEntries(rt: Runtime, resolution: SyncResolution, referralId: string): AuditEntry[] {
  const at = rt.now().toISOString();
  return [...resolution.conflicts, ...resolution.rejected].map((decision) => ({
    at,
    outcome: "warning" as const,
    direction: decision.winner === "crm" ? ("toPartnerCenter" as const) : ("toCrm" as const),
    referralId,
    ...formatSyncDecision(decision, rt.lcid),
  }));
}

const labels = (fields: readonly SyncField[], lcid: number): string => fields.map((field) => syncFieldLabel(field, lcid)).join(", ");

/** What the patch told Partner Center, for the Audit: a closure, and the other fields sent. */
function sentToPartnerCenter(rt: Runtime, resolution: SyncResolution, after: Referral, referralId: string): AuditEntry[] {
  const entries: AuditEntry[] = [];
  const sent: SyncField[] = resolution.toPartnerCenter.filter((field) => field !== "status");
  const status = projectReferral(after).status;
  if (resolution.toPartnerCenter.includes("status")) {
    if (isTerminal(status)) entries.push(engineEntry(rt, "success", "toPartnerCenter", "closed-from-crm", { status: formatReferralState(status) }, referralId));
    else sent.push("status");
  }
  if (sent.length) entries.push(engineEntry(rt, "success", "toPartnerCenter", "sent-to-partner-center", { fields: labels(sent, rt.lcid) }, referralId));
  return entries;
}

/** Closes (or reopens) the opportunity the way Dataverse requires: its own messages, not an update. */
async function applyState(rt: Runtime, opportunityId: string, current: OpportunityRecord, target: CrmState, referral: Referral): Promise<void> {
  const state = current.statecode ?? OpportunityState.Open;
  if (state === target.statecode) return;
  if (state !== OpportunityState.Open) await rt.dv.reopenOpportunity(opportunityId);
  const subject = engineMessage("opportunity-closed-from-partner-center", { status: formatReferralState(projectReferral(referral).status) }, rt.lcid).message;
  const close = { subject, description: referral.statusReason };
  if (target.statecode === OpportunityState.Won) await rt.dv.winOpportunity(opportunityId, { ...close, actualRevenue: referral.details?.dealValue });
  else if (target.statecode === OpportunityState.Lost) await rt.dv.loseOpportunity(opportunityId, close, target.statuscode);
}

export async function syncOpportunityLink(rt: Runtime, opportunityId: string, referralId: string): Promise<SyncResult> {
  // What a round already sent stays told, even when the CRM write of that round had to be redone.
  const sentEntries: AuditEntry[] = [];
  for (let round = 0; ; round++) {
    try {
      return await syncRound(rt, opportunityId, referralId, sentEntries);
    } catch (error) {
      const concurrent = error instanceof StaleReferralError || error instanceof CrmRecordChangedError;
      if (!concurrent || round >= rt.maxConflictRetries) throw error;
      rt.log.info({ opportunityId, referralId, round }, "a side changed during the sync; reading both again");
    }
  }
}

async function syncRound(rt: Runtime, opportunityId: string, referralId: string, sentEntries: AuditEntry[]): Promise<SyncResult> {
  const context = await rt.dv.opportunityContext(opportunityId, rt.config);
  if (!context) return { outcome: "error", message: engineMessage("record-not-found", { id: opportunityId }, rt.lcid).message, referralId };
  const ctx = context.record;
  if (ctx.opportunity[OpportunityColumns.syncWithPartnerCenter] !== true) {
    return { outcome: "noop", message: engineMessage("not-sharing", {}, rt.lcid).message, referralId };
  }
  const referralLink = referralPortalLink(referralId, rt.linkTemplate);
  const referral = await rt.pc.get(referralId);
  if (!referral) {
    return recordOpportunityError(rt, opportunityId, engineEntry(rt, "error", "toCrm", "referral-not-found", { referralId }, referralId), referralId);
  }

  const link = await rt.state.linkByReferral(referralId);
  const base = link?.projection;
  const partnerCenter = projectReferral(referral);
  const crm = projectOpportunity(ctx, rt.config, partnerCenter.status);
  const resolution = sendOnlyCrmChanges(resolveSync({ base, crm, partnerCenter }, rt.config), base, crm, rt.config);

  const blocking = blockingViolations(ctx, rt.config, resolution.toPartnerCenter);
  if (blocking.length) return recordInvalid(rt, opportunityId, context, blocking, referralId);

  let after = referral;
  const { operations, upgrade } = patchFor(opportunityId, ctx, rt.config, referral, resolution);
  if (operations.length) {
    if (!referral.eTag) throw new Error(`Referral ${referralId} came back without an eTag, so it cannot be updated safely.`);
    try {
      after = await rt.pc.patch(referralId, operations, referral.eTag);
    } catch (error) {
      if (!(error instanceof ReferralRejectedError)) throw error;
      return recordRejected(rt, opportunityId, error, referralId);
    }
    if (upgrade) await ensureMicrosoftInvited(rt, after, mapOpportunityToReferral(ctx, rt.config));
    sentEntries.push(...sentToPartnerCenter(rt, resolution, after, referralId));
  }

  const merged: SyncProjection = { ...resolution.merged };
  const changes = mapReferralToOpportunity(after, rt.config, { fields: resolution.toCrm, linkTemplate: rt.linkTemplate });
  const columns = changedColumns(ctx.opportunity, changes.columns);
  const lookups: Record<string, LookupValue> = {};
  const entries = decisionEntries(rt, resolution, referralId);
  if (changes.currencyIsoCode && changes.currencyIsoCode !== ctx.currencyIsoCode?.toUpperCase()) {
    const currencyId = await rt.dv.currencyIdByIsoCode(changes.currencyIsoCode);
    if (currencyId) lookups[OpportunityTable.currency] = { table: "transactioncurrency", id: currencyId };
    else {
      entries.push(engineEntry(rt, "warning", "toCrm", "currency-not-in-crm", { code: changes.currencyIsoCode }, referralId));
      // Keep the CRM's value as agreed, so the next sync neither pushes it nor warns twice about the same change.
      merged.currency = crm.currency;
    }
  }
  const stateChange = changes.state && changes.state.statecode !== (ctx.opportunity.statecode ?? OpportunityState.Open) ? changes.state : undefined;

  const rejected = new Set(resolution.rejected.map((d) => d.field));
  entries.push(...sentEntries);
  const received = resolution.toCrm.filter((field) => !rejected.has(field) && !(field === "status" && stateChange));
  if (stateChange) {
    entries.push(engineEntry(rt, "success", "toCrm", "opportunity-closed-from-partner-center", { status: formatReferralState(partnerCenter.status) }, referralId));
  }
  if (received.length) entries.push(engineEntry(rt, "success", "toCrm", "updated-from-partner-center", { fields: labels(received, rt.lcid) }, referralId));
  if (entries.length === 0 && ctx.opportunity[OpportunityColumns.syncStatus] !== SyncStatusOptions.Synced) {
    entries.push(engineEntry(rt, "success", "local", "in-sync", {}, referralId));
  }

  const wrote = await recordOutcome(
    rt.dv,
    {
      table: "opportunity",
      id: opportunityId,
      current: { record: ctx.opportunity, etag: context.etag },
      extra: { columns, lookups },
      displayCheckMark: rt.config.displayCheckMark,
      onConflict: "throw",
    },
    { status: entries.some((e) => e.outcome === "error") ? "Error" : "Synced", entries },
    rt.now(),
  );
  if (wrote || operations.length) {
    rt.log.info({ opportunityId, referralId, sent: operations.map((o) => o.path), written: Object.keys(columns), entries: entries.length }, "link synced");
  }
  if (stateChange) await applyState(rt, opportunityId, ctx.opportunity, stateChange, after);
  if (!base || !link || !projectionsEqual(base, merged) || link.crmId !== opportunityId.toLowerCase()) {
    await rt.state.saveLink({ referralId, crmTable: "opportunity", crmId: opportunityId, projection: merged });
  }
  if (!link) await rt.state.finishCreate(opportunityId);

  const changed = operations.length > 0 || wrote || stateChange !== undefined;
  const message = (entries.find((e) => e.outcome === "success") ?? entries[0])?.message ?? engineMessage("in-sync", {}, rt.lcid).message;
  return { outcome: changed ? "synced" : "noop", message, referralId, referralLink };
}
