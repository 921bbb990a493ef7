/**
 * Back-off for Partner Center calls: wait what `Retry-After` asks, otherwise grow exponentially with
 * jitter, and give up within a bounded budget so a job never hangs on a throttled API
 * (partner-center-api.md §3.7: detect 429, wait Retry-After seconds, then back off exponentially).
 */
import { backoff, parseRetryAfter, resolvePolicy, type RetryPolicy } from "../upstream/retry";

export { parseRetryAfter, type RetryPolicy };

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 6,
  maxTotalWaitMs: 120_000,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
};

export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return resolvePolicy(defaultRetryPolicy, overrides, "Retry policy");
}

/**
 * Delay before retry number `retry` (1 = first retry): the shared back-off, or the server's hint as
 * a floor with a little jitter on top so throttled replicas do not return in lockstep.
 */
export function retryDelay(retry: number, policy: RetryPolicy, retryAfterMs: number | undefined, random: () => number): number {
  if (retryAfterMs === undefined) return backoff(retry, policy, random);
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
