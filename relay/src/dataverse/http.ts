/**
 * One HTTP exchange with the Dataverse Web API (`<environmentUrl>/api/data/v9.2/`): bearer token,
 * the OData headers every client sends, impersonation and concurrency headers, bounded retries,
 * typed errors and counters (dataverse-pcf.md §5). Everything above it speaks Xrm.WebApi.
 */
import { DataverseCounters } from "./counters";
import { DataverseError, errorForStatus } from "./errors";
import { isIdempotent, isTransientStatus, parseRetryAfter, resolveRetryPolicy, retryDelay, type RetryPolicy } from "./retry";
import type { TokenProvider } from "./tokens";

export type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Per-call options that travel as headers. */
export interface RequestScope {
  /**
   * Entra ID object id of the user to act for: the platform runs the call with that user's
   * privileges and stamps them as modifiedby/createdby (`CallerObjectId` header).
   */
  callerObjectId?: string;
  /** Row version to require on PATCH/DELETE (`If-Match: W/"123"`), or `*` for "must exist". */
  ifMatch?: string;
  /** `*` on an upsert PATCH: create only, never overwrite. */
  ifNoneMatch?: string;
}

export interface HttpRequest {
  method: HttpMethod;
  /** Relative to the API root (`accounts(…)?$select=name`), or an absolute URL the server gave us (a nextLink). */
  path: string;
  headers?: Record<string, string>;
  /** Serialized body; JSON unless `headers` says otherwise. */
  body?: string;
  /** Safe to repeat after a 5xx or a dropped connection even though the method is not idempotent. */
  repeatable?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

/** Pino-compatible subset; the relay passes its logger. */
export interface DataverseLogger {
  debug(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface DataverseHttpOptions {
  /** e.g. `https://contoso.crm.dynamics.com` */
  environmentUrl: string;
  apiVersion?: string;
  tokens: TokenProvider;
  retry?: Partial<RetryPolicy>;
  counters?: DataverseCounters;
  logger?: DataverseLogger;
  /** Per-attempt timeout; the platform itself gives up on a request after two minutes. */
  timeoutMs?: number;
  /** Injected in tests to record the waits instead of spending them. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class DataverseHttp {
  readonly environmentUrl: string;
  readonly apiVersion: string;
  /** `https://org.crm.dynamics.com/api/data/v9.2/` */
  readonly apiRoot: string;
  readonly counters: DataverseCounters;
  private readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(private readonly options: DataverseHttpOptions) {
    const url = new URL(options.environmentUrl);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error(`Dataverse environment URL ${options.environmentUrl} must be an http(s) URL.`);
    this.environmentUrl = url.origin;
    this.apiVersion = options.apiVersion ?? "9.2";
    this.apiRoot = `${this.environmentUrl}/api/data/v${this.apiVersion}/`;
    this.counters = options.counters ?? new DataverseCounters();
    this.policy = resolveRetryPolicy(options.retry);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /** Sends the request, repeating it while the policy allows; throws a DataverseError subtype on failure. */
  async send(request: HttpRequest, scope: RequestScope = {}): Promise<HttpResponse> {
    const url = this.resolve(request.path);
    const logPath = new URL(url).pathname;
    const mayRepeatUnsure = isIdempotent(request.method) || request.repeatable === true;
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const headers = await this.headersFor(request, scope);
      this.counters.count("calls");
      let response: Response;
      let text: string;
      try {
        response = await fetch(url, {
          method: request.method,
          headers,
          body: request.body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 130_000),
        });
        text = await response.text();
      } catch (error) {
        const wait = retryDelay(attempt, this.policy, undefined, this.random);
        if (mayRepeatUnsure && this.canRetry(attempt, waited, wait)) {
          waited += await this.pause(wait, { method: request.method, path: logPath, attempt, reason: "connection" });
          continue;
        }
        this.counters.count("failures");
        throw new DataverseError(`Dataverse ${request.method} ${logPath} failed without a response: ${describeNetworkError(error)}`, {
          method: request.method,
          path: logPath,
          cause: error,
        });
      }

      this.options.logger?.debug({ method: request.method, path: logPath, status: response.status, attempt }, "dataverse call");
      if (response.ok || response.status === 304) return { status: response.status, headers: response.headers, text };

      const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), Date.now());
      if (response.status === 429) {
        this.counters.count("throttles");
        const wait = retryDelay(attempt, this.policy, retryAfterMs, this.random);
        if (this.canRetry(attempt, waited, wait)) {
          waited += await this.pause(wait, { method: request.method, path: logPath, attempt, reason: "throttled" });
          continue;
        }
      } else if (isTransientStatus(response.status) && mayRepeatUnsure) {
        const wait = retryDelay(attempt, this.policy, retryAfterMs, this.random);
        if (this.canRetry(attempt, waited, wait)) {
          waited += await this.pause(wait, { method: request.method, path: logPath, attempt, reason: `status ${response.status}` });
          continue;
        }
      }
      this.counters.count("failures");
      const error = errorForStatus(response.status, text, {
        method: request.method,
        path: logPath,
        requestId: response.headers.get("x-ms-service-request-id") ?? undefined,
        retryAfterMs,
      });
      throw error;
    }
  }

  /** Absolute URL for a relative path; an absolute one must point into this environment's API. */
  resolve(path: string): string {
    if (/^https?:\/\//i.test(path)) {
      if (!path.startsWith(this.apiRoot)) {
        throw new DataverseError(`Refusing to send a Dataverse token to ${new URL(path).origin}: the link does not point into ${this.apiRoot}.`);
      }
      return path;
    }
    return this.apiRoot + path.replace(/^\/+/, "");
  }

  private async headersFor(request: HttpRequest, scope: RequestScope): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      Accept: "application/json",
      "OData-MaxVersion": "4.0",
      "OData-Version": "4.0",
      Authorization: `Bearer ${await this.options.tokens.getToken()}`,
    };
    if (request.body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
    if (scope.callerObjectId) headers.CallerObjectId = scope.callerObjectId;
    if (scope.ifMatch) headers["If-Match"] = scope.ifMatch;
    if (scope.ifNoneMatch) headers["If-None-Match"] = scope.ifNoneMatch;
    return { ...headers, ...request.headers };
  }

  private canRetry(attempt: number, waited: number, wait: number): boolean {
    return attempt < this.policy.maxAttempts && waited + wait <= this.policy.maxTotalWaitMs;
  }

  private async pause(ms: number, details: { method: string; path: string; attempt: number; reason: string }): Promise<number> {
    this.counters.count("retries");
    this.options.logger?.warn({ ...details, waitMs: ms }, "dataverse call will be retried");
    await this.sleep(ms);
    return ms;
  }
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as Error & { cause?: { code?: string; message?: string } }).cause;
  if (error.name === "TimeoutError") return "timed out";
  return cause?.code ?? cause?.message ?? error.message;
}
