/**
 * Back-off for Partner Center calls: wait what `Retry-After` asks, otherwise grow exponentially with
 * jitter, and give up within a bounded budget so a job never hangs on a throttled API
 * (partner-center-api.md §3.7: detect 429, wait Retry-After seconds, then back off exponentially).
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

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  maxTotalWaitMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...overrides };
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`Retry policy ${name} must be a non-negative number, got ${value}.`);
  }
  if (policy.maxAttempts < 1) throw new RangeError("Retry policy maxAttempts must be at least 1.");
  return policy;
}

/**
 * `Retry-After` is either delta-seconds or an HTTP-date (RFC 9110 §10.2.3). Returns milliseconds,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * Delay before retry number `retry` (1 = first retry). "Equal jitter": half of the exponential step
 * is fixed, half random, so replicas spread out but never retry immediately. A server hint is a
 * floor, with a little jitter on top so throttled replicas do not return in lockstep.
 */
export function retryDelay(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number {
  const step = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const backoff = step / 2 + (random() * step) / 2;
  if (retryAfterMs === undefined) return Math.round(backoff);
  return Math.round(retryAfterMs + random() * Math.min(1000, policy.baseDelayMs));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
