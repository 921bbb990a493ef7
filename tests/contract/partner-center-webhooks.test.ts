/**
 * §7.14–§7.18: the webhook registration, validation events, which events fire when, how deliveries
 * are signed, and how failed deliveries are retried and parked.
 */
import { createPublicKey, createVerify, X509Certificate } from "node:crypto";
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, coSellReferral, emulator, outgoingReferral, register, startReceiver, type Referral } from "./partner-center-harness";

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
const ALL_REFERRAL_EVENTS = ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"];

async function fetchCertificate(url: string): Promise<X509Certificate> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  const body = Buffer.from(await response.arrayBuffer());
  try {
    return new X509Certificate(body);
  } catch (error) {
    throw new Error(`${url} answered ${response.headers.get("content-type") ?? "no content type"}, ${body.length} bytes starting ${body.subarray(0, 24).toString("hex")}: not a certificate (${(error as Error).message})`);
  }
}

/** The "CA Issuers" URI of Authority Information Access: where a receiver downloads the issuer (§4.4 step 3). */
function caIssuers(certificate: X509Certificate): string {
  const uri = /CA Issuers - URI:(\S+)/.exec(certificate.infoAccess ?? "")?.[1];
  expect(uri).toBeDefined();
  return uri!;
}

describe("§7.14 registration", () => {
  let pc: PartnerCenterEmulator;
  let hooks: Client;
  beforeAll(async () => {
    pc = await emulator();
    hooks = new Client(pc, await pc.issueToken({ api: "webhooks" }));
  });
  afterAll(() => pc.stop());

  it("GET before any registration → 404; PUT with none → 404", async () => {
    expect((await hooks.get(`${pc.webhooksUrl}/registration`)).status).toBe(404);
    expect((await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: "https://a.example/h", WebhookEvents: ["referral-created"] })).status).toBe(404);
  });

  it("keeps one registration per tenant: a second POST → 409, PUT replaces it, GET returns it", async () => {
    const first = await hooks.call<{ SubscriberId: string }>("POST", `${pc.webhooksUrl}/registration`, { webhookUrl: "https://a.example/h", webhookEvents: ["referral-created"] });
    expect(first.status).toBe(200);
    const again = await hooks.call("POST", `${pc.webhooksUrl}/registration`, { WebhookUrl: "https://b.example/h", WebhookEvents: ["referral-updated"] });
    expect(again.status).toBe(409);
    const replaced = await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WEBHOOKURL: "https://b.example/h", webhookevents: ["referral-updated", "test-created"], SignatureTokenToMsSignatureHeader: true });
    expect(replaced.status).toBe(200);
    expect(replaced.body).toMatchObject({ SubscriberId: first.body.SubscriberId, WebhookUrl: "https://b.example/h", WebhookEvents: ["referral-updated", "test-created"], SignatureTokenToMsSignatureHeader: true });
    expect((await hooks.get(`${pc.webhooksUrl}/registration`)).body).toMatchObject({ WebhookUrl: "https://b.example/h" });
  });

  it("has no DELETE", async () => {
    expect((await hooks.call("DELETE", `${pc.webhooksUrl}/registration`)).status).toBe(404);
  });

  it("refuses unknown event names and a bad URL with 400", async () => {
    expect((await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: "https://b.example/h", WebhookEvents: ["referral-deleted"] })).status).toBe(400);
    expect((await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: "not a url", WebhookEvents: ["referral-created"] })).status).toBe(400);
  });

  it("lists event names as a JSON string array", async () => {
    const events = await hooks.get<string[]>(`${pc.webhooksUrl}/registration/events`);
    expect(events.body).toEqual(expect.arrayContaining([...ALL_REFERRAL_EVENTS, "test-created"]));
    expect(events.body.every((e) => typeof e === "string")).toBe(true);
  });
});

