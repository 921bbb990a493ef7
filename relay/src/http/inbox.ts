/**
 * Where inbound signals go: one job per record on the queue. Each job carries the time its signal
 * arrived, so the metrics can measure signal-to-write latency on whichever replica runs the job.
 */
import { QueueNames, type JobQueue, type PullReferralJob, type PushOpportunityJob } from "../jobs/queue";

export interface Inbox {
  pullReferral(referralId: string, reason: string): Promise<void>;
  pushOpportunity(opportunityId: string, reason: string, actingUserObjectId?: string): Promise<void>;
}

/** The arrival time stamped on a job's data (ISO 8601). */
export interface Received {
  receivedAt?: string;
}

export function queueInbox(queue: Pick<JobQueue, "enqueue">, now: () => Date = () => new Date()): Inbox {
  return {
    async pullReferral(referralId, reason) {
      const data: PullReferralJob & Received = { referralId, reason, receivedAt: now().toISOString() };
      await queue.enqueue({ queue: QueueNames.pullReferral, data });
    },
    async pushOpportunity(opportunityId, reason, actingUserObjectId) {
      const data: PushOpportunityJob & Received = { opportunityId, reason, receivedAt: now().toISOString() };
      if (actingUserObjectId) data.actingUserObjectId = actingUserObjectId;
      await queue.enqueue({ queue: QueueNames.pushOpportunity, data });
    },
  };
}

/** Seconds since the job's signal arrived, or undefined for a job without an arrival time. */
export function secondsSinceReceived(data: unknown, now: Date = new Date()): number | undefined {
  const receivedAt = typeof data === "object" && data !== null ? (data as Received).receivedAt : undefined;
  const at = receivedAt ? Date.parse(receivedAt) : NaN;
  return Number.isNaN(at) ? undefined : (now.getTime() - at) / 1000;
}
