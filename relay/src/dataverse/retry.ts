/**
 * When a Dataverse call is worth repeating, and how long to wait. Service protection answers 429
 * with `Retry-After` in seconds and never ran the request, so any call may repeat after that wait
 * (dataverse-pcf.md §5, service protection). A 502/503/504 or a dropped connection may have run
 * the request, so only idempotent calls repeat then. Every call has a bounded budget: a wait that
 * would overrun it fails fast with the server's hint, and the job queue re-schedules the job.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Upper bound on the sum of all waits of one call. */
  maxTotalWaitMs: number;
  /** First back-off step when the server gives no `Retry-After`. */
  baseDelayMs: number;
  /** Cap for one back-off step. */
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  maxTotalWaitMs: 60_000,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Dataverse retry policy ${name} must be a non-negative number, got ${value}.`);
  }
  if (policy.maxAttempts < 1) throw new RangeError("Dataverse retry policy maxAttempts must be at least 1.");
  return policy;
}

/** `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), in milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Methods whose repetition cannot create a second row (RFC 9110 §9.2.2; PATCH by key is an overwrite). */
export function isIdempotent(method: string): boolean {
  return method === "GET" || method === "PUT" || method === "DELETE" || method === "PATCH";
}

/** Statuses that say "the server could not take it now" without saying the request was refused. */
export function isTransientStatus(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/** Back-off for retry number `retry` (1 = first): equal jitter, or the server's hint when it gave one. */
export function retryDelay(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
