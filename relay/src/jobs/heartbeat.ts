/**
 * Heartbeats for the jobs a worker is running, so a dead worker's jobs are retried within seconds
 * while a live worker's slow jobs are left alone.
 *
 * pg-boss 10 has no heartbeat of its own: a job stays active until `started_on + expire_in` has
 * passed and an expiry sweep fails it into a retry. Its queue's expiry cannot simply be short,
 * because it must outlast the longest legitimate run, and pg-boss also gives up on a running
 * batch in-process after the expiry it fetched the jobs with. So the queue keeps the long expiry
 * (what pg-boss waits for in-process), and while the worker lives it rewrites the stored expiry of
 * its jobs to "now plus `abandonAfterSeconds`", never beyond the queue's limit. When the worker
 * dies, the beats stop and its jobs expire `abandonAfterSeconds` after the last one, for the next
 * sweep of any live worker to retry (see the job queue).
 */
import type { Queryable } from "../db/database";

export interface HeartbeatOptions {
  /** How long a running job may go without a beat before it counts as abandoned and is retried. */
  abandonAfterSeconds: number;
  /** Time between beats; well under `abandonAfterSeconds` so a late beat does not lose a job. */
  heartbeatSeconds: number;
}

export interface Heartbeat {
  /** Stops beating; waits for a beat under way. */
  stop(): Promise<void>;
}

/**
 * Beats for the jobs at once, then every `heartbeatSeconds` until stopped. Until the first beat
 * the jobs carry the queue's long expiry, so it comes before any of them runs. A failed beat is
 * reported and the next one tried: the jobs only expire if beats keep failing for
 * `abandonAfterSeconds`.
 */
export async function startHeartbeat(
  db: Queryable,
  queue: string,
  jobIds: readonly string[],
  limitSeconds: number,
  options: HeartbeatOptions,
  onError: (error: Error) => void,
): Promise<Heartbeat> {
  const beat = async (): Promise<void> => {
    try {
      await db.query(
        `update pgboss.job set expire_in = least(now() - started_on + make_interval(secs => $3), make_interval(secs => $4))
         where name = $1 and id = any($2::uuid[]) and state = 'active'`,
        [queue, jobIds, options.abandonAfterSeconds, limitSeconds],
      );
    } catch (error) {
      onError(error instanceof Error ? error : new Error(String(error)));
    }
  };
  await beat();
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One beat at a time: beats that a slow database holds up are skipped, not piled up.
    beating ??= beat().finally(() => (beating = undefined));
  }, options.heartbeatSeconds * 1000);
  return {
    async stop() {
      clearInterval(timer);
      await beating;
    },
  };
}
