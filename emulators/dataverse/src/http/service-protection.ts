/**
 * Service protection API limits, per user over a sliding window (api-limits.md): number of
 * requests, combined execution time, concurrent requests. Exceeding one returns 429 with
 * Retry-After (seconds) and the documented error code and message; every response carries the
 * x-ms-ratelimit-* debug headers. A $batch counts as one request.
 */
import { DataverseError, ErrorCodes } from "../errors";

export interface ServiceProtectionLimits {
  windowMs: number;
  maxRequests: number;
  maxExecutionMs: number;
  maxConcurrent: number;
}

/** The platform defaults per web server. */
export const DEFAULT_LIMITS: ServiceProtectionLimits = {
  windowMs: 300_000,
  maxRequests: 6000,
  maxExecutionMs: 1_200_000,
  maxConcurrent: 52,
};

interface UserUsage {
  requests: number[];
  executions: Array<{ at: number; ms: number }>;
  concurrent: number;
}

export interface Admission {
  /** Call when the request finished; records its execution time. */
  release(): void;
}

export class ServiceProtection {
  readonly limits: ServiceProtectionLimits;
  private readonly usage = new Map<string, UserUsage>();

  constructor(limits: Partial<ServiceProtectionLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
  }

  /** Changes limits at run time (a test tightening them after setup). */
  configure(limits: Partial<ServiceProtectionLimits>): void {
    Object.assign(this.limits, limits);
  }

  reset(): void {
    this.usage.clear();
  }

  admit(userId: string, now = Date.now()): Admission {
    const usage = this.prune(userId, now);
    const windowSeconds = Math.round(this.limits.windowMs / 1000);
    if (usage.concurrent >= this.limits.maxConcurrent) {
      throw this.refuse(ErrorCodes.ConcurrencyLimit, `Number of concurrent requests exceeded the limit of ${this.limits.maxConcurrent}.`, 1);
    }
    if (usage.requests.length >= this.limits.maxRequests) {
      throw this.refuse(
        ErrorCodes.RequestCountLimit,
        `Number of requests exceeded the limit of ${this.limits.maxRequests} over time window of ${windowSeconds} seconds.`,
        this.secondsUntil(usage.requests[0], now),
      );
    }
    const executed = usage.executions.reduce((sum, e) => sum + e.ms, 0);
    if (executed > this.limits.maxExecutionMs) {
      throw this.refuse(
        ErrorCodes.ExecutionTimeLimit,
        `Combined execution time of incoming requests exceeded limit of ${this.limits.maxExecutionMs.toLocaleString("en-US")} milliseconds over time window of ${windowSeconds} seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.`,
        this.secondsUntil(usage.executions[0].at, now),
      );
    }
    usage.requests.push(now);
    usage.concurrent++;
    const started = performance.now();
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        usage.concurrent--;
        usage.executions.push({ at: Date.now(), ms: performance.now() - started });
      },
    };
  }

  /** Requests of a user currently being processed. */
  concurrent(userId: string): number {
    return this.usage.get(userId)?.concurrent ?? 0;
  }

  /** x-ms-ratelimit-* headers: remaining requests and remaining execution time (ms) in the window. */
  headers(userId: string, now = Date.now()): Record<string, string> {
    const usage = this.prune(userId, now);
    const executed = usage.executions.reduce((sum, e) => sum + e.ms, 0);
    return {
      "x-ms-ratelimit-burst-remaining-xrm-requests": String(Math.max(0, this.limits.maxRequests - usage.requests.length)),
      "x-ms-ratelimit-time-remaining-xrm-requests": (Math.max(0, this.limits.maxExecutionMs - executed)).toFixed(2),
    };
  }

  private refuse(code: string, message: string, retryAfterSeconds: number): DataverseError {
    return new DataverseError(429, code, message, { "Retry-After": String(Math.max(1, retryAfterSeconds)) });
  }

  private secondsUntil(oldest: number, now: number): number {
    return Math.ceil((oldest + this.limits.windowMs - now) / 1000);
  }

  private prune(userId: string, now: number): UserUsage {
    let usage = this.usage.get(userId);
    if (!usage) {
      usage = { requests: [], executions: [], concurrent: 0 };
      this.usage.set(userId, usage);
    }
    const cutoff = now - this.limits.windowMs;
    while (usage.requests.length > 0 && usage.requests[0] <= cutoff) usage.requests.shift();
    while (usage.executions.length > 0 && usage.executions[0].at <= cutoff) usage.executions.shift();
    return usage;
  }
}
