/**
 * Errors as Partner Center reports them. The Referrals API (partner-center-api.md §3.7) wraps them
 * as `{"error":{"code","message","target","innerError"}}`; the Webhooks API belongs to the main
 * Partner Center API, whose errors are `{"code","description","data","source"}` (INDEX.md note on
 * PC23 `developer/error-codes.md`). Throttling has its own small body (§3.7, §7.13).
 */

/** Documented `error.code` values (§3.7) plus `unAuthorized`, which the sample uses. */
export type ReferralErrorCode =
  | "accessDenied"
  | "generalException"
  | "invalidRequest"
  | "itemNotFound"
  | "preconditionFailed"
  | "resourceModified"
  | "serviceNotAvailable"
  | "unauthenticated";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ReferralErrorCode,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export const invalidRequest = (message: string, target?: string) => new ApiError(400, "invalidRequest", message, target);
export const notFound = (message: string) => new ApiError(404, "itemNotFound", message, "referral");

export function referralErrorBody(error: ApiError) {
  return {
    error: {
      code: error.code,
      message: error.message.slice(0, 1024),
      target: error.target ?? "referral",
    },
  };
}

export function webhooksErrorBody(error: ApiError) {
  return { code: String(error.status), description: error.message, data: [] as string[], source: "Webhooks" };
}

/** §7.13: `Retry-After` in seconds plus this body. */
export function throttledBody(retryAfterSeconds: number) {
  return { statusCode: 429, message: `Rate limit is exceeded. Try again in ${retryAfterSeconds} seconds.` };
}
