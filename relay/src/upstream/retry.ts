/**
 * Retry budgets and back-off shared by the Partner Center and Dataverse clients. Each client keeps
 * its own defaults, its own reading of a server's hint, and decides which failures are worth
 * repeating; what is the same for both lives here.
 */

export interface RetryPolicy {
  /** Attempts in total, the first one included. */
  maxAttempts: number;
  /** Upper bound on the sum of all waits of one call; a longer wait fails fast instead. */
  maxTotalWaitMs: number;
  /** First back-off step when the server gives no `Retry-After`. */
  baseDelayMs: number;
  /** Cap for one back-off step. */
  maxDelayMs: number;
}

/** The defaults with the overrides on top, checked; `label` names the policy in the error. */
export function resolvePolicy(defaults: RetryPolicy, overrides: Partial<RetryPolicy>, label: string): RetryPolicy {
  const policy = { ...defaults, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`${label} ${name} must be a non-negative number, got ${value}.`);
  }
  if (policy.maxAttempts < 1) throw new RangeError(`${label} maxAttempts must be at least 1.`);
  return policy;
}

/**
 * `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `retry` (1 = first retry) without a server hint. "Equal jitter": half
 * of the exponential step is fixed, half random, so replicas spread out but never retry at once.
 */
export function backoff(retry: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + (random() * step) / 2);
}
