import { isReferralEvent, parseWebhookEvent, referralIdFromResourceUri } from "./webhook";
import { PayloadFormatError } from "./shape";
import { readSample, sampleNames } from "../testing/fixtures";

describe("parseWebhookEvent", () => {
  const eventSamples = sampleNames(/^webhook-(event-|callback-post-body).*\.json$/);

  it("has the six documented event bodies", () => {
    expect(eventSamples).toHaveLength(6);
  });

  it.each(eventSamples)("reads %s", (name) => {
    const event = parseWebhookEvent(readSample(name));
    expect(event.eventName).toMatch(/^[a-z-]+$/);
    expect(event.resourceUri).toMatch(/^https?:\/\//);
    expect(event.resourceChangeUtcDate).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(event).not.toHaveProperty("auditUri");
  });

  it("tells referral events from the test event", () => {
    expect(isReferralEvent(parseWebhookEvent(readSample("webhook-event-related-referral-updated.json")))).toBe(true);
    expect(isReferralEvent(parseWebhookEvent(readSample("webhook-event-test-created.json")))).toBe(false);
  });

  it("reads the camelCase spelling of the webhook swagger and the AuditUrl variant", () => {
    const event = parseWebhookEvent({
      eventName: "referral-created",
      resourceUri: "https://api.partnercenter.microsoft.com/engagements/v1/referrals/4111fffc-f9ee-4d53-bba6-569135228642",
      resourceName: "referral",
      AuditUrl: "https://api.partnercenter.microsoft.com/auditactivity/v1/auditrecords/9",
      resourceChangeUtcDate: "2018-02-17T00:05:39.5485487+00:00",
    });
    expect(event.auditUri).toBe("https://api.partnercenter.microsoft.com/auditactivity/v1/auditrecords/9");
  });

  it("rejects a body without an event name", () => {
    expect(() => parseWebhookEvent({ ResourceUri: "https://x/y", ResourceName: "referral", ResourceChangeUtcDate: "2020-01-01" })).toThrow(
      new PayloadFormatError("Webhook event", "eventName", "is required."),
    );
  });
});

describe("referralIdFromResourceUri", () => {
  it("takes the referral id from the last path segment", () => {
    expect(referralIdFromResourceUri("https://api.partnercenter.microsoft.com/engagements/v1/referrals/4111fffc-f9ee-4d53-bba6-569135228642")).toBe(
      "4111fffc-f9ee-4d53-bba6-569135228642",
    );
  });

  it("ignores a trailing slash and query", () => {
    expect(referralIdFromResourceUri("https://api.partnercenter.microsoft.com/engagements/v1/Referrals/4111FFFC-F9EE-4D53-BBA6-569135228642/?x=1")).toBe(
      "4111FFFC-F9EE-4D53-BBA6-569135228642",
    );
  });

  it.each([
    ["the docs placeholder", "https://api.partnercenter.microsoft.com/engagements/v1/referrals/{{ReferralID}}"],
    ["a validation event", "http://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/04af2aea-d413-42db-824e-f328001484d1"],
    ["a relative URI", "/engagements/v1/referrals/4111fffc-f9ee-4d53-bba6-569135228642"],
  ])("returns undefined for %s", (_what, uri) => {
    expect(referralIdFromResourceUri(uri)).toBeUndefined();
  });
});
