/**
 * The relay's job queues on pg-boss. Every inbound signal only enqueues a job keyed by its record;
 * the `short` policy keeps at most one queued job per key, so a burst of duplicate webhooks
 * collapses into one job while a change that lands mid-job still gets one run after it. Two runs of
 * one record never overlap because each holds the record's lease (the later one waits for it).
 * Not pg-boss's `stately` policy: its fetch fails for the whole queue whenever the next job's key
 * still has a running job, so one slow sync would hold up every other record.
 */
import PgBoss from "pg-boss";
import type { Database } from "../db/database";
import { startHeartbeat, type HeartbeatOptions } from "./heartbeat";

export const QueueNames = {
  pushOpportunity: "push-opportunity",
  pullReferral: "pull-referral",
  reconcile: "reconcile",
  deadLetter: "dead-letter",
} as const;

export interface PushOpportunityJob {
  opportunityId: string;
  reason: string;
  /** Entra object id of the seller who asked, so Dataverse writes are made as them. */
  actingUserObjectId?: string;
}

export interface PullReferralJob {
  referralId: string;
  reason: string;
}

export interface ReconcileJob {
  reason: string;
}

export type JobPayload =
  | { queue: typeof QueueNames.pushOpportunity; data: PushOpportunityJob }
  | { queue: typeof QueueNames.pullReferral; data: PullReferralJob }
  | { queue: typeof QueueNames.reconcile; data: ReconcileJob };

export interface QueueOptions extends HeartbeatOptions {
  /** Attempts after the first before a job is dead-lettered. */
  retryLimit: number;
  /** First retry delay in seconds; doubles each attempt (pg-boss back-off). */
  retryDelaySeconds: number;
  /** Minutes between reconcile runs; 0 turns the schedule off. */
  reconcileEveryMinutes: number;
  /** How often idle workers poll, in seconds (pg-boss minimum 0.5). */
  pollingIntervalSeconds: number;
  /** Jobs a worker takes at once per queue. */
  batchSize: number;
  /** Time between a worker's sweeps for expired jobs (a dead worker's, once their heartbeats stop). */
  sweepSeconds: number;
}

export const defaultQueueOptions: QueueOptions = {
  retryLimit: 8,
  retryDelaySeconds: 5,
  reconcileEveryMinutes: 5,
  pollingIntervalSeconds: 1,
  batchSize: 5,
  // A crashed worker's jobs are retried 10-13 s after its last beat (plus the retry delay), when
  // its record leases have expired too (see the state store's lease options); a live worker may
  // miss two beats in a row before its jobs count as abandoned.
  abandonAfterSeconds: 10,
  heartbeatSeconds: 3,
  sweepSeconds: 3,
};

/**
 * The longest a run may take before pg-boss gives up on it, even with its worker alive. A push or
 * pull makes a handful of calls in a row and each may legitimately wait out its platform's
 * throttling: a Partner Center call up to 6 attempts of 30 s plus 120 s of back-off (5 min), a
 * Dataverse call up to 60 s of back-off, a busy record up to 60 s for its lease. 15 minutes leaves
 * room for a sync throttled at every step; a reconcile lists whole platforms and gets 30.
 */
const RUN_LIMIT_SECONDS = {
  [QueueNames.pushOpportunity]: 15 * 60,
  [QueueNames.pullReferral]: 15 * 60,
  [QueueNames.reconcile]: 30 * 60,
} as const;

export interface DeadLetter {
  id: string;
  queue: string;
  data: PushOpportunityJob | PullReferralJob | ReconcileJob;
  error: string;
  failedOn: Date;
}

/** Where a run stands among its job's attempts, so the last one can tell the record it gave up. */
export interface JobAttempt {
  /** Retries before this run (0 = first run). */
  retryCount: number;
  retryLimit: number;
  /** No retry follows if this run fails: the job goes to the dead-letter queue. */
  final: boolean;
}

export type JobHandlers = {
  [QueueNames.pushOpportunity]: (job: PushOpportunityJob, attempt: JobAttempt) => Promise<void>;
  [QueueNames.pullReferral]: (job: PullReferralJob, attempt: JobAttempt) => Promise<void>;
  [QueueNames.reconcile]: (job: ReconcileJob, attempt: JobAttempt) => Promise<void>;
};

export interface JobQueue {
  readonly boss: PgBoss;
  enqueue(job: JobPayload): Promise<string | null>;
  work(handlers: JobHandlers): Promise<void>;
  deadLetters(): Promise<DeadLetter[]>;
  /** Puts a dead-lettered job back on its original queue and removes it from the dead letters. */
  retryDeadLetter(id: string): Promise<boolean>;
  stop(): Promise<void>;
}

const recordKey = (job: JobPayload): string | undefined =>
  job.queue === QueueNames.pushOpportunity
    ? `opportunity:${job.data.opportunityId.toLowerCase()}`
    : job.queue === QueueNames.pullReferral
      ? `referral:${job.data.referralId.toLowerCase()}`
      : undefined;

