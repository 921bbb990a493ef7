/**
 * The sync engine: the three job handlers and the seller-facing actions, over the Partner Center
 * and Dataverse ports, the link store and the job queue. Every run re-reads both sides, so it does
 * not matter which signal started it or how often (ARCHITECTURE.md "Data flow").
 */
import {
  checkCoSellRules,
  DEFAULT_SYNC_CONFIG,
  isTerminal,
  LeadState,
  OpportunityColumns,
  projectReferral,
  type ConfigIssue,
  type SyncConfig,
} from "@cosell/core";
import { QueueNames, type JobAttempt, type JobHandlers, type JobPayload, type PullReferralJob, type PushOpportunityJob, type ReconcileJob } from "../jobs/queue";
import type { StateStore } from "../state";
import { cachedConfig } from "./config-source";
import { receiveAsLead, receiveAsOpportunity } from "./incoming";
import { acceptReferralOfLead, declineReferralOfLead, mappedLeadColumns, syncLeadLink } from "./leads";
import { guardedByLeases } from "./lease-guard";
import { syncOpportunityLink } from "./link-sync";
import { engineMessage } from "./messages";
import { recordOutcome } from "./outcome";
import { ConfiguredColumnError, type DataversePort, type PartnerCenterPort } from "./ports";
import { defaultReconcileWindow, reconcileBothSides, type ReconcileWindow } from "./reconcile";
import { describeError, engineEntry, silentLogger, type EngineLogger, type Runtime } from "./runtime";
import { adoptReferral, invitesMicrosoft, recordInvalid, shareOpportunity } from "./share";
import { LeadActionError, type ActingUser, type LeadAcceptResult, type LeadDeclineResult, type SyncResult } from "./types";

export interface SyncEngineDeps {
  partnerCenter: PartnerCenterPort;
  /** The Dataverse environment this engine serves, as the relay's application user. */
  dataverse: DataversePort;
  state: StateStore;
  /** Where follow-up jobs go: the reconcile fan-out and retries of form-triggered syncs. */
  queue: { enqueue(job: JobPayload): Promise<unknown> };
  logger?: EngineLogger;
  /** How long the environment variables are cached; default 30 s. */
  configTtlMs?: number;
  /** Referral Link template with `{id}`; default core's `DEFAULT_REFERRAL_LINK_TEMPLATE`. */
  referralLinkTemplate?: string;
  /** Re-reads after concurrent writes (412) within one run before the run fails and is retried; default 3. */
  maxConflictRetries?: number;
  reconcileWindow?: Partial<ReconcileWindow>;
  now?: () => Date;
}

export interface SyncEngine {
  /** Job handler: brings one opportunity and its referral into agreement (creates the referral the first time). */
  pushOpportunity(job: PushOpportunityJob, attempt?: JobAttempt): Promise<void>;
  /** Job handler: brings one referral into the CRM (lead, opportunity, or the linked record). */
  pullReferral(job: PullReferralJob, attempt?: JobAttempt): Promise<void>;
  /** Job handler: queues a push or pull for everything changed since the last sweep. */
  reconcile(job: ReconcileJob, attempt?: JobAttempt): Promise<void>;
  /** The form's "sync now": runs the push inline, as the seller, and says what happened. */
  syncOpportunityNow(opportunityId: string, actingUser?: ActingUser): Promise<SyncResult>;
  /** Accepts the lead's referral in Partner Center and turns the lead into its opportunity. */
  acceptLead(leadId: string, actingUser?: ActingUser): Promise<LeadAcceptResult>;
  /** Declines the lead's referral in Partner Center with the reason, and disqualifies the lead. */
  declineLead(leadId: string, reason: string, actingUser?: ActingUser): Promise<LeadDeclineResult>;
  /** The three handlers for `JobQueue.work`. */
  jobHandlers(): JobHandlers;
}

