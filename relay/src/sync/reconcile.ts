/**
 * The reconcile sweep (ARCHITECTURE.md "Data flow"): whatever a webhook missed is found by listing
 * what changed since the last sweep on each side, and queued as ordinary per-record jobs. Each side
 * has a watermark; a sweep reads from a little before it (clocks of the relay, Partner Center and
 * Dataverse differ) and moves it to when the sweep started, only after everything was queued, so a
 * failed sweep is simply repeated and nothing is ever skipped.
 */
import { QueueNames } from "../jobs/queue";
import type { Runtime } from "./runtime";

export const Watermarks = { partnerCenter: "partner-center", dataverse: "dataverse" } as const;

export interface ReconcileWindow {
  /** How far before the watermark each sweep starts reading. */
  overlapMs: number;
  /** Where the first sweep starts when there is no watermark yet (the CLI's backfill loads older history). */
  initialLookbackMs: number;
}

export const defaultReconcileWindow: ReconcileWindow = { overlapMs: 2 * 60_000, initialLookbackMs: 24 * 3_600_000 };

export interface ReconcileCounts {
  referrals: number;
  opportunities: number;
  leads: number;
}

export async function reconcileBothSides(rt: Pick<Runtime, "pc" | "dv" | "state" | "now" | "enqueue">, window: ReconcileWindow, reason: string): Promise<ReconcileCounts> {
  const counts: ReconcileCounts = { referrals: 0, opportunities: 0, leads: 0 };
  const startedAt = rt.now();
  const since = async (name: string) => {
    const mark = (await rt.state.watermark(name)) ?? new Date(startedAt.getTime() - window.initialLookbackMs);
    return new Date(mark.getTime() - window.overlapMs);
  };

  for await (const referral of rt.pc.updatedSince(await since(Watermarks.partnerCenter))) {
    if (!referral.id) continue;
    await rt.enqueue({ queue: QueueNames.pullReferral, data: { referralId: referral.id, reason: `reconcile (${reason})` } });
    counts.referrals++;
  }
  await rt.state.advanceWatermark(Watermarks.partnerCenter, startedAt);

  const crmSince = await since(Watermarks.dataverse);
  for await (const ids of rt.dv.opportunitiesModifiedSince(crmSince)) {
    for (const opportunityId of ids) {
      await rt.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId, reason: `reconcile (${reason})` } });
      counts.opportunities++;
    }
  }
  // A seller may qualify or disqualify a lead in Dynamics 365 itself; its referral learns it here.
  for await (const referralIds of rt.dv.referralLeadsModifiedSince(crmSince)) {
    for (const referralId of referralIds) {
      await rt.enqueue({ queue: QueueNames.pullReferral, data: { referralId, reason: `reconcile lead (${reason})` } });
      counts.leads++;
    }
  }
  await rt.state.advanceWatermark(Watermarks.dataverse, startedAt);
  return counts;
}
