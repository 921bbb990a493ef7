/**
 * Typed failures of Dataverse Web API calls, so the sync engine decides without reading status
 * codes: re-read and retry on PreconditionFailedError, treat NotFoundError as "gone", re-schedule
 * on ThrottledError. The platform's own `code` (a hex string such as `0x80040237`) and message are
 * kept verbatim (dataverse-pcf.md §5, "Errors").
 */

export interface DataverseErrorDetails {
  /** HTTP status, or undefined when no response arrived (connection refused, reset, timeout). */
  status?: number;
  /** The platform's error code, e.g. `0x80060882`; often empty. */
  code?: string;
  method?: string;
  /** Path and query of the failing call (no host, no credentials). */
  path?: string;
  /** `x-ms-service-request-id` echoed by the server, for support cases. */
  requestId?: string;
  cause?: unknown;
}

export class DataverseError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly method?: string;
  readonly path?: string;
  readonly requestId?: string;

  constructor(message: string, details: DataverseErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.method = details.method;
    this.path = details.path;
    this.requestId = details.requestId;
  }
}

/** 404: the row (or the alternate key) does not exist. */
export class NotFoundError extends DataverseError {}

/**
 * 412: the row changed since it was read (`If-Match` row version mismatch) or, on an upsert with
 * `If-None-Match: *`, it already exists.
 */
export class PreconditionFailedError extends DataverseError {}

/** 429 after the retry budget ran out; `retryAfterMs` is the server's last hint. */
export class ThrottledError extends DataverseError {
  readonly retryAfterMs?: number;

  constructor(message: string, details: DataverseErrorDetails & { retryAfterMs?: number } = {}) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 401/403: the token was refused, or the application user (or impersonated user) lacks a privilege. */
export class AuthorizationError extends DataverseError {}

/** The Web API error body: `{"error":{"code":"0x…","message":"…"}}` (samples in reference/dataverse/). */
interface ErrorBody {
  error?: { code?: unknown; message?: unknown };
}

/** The platform's code and message from an error response body, tolerating a non-JSON body. */
export function readErrorBody(text: string): { code?: string; message?: string } {
  if (!text) return {};
  try {
    const body = JSON.parse(text) as ErrorBody;
    const code = typeof body.error?.code === "string" && body.error.code !== "" ? body.error.code : undefined;
    const message = typeof body.error?.message === "string" ? body.error.message : undefined;
    return { code, message };
  } catch {
    return { message: text.slice(0, 500) };
  }
}

/** The typed error for a failed response. */
export function errorForStatus(status: number, text: string, details: Omit<DataverseErrorDetails, "status" | "code"> & { retryAfterMs?: number }): DataverseError {
  const { code, message } = readErrorBody(text);
  const where = `${details.method ?? ""} ${details.path ?? ""}`.trim();
  const full = `Dataverse ${status} on ${where}: ${message ?? "no error message"}`;
  const all = { ...details, status, code };
  if (status === 404) return new NotFoundError(full, all);
  if (status === 412) return new PreconditionFailedError(full, all);
  if (status === 429) {
    const hint = details.retryAfterMs === undefined ? "" : ` (the server asks to retry after ${Math.ceil(details.retryAfterMs / 1000)} s)`;
    return new ThrottledError(full + hint, all);
  }
  if (status === 401 || status === 403) return new AuthorizationError(full, all);
  return new DataverseError(full, all);
}
