/**
 * CRM → Partner Center, first time: an opportunity marked Sync with Partner Center = Yes becomes a
 * referral exactly once (ARCHITECTURE.md "Sync rules", Link). The create intent is stored before the
 * POST; a run that finds an earlier intent first looks for the referral that attempt may have made.
 * A co-sell (Shared) deal takes a second POST that invites Microsoft into the same engagement
 * (partner-center-api.md §3.3); it too is made only when the engagement does not have it yet.
 */
import {
  dealTypeOf,
  formatReferralState,
  formatViolation,
  mapMicrosoftInvitation,
  mapOpportunityToReferral,
  OpportunityColumns,
  projectReferral,
  referralPortalLink,
  type AuditEntry,
  type OpportunityContext,
  type OpportunityRecord,
  type Referral,
  type ReferralCreateBody,
  type Violation,
} from "@cosell/core";
import { engineMessage } from "./messages";
import { recordOutcome } from "./outcome";
import { ReferralRejectedError, type Versioned } from "./ports";
import { describeError, engineEntry, type Runtime } from "./runtime";
import type { SyncResult, ViolationReport } from "./types";

/** Clocks of the relay and Partner Center may differ; look this much further back for our own create. */
const CLOCK_SKEW_MS = 5 * 60_000;

export const invitesMicrosoft = (referral: Referral): boolean =>
  (referral.target ?? []).some((t) => t.type === "BusinessProfileLocation" && t.id?.toLowerCase() === "msft");

export function reportViolations(violations: readonly Violation[], lcid: number): ViolationReport[] {
  return violations.map((v) => ({ ...v, ...formatViolation(v, lcid) }));
}

const asCurrent = (context: Versioned<OpportunityContext>) => ({ record: context.record.opportunity, etag: context.etag });

