/**
 * When a Dataverse call is worth repeating, and how long to wait. Service protection answers 429
 * with `Retry-After` in seconds and never ran the request, so any call may repeat after that wait
 * (dataverse-pcf.md §5, service protection). A 502/503/504 or a dropped connection may have run
 * the request, so only idempotent calls repeat then. Every call has a bounded budget: a wait that
 * would overrun it fails fast with the server's hint, and the job queue re-schedules the job.
 */
import { backoff, parseRetryAfter, resolvePolicy, type RetryPolicy } from "../upstream/retry";

export { parseRetryAfter, type RetryPolicy };

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxTotalWaitMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return resolvePolicy(defaultRetryPolicy, overrides, "Dataverse retry policy");
}

/** Methods whose repetition cannot create a second row (RFC 9110 §9.2.2; PATCH by key is an overwrite). */
export function isIdempotent(method: string): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE" || method === "PATCH";
}

/** Statuses that say "the server could not take it now" without saying the request was refused. */
export function isTransientStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** Back-off for retry number `retry` (1 = first): the server's hint when it gave one, else the shared back-off. */
export function retryDelay(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number {
  return retryAfterMs ?? backoff(retry, policy, random);
}