describe("§7.15 validation events", () => {
  let pc: PartnerCenterEmulator;
  let hooks: Client;
  let receiver: Receiver;
  beforeAll(async () => {
    pc = await emulator();
    hooks = new Client(pc, await pc.issueToken({ api: "webhooks" }));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await pc.stop();
    await receiver.close();
  });

  it("is refused unless test-created is registered", async () => {
    expect((await hooks.call("POST", `${pc.webhooksUrl}/registration/validationEvents`)).status).toBe(404);
    await register(pc, receiver.url, ["referral-created"]);
    expect((await hooks.call("POST", `${pc.webhooksUrl}/registration/validationEvents`)).status).toBe(400);
  });

  it("delivers test-created, reports each attempt, allows 2 per minute and purges after 7 days", async () => {
    await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: receiver.url, WebhookEvents: ["test-created"] });
    const first = await hooks.call<{ correlationId: string }>("POST", `${pc.webhooksUrl}/registration/validationEvents`);
    expect(first.status).toBe(200);
    expect((await hooks.call("POST", `${pc.webhooksUrl}/registration/validationEvents`)).status).toBe(200);
    const third = await hooks.call("POST", `${pc.webhooksUrl}/registration/validationEvents`);
    expect(third.status).toBe(429);
    expect(Number(third.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(third.body).toEqual({ statusCode: 429, message: expect.stringMatching(/^Rate limit is exceeded\. Try again in \d+ seconds\.$/) });

    await pc.deliveries.idle();
    const delivered = receiver.calls.find((c) => String(c.body.ResourceUri).endsWith(first.body.correlationId));
    expect(delivered?.body).toMatchObject({ EventName: "test-created", ResourceName: "test", AuditUri: null });
    const status = await hooks.get(`${pc.webhooksUrl}/registration/validationEvents/${first.body.correlationId}`);
    expect(status.body).toMatchObject({
      correlationId: first.body.correlationId,
      partnerId: pc.partner.partnerId,
      status: "completed",
      callbackUrl: receiver.url,
      results: [{ responseCode: "OK", responseMessage: "", systemError: false, dateTimeUtc: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}$/) }],
    });

    pc.clock.advance(61_000);
    expect((await hooks.call("POST", `${pc.webhooksUrl}/registration/validationEvents`)).status).toBe(200);
    pc.clock.advance(7 * 24 * 3600_000);
    expect((await hooks.get(`${pc.webhooksUrl}/registration/validationEvents/${first.body.correlationId}`)).status).toBe(404);
  });

  it("records failed attempts with their response code", async () => {
    const failing = await startReceiver([500, 200]);
    try {
      await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: failing.url, WebhookEvents: ["test-created"] });
      pc.clock.advance(61_000);
      const started = await hooks.call<{ correlationId: string }>("POST", `${pc.webhooksUrl}/registration/validationEvents`);
      await pc.deliveries.idle();
      const status = await hooks.get<{ status: string; results: { responseCode: string; responseMessage: string }[] }>(`${pc.webhooksUrl}/registration/validationEvents/${started.body.correlationId}`);
      expect(status.body.status).toBe("completed");
      expect(status.body.results.map((r) => r.responseCode)).toEqual(["InternalServerError", "OK"]);
      expect(status.body.results[0].responseMessage).toBe("receiver says no");
    } finally {
      await failing.close();
    }
  });
});

