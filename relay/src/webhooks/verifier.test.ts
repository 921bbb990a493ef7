import { createSign, generateKeyPairSync, X509Certificate } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import forge from "node-forge";
import { referralIdFromResourceUri, type PartnerCenterEvent } from "@cosell/core";
import { partnerCenterWebhookRoute } from "./fastify";
import { createWebhookVerifier, type WebhookVerifierOptions } from "./verifier";

interface TestCertificate {
  der: Buffer;
  pem: string;
  privateKeyPem: string;
}

const DAY = 24 * 3600_000;

function keyPair() {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
    forgePrivate: forge.pki.privateKeyFromPem(privateKey.export({ type: "pkcs8", format: "pem" }).toString()),
  };
}

/** A CA named `O=<organization>` that issues leaf certificates, like Partner Center's dispatch certificate. */
function authority(organization: string) {
  const keys = keyPair();
  const name = [{ name: "organizationName", value: organization }, { name: "commonName", value: `${organization} Test Root` }];
  const ca = forge.pki.createCertificate();
  ca.publicKey = keys.forgePublic;
  ca.serialNumber = "01";
  ca.validity.notBefore = new Date(Date.now() - DAY);
  ca.validity.notAfter = new Date(Date.now() + 3650 * DAY);
  ca.setSubject(name);
  ca.setIssuer(name);
  ca.setExtensions([{ name: "basicConstraints", cA: true }]);
  ca.sign(keys.forgePrivate, forge.md.sha256.create());
  return {
    pem: forge.pki.certificateToPem(ca),
    issue(commonName: string, validDays = 365): TestCertificate {
      const leafKeys = keyPair();
      const leaf = forge.pki.createCertificate();
      leaf.publicKey = leafKeys.forgePublic;
      leaf.serialNumber = "02";
      leaf.validity.notBefore = new Date(Date.now() - DAY);
      leaf.validity.notAfter = new Date(Date.now() + validDays * DAY);
      leaf.setSubject([{ name: "commonName", value: commonName }]);
      leaf.setIssuer(name);
      leaf.sign(keys.forgePrivate, forge.md.sha256.create());
      const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(leaf)).getBytes(), "binary");
      return { der, pem: forge.pki.certificateToPem(leaf), privateKeyPem: leafKeys.privateKeyPem };
    },
  };
}

function sign(body: Buffer, privateKeyPem: string): string {
  return createSign("sha256").update(body).sign(privateKeyPem, "base64");
}

const microsoft = authority("Microsoft Corporation");
const dispatch = microsoft.issue("pcnotifications-dispatch.microsoft.com");
const impostor = authority("Fabrikam Test Authority").issue("pcnotifications-dispatch.microsoft.com");
const otherKey = keyPair();
let rotating = dispatch;

const event = Buffer.from(
  JSON.stringify({
    EventName: "referral-updated",
    ResourceUri: "https://api.partnercenter.microsoft.com/engagements/v1/referrals/4111fffc-f9ee-4d53-bba6-569135228642",
    ResourceName: "referral",
    AuditUri: null,
    ResourceChangeUtcDate: "2018-02-17T00:05:39.5485487+00:00",
  }),
);

