/**
 * Wire shapes of the Webhooks API (partner-center-api.md §4.1). Referral shapes are `@cosell/core`'s.
 */

export interface WebhookRegistration {
  subscriberId?: string;
  webhookUrl: string;
  webhookEvents: string[];
  /** True: the signature travels in `x-ms-signature` instead of `Authorization` (§4.4). */
  signatureTokenToMsSignatureHeader?: boolean;
}

export interface WebhookRegistrationRequest {
  webhookUrl: string;
  webhookEvents: string[];
  signatureTokenToMsSignatureHeader?: boolean;
}

/** One delivery attempt of a test event (§4.1). */
export interface ValidationEventAttempt {
  /** An HTTP status name such as `OK`, or a number, as the service reports it. */
  responseCode: string;
  responseMessage: string;
  systemError: boolean;
  dateTimeUtc: string;
}

export interface ValidationEventStatus {
  correlationId: string;
  partnerId?: string;
  status: string;
  callbackUrl?: string;
  results: ValidationEventAttempt[];
}
