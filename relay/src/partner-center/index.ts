export { createPartnerCenterClient, DEFAULT_REFERRALS_API_URL, DEFAULT_WEBHOOKS_API_URL } from "./client";
export type { PartnerCenterClient, PartnerCenterClientOptions } from "./client";
export { ReferralsClient, REFERRALS_PATH } from "./referrals-client";
export type { ListReferralsOptions, PatchOptions, PutOptions } from "./referrals-client";
export { WebhooksClient, WEBHOOKS_PATH } from "./webhooks-client";
export type {
  CallOptions,
  PartnerCenterCallEvent,
  PartnerCenterLogger,
  PartnerCenterObserver,
  PartnerCenterStats,
  PartnerCenterThrottleEvent,
} from "./http";
export { odata, literal, ODataFilter } from "./odata";
export type { ODataValue } from "./odata";
export { AuthError, ConflictError, NotFoundError, PartnerCenterError, ThrottledError, ValidationError } from "./errors";
export { defaultRetryPolicy } from "./retry";
export type { RetryPolicy } from "./retry";
export { REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE, callbackTokenProvider, staticTokenProvider } from "./tokens";
export type { PartnerCenterAudience, TokenProvider, TokenRequestOptions } from "./tokens";
export type * from "./types";
