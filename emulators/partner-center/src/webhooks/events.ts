/**
 * Webhook event names and bodies (partner-center-api.md §4.2, §4.3, §7.16). The body is PascalCase
 * and carries no referral: the receiver takes the id from the last segment of `ResourceUri`.
 */
export const REFERRAL_EVENTS = ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"] as const;
export type ReferralEventName = (typeof REFERRAL_EVENTS)[number];
export type EmittedEventName = ReferralEventName | "test-created";

/**
 * What `GET /registration/events` lists: the events named in the Partner Center webhook docs.
 * Only the referral events and `test-created` are ever emitted here.
 */
export const SUPPORTED_EVENTS = [
  ...REFERRAL_EVENTS,
  "test-created",
  "subscription-updated",
  "usagerecords-thresholdExceeded",
  "invoice-ready",
  "azure-fraud-event-detected",
  "dap-admin-relationship-approved",
  "dap-admin-relationship-terminated",
  "dap-admin-relationship-terminated-by-microsoft",
  "reseller-relationship-accepted-by-customer",
  "indirect-reseller-relationship-accepted-by-customer",
] as const;

export interface EventBody {
  EventName: EmittedEventName;
  ResourceUri: string;
  ResourceName: "referral" | "test";
  AuditUri: null;
  ResourceChangeUtcDate: string;
}

/** `2018-02-17T00:05:39.5485487+00:00`: seven fractional digits and an explicit offset (§4.3). */
export function changeDate(wireTimestamp: string): string {
  return wireTimestamp.replace(/Z$/, "+00:00");
}

/** `{baseURL}/engagements/v1/referrals/{id}`: not the Referrals API URL (§4.2). */
export function referralEvent(name: ReferralEventName, resourceBaseUrl: string, referralId: string, at: string): EventBody {
  return {
    EventName: name,
    ResourceUri: `${resourceBaseUrl}/engagements/v1/referrals/${referralId}`,
    ResourceName: "referral",
    AuditUri: null,
    ResourceChangeUtcDate: changeDate(at),
  };
}

export function testEvent(resourceBaseUrl: string, correlationId: string, at: string): EventBody {
  return {
    EventName: "test-created",
    ResourceUri: `${resourceBaseUrl}/webhooks/v1/registration/validationEvents/${correlationId}`,
    ResourceName: "test",
    AuditUri: null,
    ResourceChangeUtcDate: changeDate(at),
  };
}
