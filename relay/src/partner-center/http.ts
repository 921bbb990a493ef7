/**
 * One HTTP exchange with a Partner Center API, with the headers the API expects, bounded retries,
 * typed errors and counters. Shared by the Referrals and the Webhooks clients; each gets its own
 * instance bound to its audience.
 */
import { randomUUID } from "node:crypto";
import {
  AuthError,
  ConflictError,
  NotFoundError,
  PartnerCenterError,
  ThrottledError,
  ValidationError,
  type PartnerCenterErrorDetails,
} from "./errors";
import { parseRetryAfter, resolveRetryPolicy, retryDelay, sleep as defaultSleep, type RetryPolicy } from "./retry";
import type { PartnerCenterAudience, TokenProvider } from "./tokens";

export type PartnerCenterApi = "referrals" | "webhooks";

export interface PartnerCenterCallEvent {
  api: PartnerCenterApi;
  operation: string;
  method: string;
  /** Undefined when no response arrived. */
  status?: number;
  attempt: number;
  durationMs: number;
}

export interface PartnerCenterThrottleEvent {
  api: PartnerCenterApi;
  operation: string;
  status: number;
  retryAfterMs?: number;
  attempt: number;
}

/** Hooks for metrics (e.g. Prometheus counters and histograms); each is optional. */
export interface PartnerCenterObserver {
  /** After every HTTP attempt, successful or not. */
  onCall?(event: PartnerCenterCallEvent): void;
  /** After every 429/503 answer. */
  onThrottle?(event: PartnerCenterThrottleEvent): void;
}

/** Running totals since the client was created. */
export interface PartnerCenterStats {
  calls: number;
  throttles: number;
  retries: number;
  failures: number;
}

/** The subset of a pino logger the client uses. Nothing it logs carries a token. */
export interface PartnerCenterLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface PartnerCenterHttpOptions {
  api: PartnerCenterApi;
  audience: PartnerCenterAudience;
  tokenProvider: TokenProvider;
  retry?: Partial<RetryPolicy>;
  /** Per attempt; a timed-out attempt counts as a network error. Default 30 s. */
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
  observer?: PartnerCenterObserver;
  logger?: PartnerCenterLogger;
  stats?: PartnerCenterStats;
}

export interface CallOptions {
  /** Shared by every request of one logical operation (e.g. one sync job); a new GUID if absent. */
  correlationId?: string;
  signal?: AbortSignal;
}

export interface PartnerCenterRequest extends CallOptions {
  operation: string;
  method: "GET" | "POST" | "PATCH" | "PUT";
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safe to resend after a network error or a 5xx; 429/503 are resent regardless (no work was done). */
  idempotent: boolean;
}

export interface PartnerCenterResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

const THROTTLE_STATUSES = new Set([429, 503]);
const TRANSIENT_STATUSES = new Set([500, 502, 504]);

export function newStats(): PartnerCenterStats {
  return { calls: 0, throttles: 0, retries: 0, failures: 0 };
}

export class PartnerCenterHttp {
  private readonly policy: RetryPolicy;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly now: () => number;
  private readonly timeoutMs: number;
  readonly stats: PartnerCenterStats;

  constructor(private readonly options: PartnerCenterHttpOptions) {
    this.policy = resolveRetryPolicy(options.retry);
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
    this.now = options.now ?? Date.now;
    this.timeoutMs = options.requestTimeoutMs ?? 30_000;
    this.stats = options.stats ?? newStats();
  }

  async send(request: PartnerCenterRequest): Promise<PartnerCenterResponse> {
    const correlationId = request.correlationId ?? randomUUID();
    const path = pathOf(request.url);
    let waitedMs = 0;
    let tokenRefreshed = false;

    for (let attempt = 1; ; attempt++) {
      const clientRequestId = randomUUID();
      const context: PartnerCenterErrorDetails = { method: request.method, path, clientRequestId, correlationId };
      const token = await this.options.tokenProvider.getToken(this.options.audience, { forceRefresh: tokenRefreshed });
      const started = this.now();
      let response: Response;
      try {
        response = await this.fetch(request.url, {
          method: request.method,
          headers: this.headersFor(request, token, clientRequestId, correlationId),
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: request.signal ? AbortSignal.any([request.signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs),
          redirect: "manual",
        });
      } catch (error) {
        this.record(request, undefined, attempt, started);
        if (request.signal?.aborted) throw request.signal.reason;
        const failure = new PartnerCenterError(`Could not reach Partner Center for ${request.method} ${path}: ${describe(error)}`, { ...context, cause: error });
        const delay = retryDelay(attempt, this.policy, undefined, this.random);
        if (!request.idempotent || !this.canWait(attempt, waitedMs, delay)) throw this.fail(failure);
        waitedMs += await this.pause(delay, request, { attempt, reason: "network error" });
        continue;
      }

      const body = await readBody(response);
      this.record(request, response.status, attempt, started);
      if (response.ok) return { status: response.status, headers: response.headers, body };

      const details: ErrorContext = { ...context, status: response.status, requestId: requestIdOf(response.headers), ...serverError(body) };

      // An expired or revoked access token is worth exactly one fresh try.
      if (response.status === 401 && !tokenRefreshed && attempt < this.policy.maxAttempts) {
        tokenRefreshed = true;
        continue;
      }

      if (THROTTLE_STATUSES.has(response.status)) {
        const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.now());
        this.stats.throttles++;
        this.options.observer?.onThrottle?.({ api: this.options.api, operation: request.operation, status: response.status, retryAfterMs, attempt });
        const delay = retryDelay(attempt, this.policy, retryAfterMs, this.random);
        if (!this.canWait(attempt, waitedMs, delay)) {
          throw this.fail(
            new ThrottledError(
              `Partner Center kept answering ${response.status} to ${request.method} ${path} after ${attempt} attempt(s)` +
                (retryAfterMs === undefined ? "." : `; it asks to retry after ${Math.ceil(retryAfterMs / 1000)} s.`),
              { ...details, retryAfterMs, attempts: attempt },
            ),
          );
        }
        waitedMs += await this.pause(delay, request, { attempt, reason: `status ${response.status}` });
        continue;
      }

      if (TRANSIENT_STATUSES.has(response.status) && request.idempotent) {
        const delay = retryDelay(attempt, this.policy, undefined, this.random);
        if (this.canWait(attempt, waitedMs, delay)) {
          waitedMs += await this.pause(delay, request, { attempt, reason: `status ${response.status}` });
          continue;
        }
      }
      throw this.fail(errorFor(response.status, details));
    }
  }