describe("§7.16 which events fire", () => {
  let pc: PartnerCenterEmulator;
  let client: Client;
  let receiver: Receiver;
  const events = () => receiver.calls.map((c) => `${String(c.body.EventName)} ${String(c.body.ResourceUri).split("/").pop()}`);

  beforeAll(async () => {
    pc = await emulator();
    client = await Client.forUser(pc);
    receiver = await startReceiver();
    await register(pc, receiver.url, ALL_REFERRAL_EVENTS);
  });
  afterAll(async () => {
    await pc.stop();
    await receiver.close();
  });
  beforeEach(() => {
    receiver.calls.length = 0;
  });

  it("sends referral-created on POST and referral-updated on every PATCH and PUT, with no referral body", async () => {
    const created = await client.create(outgoingReferral());
    const id = created.body.id;
    await client.patch(id, [{ op: "replace", path: "/details/notes", value: "x" }]);
    const current = (await client.get<Referral>(`${pc.referralsUrl}/${id}`)).body;
    await client.call("PUT", `${pc.referralsUrl}/${id}`, { ...outgoingReferral(), status: "Active", substatus: "Accepted" }, { "if-match": current.eTag });
    await pc.deliveries.idle();
    expect(events()).toEqual([`referral-created ${id}`, `referral-updated ${id}`, `referral-updated ${id}`]);
    const body = receiver.calls[0].body;
    expect(body).toEqual({
      EventName: "referral-created",
      ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${id}`,
      ResourceName: "referral",
      AuditUri: null,
      ResourceChangeUtcDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}\+00:00$/),
    });
  });

  it("sends nothing for a refused write", async () => {
    const created = await client.create(outgoingReferral());
    await pc.deliveries.idle();
    receiver.calls.length = 0;
    await client.patch(created.body.id, [{ op: "remove", path: "/details/notes" }]);
    await client.patch(created.body.id, [{ op: "replace", path: "/details/notes", value: "x" }], { "if-match": '"stale"' });
    await pc.deliveries.idle();
    expect(events()).toEqual([]);
  });

  it("sends referral-created when an incoming referral arrives and referral-updated when it expires", async () => {
    const id = String(pc.microsoft.createIncomingReferral().id);
    pc.clock.advance(15 * 24 * 3600_000);
    await pc.deliveries.idle();
    expect(events()).toEqual([`referral-created ${id}`, `referral-updated ${id}`]);
  });

  it("Microsoft accepting a co-sell sends referral-updated (msx id filled) and related-referral-created; declining later sends related-referral-updated", async () => {
    const created = await client.create(coSellReferral());
    const id = created.body.id;
    await pc.deliveries.idle();
    receiver.calls.length = 0;
    const accepted = pc.microsoft.accept(id, { msxId: "7-3FQ1XLNZ9A" });
    expect(accepted.trackingInfo).toEqual({ microsoftMsxId: "7-3FQ1XLNZ9A" });
    pc.microsoft.decline(id);
    await pc.deliveries.idle();
    expect(events()).toEqual([`referral-updated ${id}`, `related-referral-created ${id}`, `related-referral-updated ${id}`]);
    expect((await client.get<Referral>(`${pc.referralsUrl}/${id}`)).body.trackingInfo).toEqual({ microsoftMsxId: "7-3FQ1XLNZ9A" });
  });

  it("Microsoft updating or closing a referral it sent sends referral-updated; closing its own half too sends related-referral-updated", async () => {
    const id = String(pc.microsoft.createIncomingReferral().id);
    pc.microsoft.update(id, { details: { dealValue: "75000" } });
    pc.microsoft.close(id, { substatus: "Lost", reason: "Customer chose another vendor." });
    await pc.deliveries.idle();
    expect(events()).toEqual([`referral-created ${id}`, `referral-updated ${id}`, `referral-updated ${id}`, `related-referral-updated ${id}`]);
    expect((await client.get<Referral>(`${pc.referralsUrl}/${id}`)).body).toMatchObject({ status: "Closed", substatus: "Lost", details: { dealValue: 75000 } });
  });

  it("sends only the events the registration names", async () => {
    const hooks = new Client(pc, await pc.issueToken({ api: "webhooks" }));
    await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: receiver.url, WebhookEvents: ["referral-updated"] });
    const created = await client.create(outgoingReferral());
    await client.patch(created.body.id, [{ op: "replace", path: "/details/notes", value: "x" }]);
    await pc.deliveries.idle();
    expect(events()).toEqual([`referral-updated ${created.body.id}`]);
    await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: receiver.url, WebhookEvents: ALL_REFERRAL_EVENTS });
  });
});

describe("§7.17 signing", () => {
  let receiver: Receiver;
  beforeAll(async () => {
    receiver = await startReceiver();
  });
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.calls.length = 0;
  });

  async function oneDelivery(pc: PartnerCenterEmulator, extra: Record<string, unknown> = {}) {
    await register(pc, receiver.url, ["referral-created"], extra);
    await (await Client.forUser(pc)).create(outgoingReferral());
    await pc.deliveries.idle();
    expect(receiver.calls).toHaveLength(1);
    return receiver.calls[0];
  }

  it("signs the exact body bytes with RSA-SHA256 (PKCS#1 v1.5) under a certificate the emulator serves, issued by O=Microsoft Corporation", async () => {
    const pc = await emulator();
    try {
      const call = await oneDelivery(pc);
      expect(call.headers["x-ms-signature-algorithm"]).toBe("rsa-sha256");
      const authorization = String(call.headers.authorization);
      expect(authorization).toMatch(/^Signature [A-Za-z0-9+/]+=*$/);
      const certificateUrl = String(call.headers["x-ms-certificate-url"]);
      expect(new URL(certificateUrl).host).toBe(new URL(pc.url).host);
      const certificate = await fetchCertificate(certificateUrl);
      expect(certificate.subject).toContain("CN=pcnotifications-dispatch.microsoft.com");
      expect(certificate.issuer).toContain("O=Microsoft Corporation");
      // §4.4 step 3: the leaf → issuing CA → root chain, each issuer found through AIA on the emulator.
      const issuing = await fetchCertificate(caIssuers(certificate));
      expect(certificate.checkIssued(issuing) && certificate.verify(issuing.publicKey)).toBe(true);
      const root = await fetchCertificate(caIssuers(issuing));
      expect(issuing.checkIssued(root) && issuing.verify(root.publicKey)).toBe(true);
      expect([certificate.ca, issuing.ca, root.ca]).toEqual([false, true, true]);
      expect(root.subject).toContain("O=Microsoft Corporation");
      const trusted = await fetch(`${pc.url}/cert/root.pem`);
      expect(new X509Certificate(await trusted.text()).fingerprint256).toBe(root.fingerprint256);
      const signature = Buffer.from(authorization.split(" ")[1], "base64");
      expect(createVerify("RSA-SHA256").update(call.raw).verify(createPublicKey(certificate.publicKey.export({ type: "spki", format: "pem" })), signature)).toBe(true);
      const altered = Buffer.from(call.raw.toString("utf8").replace("referral-created", "referral-updated"));
      expect(createVerify("RSA-SHA256").update(altered).verify(certificate.publicKey, signature)).toBe(false);
    } finally {
      await pc.stop();
    }
  });

  it("rotates to a new leaf key under the same root, which stays the root to trust", async () => {
    const pc = await emulator();
    try {
      const before = await fetchCertificate(pc.certificateUrl);
      pc.rotateSigning();
      const after = await fetchCertificate(pc.certificateUrl);
      expect(after.publicKey.export({ type: "spki", format: "pem" })).not.toBe(before.publicKey.export({ type: "spki", format: "pem" }));
      const root = await fetchCertificate(caIssuers(await fetchCertificate(caIssuers(after))));
      expect(new X509Certificate(pc.rootCertificatePem).fingerprint256).toBe(root.fingerprint256);
    } finally {
      await pc.stop();
    }
  });

  it("puts the signature in x-ms-signature instead when the registration asks for it", async () => {
    const pc = await emulator();
    try {
      const call = await oneDelivery(pc, { signatureTokenToMsSignatureHeader: true });
      expect(call.headers.authorization).toBeUndefined();
      const value = String(call.headers["x-ms-signature"]);
      expect(value).toMatch(/^Signature /);
      const certificate = await fetchCertificate(String(call.headers["x-ms-certificate-url"]));
      expect(createVerify("RSA-SHA256").update(call.raw).verify(certificate.publicKey, Buffer.from(value.split(" ")[1], "base64"))).toBe(true);
    } finally {
      await pc.stop();
    }
  });

  it("can sign with a certificate whose issuer is not Microsoft, for testing a receiver's issuer check", async () => {
    const pc = await emulator({ webhooks: { signing: { issuer: "foreign" } } });
    try {
      const call = await oneDelivery(pc);
      const certificate = await fetchCertificate(String(call.headers["x-ms-certificate-url"]));
      expect(certificate.issuer).not.toContain("Microsoft");
      expect(createVerify("RSA-SHA256").update(call.raw).verify(certificate.publicKey, Buffer.from(String(call.headers.authorization).split(" ")[1], "base64"))).toBe(true);
    } finally {
      await pc.stop();
    }
  });

  it("can name a foreign host in X-MS-Certificate-Url, for testing a receiver's host pinning", async () => {
    const pc = await emulator({ webhooks: { certificateHost: "localhost" } });
    try {
      const call = await oneDelivery(pc);
      const url = new URL(String(call.headers["x-ms-certificate-url"]));
      expect(url.hostname).toBe("localhost");
      expect(url.port).toBe(new URL(pc.url).port);
    } finally {
      await pc.stop();
    }
  });
});

describe("§7.18 retries", () => {
  it("retries a failing receiver until it answers 2xx", async () => {
    const receiver = await startReceiver([503, 500, 404, 200]);
    const pc = await emulator();
    try {
      await register(pc, receiver.url, ["referral-created"]);
      await (await Client.forUser(pc)).create(outgoingReferral());
      await pc.deliveries.idle();
      expect(receiver.calls).toHaveLength(4);
      expect(new Set(receiver.calls.map((c) => c.raw.toString())).size).toBe(1);
      const [delivery] = pc.deliveries.list();
      expect(delivery.state).toBe("delivered");
      expect(delivery.attempts.map((a) => a.status)).toEqual([503, 500, 404, 200]);
    } finally {
      await pc.stop();
      await receiver.close();
    }
  });

  it("gives up after 10 attempts and parks the event", async () => {
    const receiver = await startReceiver([500]);
    const pc = await emulator();
    try {
      await register(pc, receiver.url, ["referral-created"]);
      await (await Client.forUser(pc)).create(outgoingReferral());
      await pc.deliveries.idle();
      expect(receiver.calls).toHaveLength(10);
      expect(pc.deliveries.parked()).toHaveLength(1);
      expect(pc.deliveries.parked()[0].attempts).toHaveLength(10);
    } finally {
      await pc.stop();
      await receiver.close();
    }
  });

  it("counts a receiver that does not answer in time, or cannot be reached, as a failed attempt", async () => {
    const pc = await emulator({ webhooks: { timeoutMs: 50, maxAttempts: 2 } });
    const silent = await startReceiver();
    const hang = new Promise<void>(() => undefined);
    const slow = await (async () => {
      const Fastify = (await import("fastify")).default;
      const app = Fastify({ forceCloseConnections: true });
      app.post("/hook", async () => hang);
      return { app, url: `${await app.listen({ host: "127.0.0.1", port: 0 })}/hook` };
    })();
    try {
      await register(pc, slow.url, ["referral-created"]);
      await (await Client.forUser(pc)).create(outgoingReferral());
      await pc.deliveries.idle();
      const [timedOut] = pc.deliveries.list();
      expect(timedOut.state).toBe("parked");
      expect(timedOut.attempts.every((a) => a.systemError && a.status === undefined)).toBe(true);

      await silent.close();
      const hooks = new Client(pc, await pc.issueToken({ api: "webhooks" }));
      await hooks.call("PUT", `${pc.webhooksUrl}/registration`, { WebhookUrl: silent.url, WebhookEvents: ["referral-created"] });
      await (await Client.forUser(pc)).create(outgoingReferral());
      await pc.deliveries.idle();
      expect(pc.deliveries.list()[1]).toMatchObject({ state: "parked", attempts: [{ systemError: true }, { systemError: true }] });
    } finally {
      await pc.stop();
      await slow.app.close();
    }
  });
});
