import { parseRetryAfter, resolveRetryPolicy, retryDelay } from "./retry";

describe("retry timing", () => {
  const policy = resolveRetryPolicy({ baseDelayMs: 1000, maxDelayMs: 8000 });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2024-05-01T00:00:00Z");
    expect(parseRetryAfter("57", now)).toBe(57_000);
    expect(parseRetryAfter("Wed, 01 May 2024 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("never retries sooner than the server asked, and grows without a hint up to the cap", () => {
    expect(retryDelay(1, policy, 57_000, () => 0)).toBe(57_000);
    expect(retryDelay(1, policy, 57_000, () => 0.99)).toBeLessThanOrEqual(58_000);
    const without = [1, 2, 3, 4, 5, 6].map((n) => retryDelay(n, policy, undefined, () => 1));
    expect(without).toEqual([1000, 2000, 4000, 8000, 8000, 8000]);
    expect(retryDelay(3, policy, undefined, () => 0)).toBe(2000);
  });

  it("rejects a budget that makes no sense", () => {
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(/at least 1/);
    expect(() => resolveRetryPolicy({ maxTotalWaitMs: -1 })).toThrow(/non-negative/);
  });
});