  private headersFor(request: PartnerCenterRequest, token: string, clientRequestId: string, correlationId: string): Record<string, string> {
    return {
      authorization: `Bearer ${token}`,
      accept: "application/json",
      // partner-center-api.md §1: the Referrals API reads client-request-id, the Webhooks API MS-RequestId.
      "client-request-id": clientRequestId,
      "ms-requestid": clientRequestId,
      "ms-correlationid": correlationId,
      ...(request.body === undefined ? {} : { "content-type": "application/json" }),
      ...request.headers,
    };
  }

  private canWait(attempt: number, waitedMs: number, delay: number): boolean {
    return attempt < this.policy.maxAttempts && waitedMs + delay <= this.policy.maxTotalWaitMs;
  }

  private async pause(delay: number, request: PartnerCenterRequest, why: { attempt: number; reason: string }): Promise<number> {
    this.stats.retries++;
    this.options.logger?.debug(
      { api: this.options.api, operation: request.operation, attempt: why.attempt, delayMs: delay, reason: why.reason },
      "Partner Center call will be retried",
    );
    await this.sleep(delay, request.signal);
    return delay;
  }

  private record(request: PartnerCenterRequest, status: number | undefined, attempt: number, started: number): void {
    this.stats.calls++;
    this.options.observer?.onCall?.({
      api: this.options.api,
      operation: request.operation,
      method: request.method,
      status,
      attempt,
      durationMs: this.now() - started,
    });
  }

  private fail(error: PartnerCenterError): PartnerCenterError {
    this.stats.failures++;
    this.options.logger?.warn(
      {
        api: this.options.api,
        error: error.name,
        status: error.status,
        code: error.code,
        method: error.method,
        path: error.path,
        requestId: error.requestId,
        clientRequestId: error.clientRequestId,
        correlationId: error.correlationId,
      },
      "Partner Center call failed",
    );
    return error;
  }
}

type ErrorContext = PartnerCenterErrorDetails & { serverMessage?: string };

function errorFor(status: number, { serverMessage: server, ...details }: ErrorContext): PartnerCenterError {
  const where = `${details.method} ${details.path}`;
  switch (status) {
    case 400:
      return new ValidationError(server ?? `Partner Center rejected ${where} as invalid (400) without saying why.`, details);
    case 401:
    case 403:
      return new AuthError(
        `Partner Center refused ${where} (${status}${server ? `: ${server}` : ""}). ` +
          "Check that the sign-in is current and that the signed-in user holds the Referrals Admin or Referrals User role.",
        details,
      );
    case 404:
      return new NotFoundError(server ?? `Partner Center has no resource at ${where} (404).`, details);
    case 409:
    case 412:
      return new ConflictError(
        server ?? (status === 412 ? `The resource changed since it was read (412 on ${where}); read it again and re-apply.` : `Conflict (409) on ${where}.`),
        details,
      );
    default:
      return new PartnerCenterError(`Partner Center answered ${status} to ${where}${server ? `: ${server}` : "."}`, details);
  }
}

/**
 * Error bodies come in three shapes: the Referrals API's `{error:{code,message,target}}` (§3.7),
 * the Partner Center API's `{code,description}`, and the throttling `{statusCode,message}`.
 */
function serverError(body: unknown): { code?: string; target?: string; serverMessage?: string } {
  if (typeof body === "string") return body.trim() ? { serverMessage: body.trim().slice(0, 1024) } : {};
  if (!isObject(body)) return {};
  const inner = isObject(body.error) ? body.error : body;
  const text = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim() : undefined);
  return {
    code: text(inner.code) ?? (typeof inner.code === "number" ? String(inner.code) : undefined),
    target: text(inner.target),
    serverMessage: text(inner.message) ?? text(inner.description),
  };
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function requestIdOf(headers: Headers): string | undefined {
  return headers.get("request-id") ?? headers.get("ms-requestid") ?? undefined;
}

function pathOf(url: string): string {
  const parsed = new URL(url);
  return parsed.pathname + parsed.search;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : "";
    return error.name === "TimeoutError" ? "the request timed out" : `${error.message}${cause}`;
  }
  return String(error);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
