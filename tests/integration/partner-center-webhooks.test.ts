import { referralIdFromResourceUri } from "@cosell/core";
import { createSigningAuthority } from "../../emulators/partner-center/src";
import { coSellReferral, startHarness, type Harness } from "./partner-center-harness";
import { startTestRelay, type TestRelay } from "./partner-center-relay";

const RELAY_EVENTS = ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated", "test-created"];

describe("Partner Center webhooks into the relay's verifier", () => {
  let h: Harness;
  let relay: TestRelay;

  beforeEach(async () => {
    h = await startHarness({ webhooks: { retryIntervalMs: 10, maxAttempts: 2 } });
  });
  afterEach(async () => {
    await relay?.stop();
    await h.stop();
  });

  it("accepts signed events in the Authorization header and in x-ms-signature", async () => {
    relay = await startTestRelay(h.emulator, { subjectCommonName: "pcnotifications-dispatch.microsoft.com" });
    await h.client.webhooks.register({ webhookUrl: relay.hookUrl, webhookEvents: RELAY_EVENTS });
    const created = await h.client.referrals.create(coSellReferral());
    await h.emulator.deliveries.idle();

    await h.client.webhooks.replaceRegistration({ webhookUrl: relay.hookUrl, webhookEvents: RELAY_EVENTS, signatureTokenToMsSignatureHeader: true });
    await h.client.referrals.patch(created.id!, [{ op: "replace", path: "/details/notes", value: "Updated" }], { ifMatch: created.eTag });
    await h.emulator.deliveries.idle();

    expect(relay.received.map((r) => r.event.eventName)).toEqual(["referral-created", "referral-updated"]);
    expect(relay.received.map((r) => referralIdFromResourceUri(r.event.resourceUri))).toEqual([created.id, created.id]);
    expect(relay.received[0].headers.authorization).toMatch(/^Signature /);
    expect(relay.received[1].headers["x-ms-signature"]).toMatch(/^Signature /);
    expect(relay.received[1].headers.authorization).toBeUndefined();
    expect(h.emulator.deliveries.list().map((d) => d.state)).toEqual(["delivered", "delivered"]);
  });

  it("turns away a delivery signed by a certificate whose issuer is not Microsoft", async () => {
    h.emulator.rotateSigning({ issuer: "foreign" });
    relay = await startTestRelay(h.emulator);
    await h.client.webhooks.register({ webhookUrl: relay.hookUrl, webhookEvents: RELAY_EVENTS });
    await h.client.referrals.create(coSellReferral());
    await h.emulator.deliveries.idle();

    expect(relay.received).toEqual([]);
    const [delivery] = h.emulator.deliveries.list();
    expect(delivery.state).toBe("parked");
    expect(delivery.attempts.map((a) => a.status)).toEqual([401, 401]);
    expect(JSON.parse(delivery.attempts[0].message)).toMatchObject({ reason: "untrusted-issuer" });
  });

  it("turns away a delivery whose certificate chains to a Microsoft-named root the relay does not trust", async () => {
    h.emulator.rotateSigning({ authority: createSigningAuthority() });
    relay = await startTestRelay(h.emulator);
    await h.client.webhooks.register({ webhookUrl: relay.hookUrl, webhookEvents: RELAY_EVENTS });
    await h.client.referrals.create(coSellReferral());
    await h.emulator.deliveries.idle();

    expect(relay.received).toEqual([]);
    const [delivery] = h.emulator.deliveries.list();
    expect(delivery.state).toBe("parked");
    expect(JSON.parse(delivery.attempts[0].message)).toMatchObject({ reason: "untrusted-certificate-chain", detail: expect.stringContaining("not a trusted root") });
  });

  it("turns away a certificate URL on a host the relay does not trust", async () => {
    relay = await startTestRelay(h.emulator, { trustedHosts: ["3psostorageacct.blob.core.windows.net"] });
    await h.client.webhooks.register({ webhookUrl: relay.hookUrl, webhookEvents: RELAY_EVENTS });
    await h.client.referrals.create(coSellReferral());
    await h.emulator.deliveries.idle();
    expect(relay.received).toEqual([]);
    expect(JSON.parse(h.emulator.deliveries.list()[0].attempts[0].message)).toMatchObject({ reason: "untrusted-certificate-url" });
  });

  describe("replayed and tampered deliveries", () => {
    let body: Buffer;
    let headers: Record<string, string>;

    beforeEach(async () => {
      relay = await startTestRelay(h.emulator);
      await h.client.webhooks.register({ webhookUrl: relay.hookUrl, webhookEvents: RELAY_EVENTS });
      await h.client.referrals.create(coSellReferral());
      await h.emulator.deliveries.idle();
      body = Buffer.from(h.emulator.deliveries.list()[0].body);
      headers = {
        "content-type": "application/json",
        authorization: `Signature ${h.emulator.signing.sign(body)}`,
        "x-ms-certificate-url": h.emulator.certificateUrl,
        "x-ms-signature-algorithm": "rsa-sha256",
      };
    });

    const post = async (sentHeaders: Record<string, string>, sentBody: Buffer = body) => {
      const response = await fetch(relay.hookUrl, { method: "POST", headers: sentHeaders, body: sentBody });
      return { status: response.status, type: response.headers.get("content-type"), problem: (await response.json()) as { reason?: string } };
    };

    it("accepts the genuine delivery again (the signature covers the exact bytes)", async () => {
      expect((await post(headers)).status).toBe(200);
      expect(relay.received).toHaveLength(2);
    });

    it.each([
      ["no signature", (hd: Record<string, string>) => ({ ...hd, authorization: "" }), (b: Buffer) => b, "missing-signature"],
      ["a signature from another key", (hd: Record<string, string>, b: Buffer) => ({ ...hd, authorization: `Signature ${createSigningAuthority().issue(h.emulator.url).sign(b)}` }), (b: Buffer) => b, "bad-signature"],
      ["a body altered by one byte", (hd: Record<string, string>) => hd, (b: Buffer) => Buffer.concat([b.subarray(0, -2), Buffer.from(" "), b.subarray(-1)]), "bad-signature"],
      ["an unsupported algorithm", (hd: Record<string, string>) => ({ ...hd, "x-ms-signature-algorithm": "rsa-sha512" }), (b: Buffer) => b, "unsupported-algorithm"],
      ["a certificate URL on a foreign host", (hd: Record<string, string>) => ({ ...hd, "x-ms-certificate-url": "https://certs.attacker.example/cert.cer" }), (b: Buffer) => b, "untrusted-certificate-url"],
    ])("rejects %s with 401 problem+json", async (_name, alterHeaders, alterBody, reason) => {
      const sentBody = alterBody(body);
      expect(sentBody.length).toBe(body.length);
      const { status, type, problem } = await post(alterHeaders(headers, body), sentBody);
      expect(status).toBe(401);
      expect(type).toMatch(/^application\/problem\+json/);
      expect(problem.reason).toBe(reason);
      expect(relay.received).toHaveLength(1);
      expect(relay.logs.join("")).toContain(`"reason":"${reason}"`);
    });
  });
});
