import { PayloadFormatError, obj, readShape, str } from "./shape";

/** A Partner Center webhook callback body (partner-center-api.md §4.3). It never carries the referral. */
export interface PartnerCenterEvent {
  /** `{resource}-{action}`, e.g. `referral-updated`. */
  eventName: string;
  resourceUri: string;
  resourceName: string;
  auditUri?: string;
  resourceChangeUtcDate: string;
}

/** The four referral events (§4.2); all carry `ResourceName` "referral". */
export const ReferralEventNames = [
  "referral-created",
  "referral-updated",
  "related-referral-created",
  "related-referral-updated",
] as const;
export type ReferralEventName = (typeof ReferralEventNames)[number];

/** The validation event Partner Center sends after `POST /registration/validationEvents` (§4.2). */
export const TestEventName = "test-created";

const eventShape = obj({
  eventName: str,
  resourceUri: str,
  resourceName: str,
  auditUri: str,
  // §4.3: the model table says AuditUrl, every sample says AuditUri.
  auditUrl: str,
  resourceChangeUtcDate: str,
});

/**
 * Reads an event body in any property casing. Throws {@link PayloadFormatError} when a required
 * field (eventName, resourceUri, resourceName, resourceChangeUtcDate) is missing or mistyped.
 */
export function parseWebhookEvent(json: unknown): PartnerCenterEvent {
  const raw = readShape(json, eventShape, "Webhook event") as Partial<PartnerCenterEvent> & { auditUrl?: string };
  for (const field of ["eventName", "resourceUri", "resourceName", "resourceChangeUtcDate"] as const) {
    if (!raw[field]) throw new PayloadFormatError("Webhook event", field, "is required.");
  }
  const event: PartnerCenterEvent = {
    eventName: raw.eventName as string,
    resourceUri: raw.resourceUri as string,
    resourceName: raw.resourceName as string,
    resourceChangeUtcDate: raw.resourceChangeUtcDate as string,
  };
  const auditUri = raw.auditUri ?? raw.auditUrl;
  if (auditUri) event.auditUri = auditUri;
  return event;
}

export function isReferralEvent(event: PartnerCenterEvent): event is PartnerCenterEvent & { eventName: ReferralEventName } {
  return (ReferralEventNames as readonly string[]).includes(event.eventName.toLowerCase());
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The referral id from an event's `ResourceUri`
 * (`{baseURL}/engagements/v1/referrals/{id}`, §4.2). That URI is not the Referrals API address:
 * fetch the referral from the Referrals API by this id. Returns undefined when the URI is not a
 * referral resource or its last segment is not a GUID (e.g. the docs' `{{ReferralID}}` placeholder).
 */
export function referralIdFromResourceUri(resourceUri: string): string | undefined {
  let path: string;
  try {
    path = new URL(resourceUri).pathname;
  } catch {
    return undefined;
  }
  const segments = path.split("/").filter(Boolean);
  const id = decodeURIComponent(segments.at(-1) ?? "");
  if (segments.at(-2)?.toLowerCase() !== "referrals" || !GUID.test(id)) return undefined;
  return id;
}