export async function startQueue(
  db: Database,
  options: Partial<QueueOptions> = {},
  onError: (error: Error) => void = () => undefined,
): Promise<JobQueue> {
  const settings = { ...defaultQueueOptions, ...options };
  const boss = new PgBoss({ db: db.pgBoss as PgBoss.Db, schema: "pgboss", supervise: true, schedule: settings.reconcileEveryMinutes > 0 });
  boss.on("error", onError);
  await boss.start();

  // createQueue leaves a queue that exists as it was: settings changed since the database was made
  // (the retry limit, a run limit, the policy) take effect through updateQueue.
  const declare = async (name: string, options: PgBoss.Queue) => {
    await boss.createQueue(name, options);
    await boss.updateQueue(name, options);
  };
  await declare(QueueNames.deadLetter, { name: QueueNames.deadLetter, policy: "standard", retentionDays: 30 });
  for (const name of [QueueNames.pushOpportunity, QueueNames.pullReferral]) {
    await declare(name, {
      name,
      policy: "short",
      retryLimit: settings.retryLimit,
      retryDelay: settings.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: RUN_LIMIT_SECONDS[name],
      deadLetter: QueueNames.deadLetter,
    });
  }
  // One reconcile at a time across every replica.
  await declare(QueueNames.reconcile, { name: QueueNames.reconcile, policy: "singleton", retryLimit: 2, retryDelay: 30, expireInSeconds: RUN_LIMIT_SECONDS[QueueNames.reconcile] });
  if (settings.reconcileEveryMinutes > 0) {
    await boss.schedule(QueueNames.reconcile, `*/${settings.reconcileEveryMinutes} * * * *`, { reason: "schedule" });
  } else {
    await boss.unschedule(QueueNames.reconcile);
  }

  let sweep: NodeJS.Timeout | undefined;
  const queue: JobQueue = {
    boss,
    enqueue: (job) => boss.send(job.queue, job.data as object, { singletonKey: recordKey(job) }),
    async work(handlers) {
      // pg-boss's own maintenance also expires jobs, but only every two minutes or so: too late
      // for a crashed replica's jobs, and its archiving is not worth running that often.
      sweep = setInterval(() => void boss.expire().catch(onError), settings.sweepSeconds * 1000);
      const workOptions = { batchSize: settings.batchSize, pollingIntervalSeconds: settings.pollingIntervalSeconds, includeMetadata: true as const };
      for (const name of [QueueNames.pushOpportunity, QueueNames.pullReferral, QueueNames.reconcile] as const) {
        const handler = handlers[name] as (data: unknown, attempt: JobAttempt) => Promise<void>;
        // A job that throws is failed alone, so one bad record never fails the rest of its batch.
        await boss.work(name, workOptions, async (jobs) => {
          const heartbeat = await startHeartbeat(db, name, jobs.map((job) => job.id), RUN_LIMIT_SECONDS[name], settings, onError);
          try {
            const outcomes = await Promise.allSettled(
              jobs.map((job) => handler(job.data, { retryCount: job.retryCount, retryLimit: job.retryLimit, final: job.retryCount >= job.retryLimit })),
            );
            await Promise.all(
              outcomes.map((outcome, i) =>
                outcome.status === "fulfilled"
                  ? boss.complete(name, jobs[i].id)
                  : boss.fail(name, jobs[i].id, { message: describe(outcome.reason) }),
              ),
            );
          } finally {
            await heartbeat.stop();
          }
        });
      }
    },
    async deadLetters() {
      const { rows } = await db.query<{ id: string; data: DeadLetter["data"] & { __queue?: string }; output: { message?: string } | null; created_on: Date; singleton_key: string | null }>(
        "select id, data, output, created_on, singleton_key from pgboss.job where name = $1 and state = 'created' order by created_on",
        [QueueNames.deadLetter],
      );
      return rows.map((row) => ({
        id: row.id,
        queue: queueOf(row.data),
        data: row.data,
        error: row.output?.message ?? "failed after every retry",
        failedOn: new Date(row.created_on),
      }));
    },
    async retryDeadLetter(id) {
      const letters = await queue.deadLetters();
      const letter = letters.find((l) => l.id === id);
      if (!letter) return false;
      await queue.enqueue({ queue: letter.queue, data: letter.data } as JobPayload);
      await boss.deleteJob(QueueNames.deadLetter, id);
      return true;
    },
    async stop() {
      clearInterval(sweep);
      await boss.stop({ graceful: true, wait: true, timeout: 10_000 });
    },
  };
  return queue;
}

function queueOf(data: DeadLetter["data"]): typeof QueueNames.pushOpportunity | typeof QueueNames.pullReferral | typeof QueueNames.reconcile {
  if ("opportunityId" in data) return QueueNames.pushOpportunity;
  if ("referralId" in data) return QueueNames.pullReferral;
  return QueueNames.reconcile;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