const ENGLISH = 1033;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function createSyncEngine(deps: SyncEngineDeps): SyncEngine {
  const log = deps.logger ?? silentLogger;
  const now = deps.now ?? (() => new Date());
  const config = cachedConfig(deps.dataverse, deps.configTtlMs ?? 30_000);
  const window: ReconcileWindow = { ...defaultReconcileWindow, ...deps.reconcileWindow };
  const state: StateStore = deps.state;

  const runtime = (dv: DataversePort, syncConfig: SyncConfig, lcid: number): Runtime => ({
    pc: guardedByLeases(deps.partnerCenter, state),
    dv: guardedByLeases(dv, state),
    state,
    config: syncConfig,
    lcid,
    now,
    linkTemplate: deps.referralLinkTemplate,
    maxConflictRetries: deps.maxConflictRetries ?? 3,
    log,
    enqueue: (job) => deps.queue.enqueue(job),
  });

  const dataverseFor = (user?: ActingUser): DataversePort => (user ? deps.dataverse.actingAs(user.objectId) : deps.dataverse);

  /** An admin setting that stops every sync, told on the record the seller looks at. */
  async function recordConfigProblem(dv: DataversePort, table: "opportunity" | "lead", id: string, lcid: number, issues: readonly ConfigIssue[]): Promise<string> {
    const at = now().toISOString();
    const entries = issues.map((issue) => {
      const { message, fix } = engineMessage("config-invalid", { variable: issue.variable, problem: issue.message, fix: issue.fix }, lcid);
      return { at, outcome: "error" as const, direction: "local" as const, message, fix };
    });
    await recordOutcome(dv, { table, id, displayCheckMark: DEFAULT_SYNC_CONFIG.displayCheckMark, onConflict: "reread" }, { status: "Error", entries }, now());
    log.error({ table, id, variables: issues.map((i) => i.variable) }, "configuration invalid; nothing was synced");
    return entries[0]?.message ?? "";
  }

  async function recordColumnProblem(rt: Runtime, table: "opportunity" | "lead", id: string, error: ConfiguredColumnError): Promise<string> {
    const entry = engineEntry(rt, "error", "local", "column-missing", { column: error.column, table });
    await recordOutcome(rt.dv, { table, id, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" }, { status: "Error", entries: [entry] }, now());
    log.error({ table, id, column: error.column }, "a configured column does not exist; nothing was synced");
    return entry.message;
  }

  /** The push: create the referral the first time, keep both sides in agreement afterwards. */
  async function syncOpportunity(opportunityId: string, user?: ActingUser): Promise<SyncResult> {
    const dv = dataverseFor(user);
    const lcid = user?.lcid ?? ENGLISH;
    // Only shared opportunities hear about a broken setting: the others are not synced anyway.
    const notShared = async (): Promise<SyncResult | undefined> => {
      const head = await dv.opportunity(opportunityId);
      if (!head) return { outcome: "error", message: engineMessage("record-not-found", { id: opportunityId }, lcid).message };
      if (head.record[OpportunityColumns.syncWithPartnerCenter] !== true) return { outcome: "noop", message: engineMessage("not-sharing", {}, lcid).message };
      return undefined;
    };
    const current = await config.current();
    if (!current.ok) {
      return (await notShared()) ?? { outcome: "invalid", message: await recordConfigProblem(dv, "opportunity", opportunityId, lcid, current.errors) };
    }
    const rt = runtime(dv, current.config, lcid);
    try {
      return await state.withLeases([`opportunity:${opportunityId}`], async () => {
        const context = await dv.opportunityContext(opportunityId, rt.config);
        if (!context) return { outcome: "error", message: engineMessage("record-not-found", { id: opportunityId }, lcid).message };
        if (context.record.opportunity[OpportunityColumns.syncWithPartnerCenter] !== true) {
          return { outcome: "noop", message: engineMessage("not-sharing", {}, lcid).message };
        }
        const referralId = context.record.opportunity[OpportunityColumns.referralId];
        if (typeof referralId === "string" && referralId.trim()) {
          return state.withLeases([`referral:${referralId}`], () => syncOpportunityLink(rt, opportunityId, referralId.trim()));
        }
        const violations = checkCoSellRules(context.record, rt.config);
        if (violations.length) return recordInvalid(rt, opportunityId, context, violations);
        return shareOpportunity(rt, opportunityId, context);
      });
    } catch (error) {
      if (!(error instanceof ConfiguredColumnError)) throw error;
      return (await notShared()) ?? { outcome: "invalid", message: await recordColumnProblem(rt, "opportunity", opportunityId, error) };
    }
  }

  /** The pull: find or make the CRM record of a referral and bring it up to date. */
  async function pull(referralId: string): Promise<void> {
    const current = await config.current();
    if (!current.ok) {
      const link = await state.linkByReferral(referralId);
      if (link) await recordConfigProblem(deps.dataverse, link.crmTable, link.crmId, ENGLISH, current.errors);
      else log.error({ referralId, variables: current.errors.map((e) => e.variable) }, "configuration invalid; referral not synced");
      return;
    }
    const rt = runtime(deps.dataverse, current.config, ENGLISH);
    try {
      await state.withLeases([`referral:${referralId}`], () => pullLocked(rt, referralId));
    } catch (error) {
      if (!(error instanceof ConfiguredColumnError)) throw error;
      const link = await state.linkByReferral(referralId);
      if (link) await recordColumnProblem(rt, link.crmTable, link.crmId, error);
      else log.error({ referralId, column: error.column }, "a configured column does not exist; referral not synced");
    }
  }

  async function pullLocked(rt: Runtime, referralId: string): Promise<void> {
    const referral = await rt.pc.get(referralId);
    if (!referral?.id) {
      log.warn({ referralId }, "referral not found in Partner Center; nothing to pull");
      return;
    }
    const link = await state.linkByReferral(referralId);
    const opportunityId = link?.crmTable === "opportunity" ? link.crmId : link ? undefined : await rt.dv.findOpportunityByReferralId(referralId);
    if (opportunityId) {
      await syncOpportunityLink(rt, opportunityId, referralId);
      return;
    }
    const leadId = link?.crmTable === "lead" ? link.crmId : await rt.dv.findLeadByReferralId(referralId);
    if (leadId) {
      await syncLeadLink(rt, leadId, referral);
      return;
    }
    if (referral.direction?.toLowerCase() === "outgoing") {
      // Outgoing referrals start in the CRM. One without a link is Microsoft's invitation of a
      // co-sell deal, or a referral whose creator stopped before writing it back.
      const owner = referral.externalReferenceId;
      if (owner && GUID.test(owner) && !invitesMicrosoft(referral)) {
        const adopted = await state.withLeases([`opportunity:${owner}`], () => adoptReferral(rt, owner, referral));
        if (adopted) log.info({ referralId, opportunityId: owner }, "outgoing referral adopted by its opportunity");
      }
      return;
    }
    const status = projectReferral(referral).status;
    if (isTerminal(status) && status?.substatus !== "Won" && status?.substatus !== "Lost") {
      log.info({ referralId, status }, "closed before it reached the CRM; not taken in");
      return;
    }
    if (status?.status === "New") {
      await receiveAsLead(rt, referral);
      return;
    }
    const created = await receiveAsOpportunity(rt, referral);
    await syncOpportunityLink(rt, created, referralId);
  }

  /** A job run failed: the record says Pending while retries remain, Error (with the way out) after the last. */
  async function recordFailure(table: "opportunity" | "lead", id: string, error: unknown, attempt: JobAttempt | undefined, referralId?: string): Promise<void> {
    if (attempt && !attempt.final && attempt.retryCount > 0) return;
    try {
      const current = await config.current();
      const rt = runtime(deps.dataverse, current.ok ? current.config : DEFAULT_SYNC_CONFIG, ENGLISH);
      const final = !attempt || attempt.final;
      const entries = final
        ? [engineEntry(rt, "error", table === "opportunity" ? "toPartnerCenter" : "toCrm", "dead-letter", { detail: describeError(error) }, referralId)]
        : [];
      await recordOutcome(rt.dv, { table, id, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" }, { status: final ? "Error" : "Pending", entries }, now());
    } catch (recordError) {
      log.warn({ table, id, error: describeError(recordError) }, "could not record the failed sync on the record");
    }
  }

  const engine: SyncEngine = {
    async pushOpportunity(job, attempt) {
      const user = job.actingUserObjectId ? { objectId: job.actingUserObjectId } : undefined;
      try {
        const result = await syncOpportunity(job.opportunityId, user);
        const problem = result.outcome === "error" || result.outcome === "invalid" ? { message: result.message } : {};
        log.info({ opportunityId: job.opportunityId, reason: job.reason, outcome: result.outcome, referralId: result.referralId, ...problem }, "push finished");
      } catch (error) {
        log.warn({ opportunityId: job.opportunityId, error: describeError(error), retryCount: attempt?.retryCount, final: attempt?.final }, "push failed");
        await recordFailure("opportunity", job.opportunityId, error, attempt);
        throw error;
      }
    },

    async pullReferral(job, attempt) {
      try {
        await pull(job.referralId);
        log.info({ referralId: job.referralId, reason: job.reason }, "pull finished");
      } catch (error) {
        log.warn({ referralId: job.referralId, error: describeError(error), retryCount: attempt?.retryCount, final: attempt?.final }, "pull failed");
        const link = await state.linkByReferral(job.referralId).catch(() => undefined);
        if (link) await recordFailure(link.crmTable, link.crmId, error, attempt, job.referralId);
        throw error;
      }
    },

    async reconcile(job) {
      const counts = await reconcileBothSides(runtime(deps.dataverse, DEFAULT_SYNC_CONFIG, ENGLISH), window, job.reason);
      log.info({ reason: job.reason, ...counts }, "reconcile queued the changes it found");
    },

    async syncOpportunityNow(opportunityId, actingUser) {
      try {
        return await syncOpportunity(opportunityId, actingUser);
      } catch (error) {
        // Partner Center or Dataverse did not answer: the queue takes over, the form says so.
        log.warn({ opportunityId, error: describeError(error) }, "sync now failed; queued for retry");
        await deps.queue.enqueue({
          queue: QueueNames.pushOpportunity,
          data: { opportunityId, reason: "retry of sync now", actingUserObjectId: actingUser?.objectId },
        });
        await recordFailure("opportunity", opportunityId, error, { retryCount: 0, retryLimit: 1, final: false });
        return { outcome: "error", message: engineMessage("retrying", { detail: describeError(error) }, actingUser?.lcid ?? ENGLISH).message };
      }
    },

    async acceptLead(leadId, actingUser) {
      const { rt, referralId } = await leadAction(leadId, actingUser);
      return state.withLeases([`lead:${leadId}`, `referral:${referralId}`], async () => {
        const { lead, referral: fresh } = await leadAndReferral(rt, leadId, referralId);
        const status = projectReferral(fresh).status;
        const accepted = status?.status === "Active" || status?.substatus === "Won" || status?.substatus === "Lost";
        if (isTerminal(status) && !accepted) throw closedError(rt.lcid, status);
        const opportunityId = await acceptReferralOfLead(rt, lead, fresh);
        return { outcome: "accepted", opportunityId, message: engineMessage("accepted", {}, rt.lcid).message };
      });
    },

    async declineLead(leadId, reason, actingUser) {
      const lcid = actingUser?.lcid ?? ENGLISH;
      const why = reason?.trim();
      if (!why) {
        const { message, fix } = engineMessage("decline-reason-required", {}, lcid);
        throw new LeadActionError("reason-required", message, fix);
      }
      const { rt, referralId } = await leadAction(leadId, actingUser);
      return state.withLeases([`lead:${leadId}`, `referral:${referralId}`], async () => {
        const { lead, referral: fresh } = await leadAndReferral(rt, leadId, referralId);
        const status = projectReferral(fresh).status;
        if ((isTerminal(status) && status?.substatus !== "Declined") || lead.record.statecode === LeadState.Qualified) throw closedError(rt.lcid, status);
        await declineReferralOfLead(rt, lead, fresh, why);
        return { outcome: "declined", message: engineMessage("declined", { reason: why }, rt.lcid).message };
      });
    },

    jobHandlers: () => ({
      [QueueNames.pushOpportunity]: (job, attempt) => engine.pushOpportunity(job, attempt),
      [QueueNames.pullReferral]: (job, attempt) => engine.pullReferral(job, attempt),
      [QueueNames.reconcile]: (job, attempt) => engine.reconcile(job, attempt),
    }),
  };

  function closedError(lcid: number, status: ReturnType<typeof projectReferral>["status"]): LeadActionError {
    const { message, fix } = engineMessage("referral-already-closed", { status: status ? `${status.status} · ${status.substatus}` : "—" }, lcid);
    return new LeadActionError("referral-closed", message, fix);
  }

  /** What accepting or declining a lead needs, or the reason the seller cannot do it. */
  async function leadAction(leadId: string, user: ActingUser | undefined): Promise<{ rt: Runtime; referralId: string }> {
    const lcid = user?.lcid ?? ENGLISH;
    const dv = dataverseFor(user);
    const current = await config.current();
    if (!current.ok) {
      const message = await recordConfigProblem(dv, "lead", leadId, lcid, current.errors);
      throw new LeadActionError("configuration-invalid", message, current.errors[0]?.fix);
    }
    const rt = runtime(dv, current.config, lcid);
    const { lead } = await leadAndReferral(rt, leadId);
    return { rt, referralId: String(lead.record[OpportunityColumns.referralId]).trim() };
  }

  /** The lead and its referral as they are now. */
  async function leadAndReferral(rt: Runtime, leadId: string, referralId?: string) {
    const lead = await rt.dv.lead(leadId, mappedLeadColumns(rt));
    if (!lead) throw new LeadActionError("lead-not-found", engineMessage("record-not-found", { id: leadId }, rt.lcid).message);
    const linked = String(lead.record[OpportunityColumns.referralId] ?? "").trim();
    if (!linked || (referralId && linked.toLowerCase() !== referralId.toLowerCase())) {
      const { message, fix } = engineMessage("lead-not-from-partner-center", {}, rt.lcid);
      throw new LeadActionError("not-from-partner-center", message, fix);
    }
    const referral = await rt.pc.get(linked);
    if (!referral) {
      const { message, fix } = engineMessage("referral-not-found", { referralId: linked }, rt.lcid);
      throw new LeadActionError("referral-not-found", message, fix);
    }
    return { lead, referral };
  }

  return engine;
}