describe("Partner Center webhook verification", () => {
  let certificates: FastifyInstance;
  let certificateOrigin: string;
  const downloads: string[] = [];

  beforeAll(async () => {
    certificates = Fastify();
    certificates.get("/cert/:name", async (request, reply) => {
      const name = (request.params as { name: string }).name;
      downloads.push(name);
      const body = { "dispatch.cer": dispatch.der, "dispatch.pem": dispatch.pem, "impostor.cer": impostor.der, "rotating.cer": rotating.der }[name];
      return body ? reply.type("application/pkix-cert").send(body) : reply.code(404).send();
    });
    certificateOrigin = await certificates.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => certificates.close());
  beforeEach(() => {
    downloads.length = 0;
  });

  async function relay(options: WebhookVerifierOptions = {}) {
    const received: PartnerCenterEvent[] = [];
    const logs: string[] = [];
    const app = Fastify({ logger: { level: "warn", stream: { write: (line: string) => logs.push(line) } } });
    const verifier = createWebhookVerifier({ trustedHosts: [new URL(certificateOrigin).host], allowHttpForLoopback: true, ...options });
    await app.register(partnerCenterWebhookRoute({ verifier, onEvent: (e) => void received.push(e) }));
    const origin = await app.listen({ host: "127.0.0.1", port: 0 });
    const deliver = async (headers: Record<string, string>, body: Buffer = event) => {
      const response = await fetch(`${origin}/hooks/partner-center`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      const text = await response.text();
      return { statusCode: response.status, headers: Object.fromEntries(response.headers), json: () => JSON.parse(text) };
    };
    return { app, deliver, received, logs };
  }

  const signedHeaders = (overrides: Record<string, string> = {}, body: Buffer = event, key = dispatch.privateKeyPem) => ({
    authorization: `Signature ${sign(body, key)}`,
    "x-ms-certificate-url": `${certificateOrigin}/cert/dispatch.cer`,
    "x-ms-signature-algorithm": "rsa-sha256",
    ...overrides,
  });

  it("accepts a delivery signed in the Authorization header and hands on the parsed event", async () => {
    const { app, deliver, received } = await relay({ subjectCommonName: "pcnotifications-dispatch.microsoft.com", trustedIssuers: [new X509Certificate(microsoft.pem)] });
    const response = await deliver(signedHeaders());
    expect(response.statusCode).toBe(200);
    expect(received).toEqual([expect.objectContaining({ eventName: "referral-updated", resourceName: "referral" })]);
    expect(referralIdFromResourceUri(received[0].resourceUri)).toBe("4111fffc-f9ee-4d53-bba6-569135228642");
    await app.close();
  });

  it("accepts the x-ms-signature form and a PEM certificate, and downloads the certificate once", async () => {
    const { app, deliver, received } = await relay();
    const { authorization, ...rest } = signedHeaders({ "x-ms-certificate-url": `${certificateOrigin}/cert/dispatch.pem` });
    expect((await deliver({ ...rest, "x-ms-signature": authorization })).statusCode).toBe(200);
    expect((await deliver({ ...rest, "x-ms-signature": authorization })).statusCode).toBe(200);
    expect(received).toHaveLength(2);
    expect(downloads).toEqual(["dispatch.pem"]);
    await app.close();
  });

  it("downloads the certificate again once the cache time has passed", async () => {
    let now = Date.now();
    const { app, deliver } = await relay({ ttlMs: 60_000, now: () => now });
    await deliver(signedHeaders());
    now += 61_000;
    await deliver(signedHeaders());
    expect(downloads).toEqual(["dispatch.cer", "dispatch.cer"]);
    await app.close();
  });

  it("picks up a certificate rotated behind the same URL, without re-downloading for every forged request", async () => {
    let now = Date.now();
    const { app, deliver } = await relay({ now: () => now });
    const url = { "x-ms-certificate-url": `${certificateOrigin}/cert/rotating.cer` };
    rotating = dispatch;
    expect((await deliver(signedHeaders(url))).statusCode).toBe(200);
    const successor = microsoft.issue("pcnotifications-dispatch.microsoft.com");
    rotating = successor;
    now += 5 * 60_000;
    expect((await deliver(signedHeaders(url, event, successor.privateKeyPem))).statusCode).toBe(200);
    expect((await deliver(signedHeaders(url, event, otherKey.privateKeyPem))).json()).toMatchObject({ reason: "bad-signature" });
    expect(downloads).toEqual(["rotating.cer", "rotating.cer"]);
    await app.close();
  });

  const rejections: [string, () => Record<string, string>, Buffer | undefined, string][] = [
    ["no signature", () => { const { authorization: _a, ...rest } = signedHeaders(); return rest; }, undefined, "missing-signature"],
    ["a Bearer token instead of a signature", () => signedHeaders({ authorization: "Bearer abc" }), undefined, "missing-signature"],
    ["a signature made with another key", () => signedHeaders({}, event, otherKey.privateKeyPem), undefined, "bad-signature"],
    ["a body altered by one byte", () => signedHeaders(), Buffer.from(event.toString().replace("referral-updated", "referral-updatee")), "bad-signature"],
    ["a certificate URL on a foreign host", () => signedHeaders({ "x-ms-certificate-url": "https://certs.attacker.example/cert/dispatch.cer" }), undefined, "untrusted-certificate-url"],
    ["a certificate not issued by Microsoft", () => signedHeaders({ "x-ms-certificate-url": `${certificateOrigin}/cert/impostor.cer` }, event, impostor.privateKeyPem), undefined, "untrusted-issuer"],
    ["an unsupported algorithm", () => signedHeaders({ "x-ms-signature-algorithm": "rsa-sha1" }), undefined, "unsupported-algorithm"],
    ["no algorithm", () => { const { "x-ms-signature-algorithm": _a, ...rest } = signedHeaders(); return rest; }, undefined, "missing-algorithm"],
    ["no certificate URL", () => { const { "x-ms-certificate-url": _u, ...rest } = signedHeaders(); return rest; }, undefined, "missing-certificate-url"],
    ["a signature that is not base64", () => signedHeaders({ authorization: "Signature not*base64" }), undefined, "malformed-signature"],
  ];

  it.each(rejections)("rejects %s with 401 problem+json and a log line without secrets", async (_name, headers, body, reason) => {
    const { app, deliver, received, logs } = await relay();
    const sent = headers();
    const response = await deliver(sent, body);
    expect(response.statusCode).toBe(401);
    expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 401, title: "Unauthorized", reason });
    expect(received).toEqual([]);
    const logged = logs.join("");
    expect(logged).toContain(`"reason":"${reason}"`);
    const signature = (sent.authorization ?? "").replace(/^Signature /, "");
    if (signature.length > 20) expect(logged).not.toContain(signature);
    await app.close();
  });

  it("does not fetch anything for an untrusted URL, nor over http unless allowed for loopback", async () => {
    const { app, deliver } = await relay({ allowHttpForLoopback: false });
    const response = await deliver(signedHeaders());
    expect(response.json()).toMatchObject({ reason: "untrusted-certificate-url", detail: expect.stringContaining("https") });
    expect(downloads).toEqual([]);
    await app.close();
  });

  it("rejects a certificate outside its validity period, a subject that is not pinned, and an unpinned issuer", async () => {
    const later = await relay({ now: () => Date.now() + 2 * 365 * DAY });
    expect((await later.deliver(signedHeaders())).json()).toMatchObject({ reason: "certificate-not-valid-now" });
    await later.app.close();

    const pinned = await relay({ subjectCommonName: "other.microsoft.com" });
    expect((await pinned.deliver(signedHeaders())).json()).toMatchObject({ reason: "subject-mismatch" });
    await pinned.app.close();

    const issuers = await relay({ trustedIssuers: [new X509Certificate(authority("Microsoft Corporation").pem)] });
    expect((await issuers.deliver(signedHeaders())).json()).toMatchObject({ reason: "untrusted-issuer" });
    await issuers.app.close();
  });

  it("answers 400 to an authentic delivery whose body is not an event", async () => {
    const { app, deliver, received } = await relay();
    const body = Buffer.from('{"hello":"world"}');
    const response = await deliver(signedHeaders({}, body), body);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ status: 400, detail: expect.stringMatching(/eventName/) });
    expect(received).toEqual([]);
    await app.close();
  });
});