/** Nothing is sent; the seller sees each problem with its fix in Audit, Sync Status = Error and ✖. */
export async function recordInvalid(
  rt: Runtime,
  opportunityId: string,
  context: Versioned<OpportunityContext>,
  violations: readonly Violation[],
  referralId?: string,
): Promise<SyncResult> {
  const reports = reportViolations(violations, rt.lcid);
  const at = rt.now().toISOString();
  const entries = reports.map((v) => ({ at, outcome: "error" as const, direction: "toPartnerCenter" as const, message: v.message, fix: v.fix, referralId }));
  await recordOutcome(
    rt.dv,
    { table: "opportunity", id: opportunityId, current: asCurrent(context), displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" },
    { status: "Error", entries },
    rt.now(),
  );
  const problems = reports.map((v) => v.message).join(" ");
  return { outcome: "invalid", message: engineMessage("not-sent", { problems }, rt.lcid).message, referralId, violations: reports };
}

/** Partner Center refused the content: recorded as an error, not retried (the same data would fail again). */
export async function recordRejected(rt: Runtime, opportunityId: string, error: ReferralRejectedError, referralId?: string): Promise<SyncResult> {
  return recordOpportunityError(rt, opportunityId, engineEntry(rt, "error", "toPartnerCenter", "rejected-by-partner-center", { detail: describeError(error) }, referralId), referralId);
}

/** An error the seller sees on the opportunity (Audit, ✖ on the name) and in the answer to the form. */
export async function recordOpportunityError(rt: Runtime, opportunityId: string, entry: AuditEntry, referralId?: string): Promise<SyncResult> {
  await recordOutcome(
    rt.dv,
    { table: "opportunity", id: opportunityId, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" },
    { status: "Error", entries: [entry] },
    rt.now(),
  );
  return { outcome: "error", message: entry.message, referralId };
}

/** The outgoing referral an earlier attempt created for this opportunity, if it got that far. */
async function findCreatedReferral(rt: Runtime, opportunityId: string, since: Date): Promise<Referral | undefined> {
  const from = new Date(since.getTime() - CLOCK_SKEW_MS);
  // partner-center-api.md §7.11: externalReferenceId is not filterable, so the match is made here.
  for await (const referral of rt.pc.updatedSince(from)) {
    if (referral.direction?.toLowerCase() !== "outgoing" || invitesMicrosoft(referral)) continue;
    if (referral.externalReferenceId?.toLowerCase() !== opportunityId.toLowerCase()) continue;
    if (referral.createdDateTime && Date.parse(referral.createdDateTime) < from.getTime()) continue;
    return referral;
  }
  return undefined;
}

/** The second POST of a co-sell deal, unless the engagement already has Microsoft's invitation. */
export async function ensureMicrosoftInvited(rt: Runtime, referral: Referral, body: ReferralCreateBody): Promise<void> {
  if (!referral.engagementId) throw new Error(`Referral ${referral.id} has no engagementId, so Microsoft cannot be invited to it.`);
  const related = await rt.pc.related(referral);
  if (related.some((r) => r.id !== referral.id && invitesMicrosoft(r))) return;
  await rt.pc.create(mapMicrosoftInvitation(body, referral.engagementId));
}

/** Creates the referral for a valid, not yet shared opportunity and records the link on both sides. */
export async function shareOpportunity(rt: Runtime, opportunityId: string, context: Versioned<OpportunityContext>): Promise<SyncResult> {
  const body = mapOpportunityToReferral(context.record, rt.config);
  const intent = await rt.state.beginCreate(opportunityId);
  let referral: Referral | undefined;
  if (!intent.fresh) {
    referral = intent.referralId ? await rt.pc.get(intent.referralId) : await findCreatedReferral(rt, opportunityId, intent.startedAt);
    if (referral) rt.log.info({ opportunityId, referralId: referral.id }, "found the referral an earlier attempt created");
  }
  if (!referral) {
    try {
      referral = await rt.pc.create(body);
    } catch (error) {
      if (!(error instanceof ReferralRejectedError)) throw error;
      await rt.state.finishCreate(opportunityId);
      return recordRejected(rt, opportunityId, error);
    }
  }
  const referralId = referral.id;
  if (!referralId) throw new Error("Partner Center answered the create without a referral id.");
  await rt.state.recordCreated(opportunityId, referralId);
  let entry;
  try {
    if (referral.type === "Shared") await ensureMicrosoftInvited(rt, referral, body);
    const { coSell, visible } = dealTypeOf(context.record);
    entry = engineEntry(rt, "success", "toPartnerCenter", coSell ? "shared-cosell" : visible ? "shared-partner-led" : "shared-private", {}, referralId);
  } catch (error) {
    // The referral exists either way; the link is recorded and the seller told why Microsoft was not invited.
    if (!(error instanceof ReferralRejectedError)) throw error;
    entry = engineEntry(rt, "error", "toPartnerCenter", "rejected-by-partner-center", { detail: describeError(error) }, referralId);
  }
  return recordShared(rt, opportunityId, asCurrent(context), referral, entry);
}

/** Writes the referral's id, link and status onto the opportunity with the outcome, and links both. */
async function recordShared(
  rt: Runtime,
  opportunityId: string,
  current: Versioned<OpportunityRecord> | undefined,
  referral: Referral,
  entry: AuditEntry,
): Promise<SyncResult> {
  const referralId = referral.id as string;
  const referralLink = referralPortalLink(referralId, rt.linkTemplate);
  const extra = {
    columns: {
      [OpportunityColumns.referralId]: referralId,
      [OpportunityColumns.referralLink]: referralLink,
      [OpportunityColumns.referralStatus]: formatReferralState(projectReferral(referral).status),
    },
  };
  const ok = entry.outcome === "success";
  await recordOutcome(
    rt.dv,
    { table: "opportunity", id: opportunityId, current, extra, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" },
    { status: ok ? "Synced" : "Error", entries: [entry] },
    rt.now(),
  );
  await rt.state.saveLink({ referralId, crmTable: "opportunity", crmId: opportunityId, projection: projectReferral(referral) });
  await rt.state.finishCreate(opportunityId);
  rt.log.info({ opportunityId, referralId, type: referral.type }, "opportunity linked to its referral");
  return { outcome: ok ? "synced" : "error", message: entry.message, referralId, referralLink };
}

/**
 * An outgoing referral that names an opportunity as its `externalReferenceId` while the opportunity
 * does not know it: an attempt created it and stopped before writing back. The opportunity takes it
 * rather than getting a second one.
 */
export async function adoptReferral(rt: Runtime, opportunityId: string, referral: Referral): Promise<SyncResult | undefined> {
  const current = await rt.dv.opportunity(opportunityId);
  if (!current || current.record[OpportunityColumns.syncWithPartnerCenter] !== true || current.record[OpportunityColumns.referralId]) return undefined;
  const key = referral.type === "Shared" ? "shared-cosell" : referral.consent?.consentToShareReferralWithMicrosoftSellers ? "shared-partner-led" : "shared-private";
  return recordShared(rt, opportunityId, current, referral, engineEntry(rt, "success", "toPartnerCenter", key, {}, referral.id));
}
