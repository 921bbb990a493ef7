/**
 * Typed failures of Partner Center calls, so the sync engine can decide what to do without reading
 * status codes: re-read on ConflictError, fix the record on ValidationError, re-schedule on
 * ThrottledError, alert on AuthError.
 */

/** Where a failure came from, for logs and audit lines (never carries a token). */
export interface PartnerCenterErrorDetails {
  /** HTTP status, or undefined when no response arrived (network error, timeout). */
  status?: number;
  /** The server's error code, e.g. `invalidRequest` (partner-center-api.md §3.7). */
  code?: string;
  /** The server's `target`, e.g. `referral` or the offending property. */
  target?: string;
  /** `request-id` / `MS-RequestId` echoed by the server, for support cases. */
  requestId?: string;
  /** The `client-request-id` we sent on the failing call. */
  clientRequestId?: string;
  /** The `MS-CorrelationId` shared by every call of one logical operation. */
  correlationId?: string;
  method?: string;
  /** Path and query of the failing call (no host, no credentials). */
  path?: string;
  cause?: unknown;
}

export class PartnerCenterError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly target?: string;
  readonly requestId?: string;
  readonly clientRequestId?: string;
  readonly correlationId?: string;
  readonly method?: string;
  readonly path?: string;

  constructor(message: string, details: PartnerCenterErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.status = details.status;
    this.code = details.code;
    this.target = details.target;
    this.requestId = details.requestId;
    this.clientRequestId = details.clientRequestId;
    this.correlationId = details.correlationId;
    this.method = details.method;
    this.path = details.path;
  }
}

/** 400: the server refused the content; `message` and `target` are the server's own. */
export class ValidationError extends PartnerCenterError {}

/** 401/403: the token is missing, expired, for the wrong audience, or the user lacks a Referrals role. */
export class AuthError extends PartnerCenterError {}

/** 404: no such referral (or no webhook registration). */
export class NotFoundError extends PartnerCenterError {}

/**
 * 412 (stale `If-Match`, §7.6) or 409 (the resource exists / changed meanwhile). The remedy is the
 * same: re-read the current state and re-apply the change.
 */
export class ConflictError extends PartnerCenterError {}

/** 429/503 kept coming until the retry budget ran out. `retryAfterMs` is the server's last hint. */
export class ThrottledError extends PartnerCenterError {
  readonly retryAfterMs?: number;
  readonly attempts: number;

  constructor(message: string, details: PartnerCenterErrorDetails & { retryAfterMs?: number; attempts: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
    this.attempts = details.attempts;
  }
}
