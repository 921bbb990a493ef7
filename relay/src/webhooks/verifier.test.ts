import Fastify, { type FastifyInstance } from "fastify";
import { referralIdFromResourceUri, type PartnerCenterEvent } from "@cosell/core";
import { partnerCenterWebhookRoute } from "./fastify";
import { issue, selfSigned, signBody, testKey, type TestCertificate } from "./pki.test-support";
import { createWebhookVerifier, type WebhookVerifierOptions } from "./verifier";

const DAY = 24 * 3600_000;
const DISPATCH = "pcnotifications-dispatch.microsoft.com";

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
  const served = new Map<string, Buffer | string>();
  const downloads: string[] = [];
  const otherKey = testKey();
  // Like Microsoft's PKI: a root, an issuing CA that names the root's certificate in AIA, and the
  // dispatch leaf that names the issuing CA's; the download at the certificate URL is the leaf alone.
  let root: TestCertificate;
  let issuing: TestCertificate;
  let dispatch: TestCertificate;
  let impostor: TestCertificate;

  const at = (name: string) => `${certificateOrigin}/cert/${name}`;

  beforeAll(async () => {
    certificates = Fastify();
    certificates.get("/cert/:name", async (request, reply) => {
      const name = (request.params as { name: string }).name;
      downloads.push(name);
      const body = served.get(name);
      return body ? reply.type("application/pkix-cert").send(body) : reply.code(404).send();
    });
    certificateOrigin = await certificates.listen({ host: "127.0.0.1", port: 0 });

    root = selfSigned({ commonName: "Microsoft Test Root", ca: true });
    issuing = issue(root, { commonName: "Microsoft Test Issuing CA", ca: true, caIssuers: at("root.cer") });
    dispatch = issue(issuing, { commonName: DISPATCH, caIssuers: at("issuing.cer") });
    impostor = issue(selfSigned({ commonName: "Fabrikam Test Root", organization: "Fabrikam Test Authority", ca: true }), { commonName: DISPATCH });
    served.set("root.cer", root.der).set("issuing.cer", issuing.der).set("dispatch.cer", dispatch.der).set("dispatch.pem", dispatch.pem).set("impostor.cer", impostor.der);
  });
  afterAll(() => certificates.close());
  beforeEach(() => {
    downloads.length = 0;
  });

  async function relay(options: WebhookVerifierOptions = {}) {
    const received: PartnerCenterEvent[] = [];
    const logs: string[] = [];
    const app = Fastify({ logger: { level: "warn", stream: { write: (line: string) => logs.push(line) } } });
    const verifier = createWebhookVerifier({ trustedHosts: [new URL(certificateOrigin).host], allowHttpForLoopback: true, trustedRoots: [root.x509], ...options });
    await app.register(partnerCenterWebhookRoute({ verifier, onEvent: (e) => void received.push(e) }));
    const origin = await app.listen({ host: "127.0.0.1", port: 0 });
    const deliver = async (headers: Record<string, string>, body: Buffer = event) => {
      const response = await fetch(`${origin}/hooks/partner-center`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      const text = await response.text();
      return { statusCode: response.status, headers: Object.fromEntries(response.headers), json: () => JSON.parse(text) };
    };
    return { app, deliver, received, logs };
  }

  const signedHeaders = (overrides: Record<string, string> = {}, body: Buffer = event, signer: Pick<TestCertificate, "key"> = dispatch) => ({
    authorization: `Signature ${signBody(body, signer)}`,
    "x-ms-certificate-url": at("dispatch.cer"),
    "x-ms-signature-algorithm": "rsa-sha256",
    ...overrides,
  });

  /** Headers for a delivery signed by `leaf`, which the certificate host serves as `name`. */
  const signedBy = (leaf: TestCertificate, name: string) => {
    served.set(name, leaf.der);
    return signedHeaders({ "x-ms-certificate-url": at(name) }, event, leaf);
  };

  it("accepts a delivery signed in the Authorization header and hands on the parsed event", async () => {
    const { app, deliver, received } = await relay({ subjectCommonName: DISPATCH });
    const response = await deliver(signedHeaders());
    expect(response.statusCode).toBe(200);
    expect(received).toEqual([expect.objectContaining({ eventName: "referral-updated", resourceName: "referral" })]);
    expect(referralIdFromResourceUri(received[0].resourceUri)).toBe("4111fffc-f9ee-4d53-bba6-569135228642");
    await app.close();
  });

  it("accepts the x-ms-signature form and a PEM certificate, and downloads the certificate and its issuer once", async () => {
    const { app, deliver, received } = await relay();
    const { authorization, ...rest } = signedHeaders({ "x-ms-certificate-url": at("dispatch.pem") });
    expect((await deliver({ ...rest, "x-ms-signature": authorization })).statusCode).toBe(200);
    expect((await deliver({ ...rest, "x-ms-signature": authorization })).statusCode).toBe(200);
    expect(received).toHaveLength(2);
    expect(downloads).toEqual(["dispatch.pem", "issuing.cer"]);
    await app.close();
  });

  it("downloads the certificates again once the cache time has passed", async () => {
    let now = Date.now();
    const { app, deliver } = await relay({ ttlMs: 60_000, now: () => now });
    await deliver(signedHeaders());
    now += 61_000;
    await deliver(signedHeaders());
    expect(downloads).toEqual(["dispatch.cer", "issuing.cer", "dispatch.cer", "issuing.cer"]);
    await app.close();
  });

  it("picks up a certificate rotated behind the same URL, without re-downloading for every forged request", async () => {
    let now = Date.now();
    const { app, deliver } = await relay({ now: () => now });
    const url = { "x-ms-certificate-url": at("rotating.cer") };
    served.set("rotating.cer", dispatch.der);
    expect((await deliver(signedHeaders(url))).statusCode).toBe(200);
    const successor = issue(issuing, { commonName: DISPATCH, caIssuers: at("issuing.cer") });
    served.set("rotating.cer", successor.der);
    now += 5 * 60_000;
    expect((await deliver(signedHeaders(url, event, successor))).statusCode).toBe(200);
    expect((await deliver(signedHeaders(url, event, { key: otherKey }))).json()).toMatchObject({ reason: "bad-signature" });
    expect(downloads).toEqual(["rotating.cer", "issuing.cer", "rotating.cer"]);
    await app.close();
  });

  const rejections: [string, () => Record<string, string>, Buffer | undefined, string][] = [
    ["no signature", () => { const { authorization: _a, ...rest } = signedHeaders(); return rest; }, undefined, "missing-signature"],
    ["a Bearer token instead of a signature", () => signedHeaders({ authorization: "Bearer abc" }), undefined, "missing-signature"],
    ["a signature made with another key", () => signedHeaders({}, event, { key: otherKey }), undefined, "bad-signature"],
    ["a body altered by one byte", () => signedHeaders(), Buffer.from(event.toString().replace("referral-updated", "referral-updatee")), "bad-signature"],
    ["a certificate URL on a foreign host", () => signedHeaders({ "x-ms-certificate-url": "https://certs.attacker.example/cert/dispatch.cer" }), undefined, "untrusted-certificate-url"],
    ["a certificate not issued by Microsoft", () => signedHeaders({ "x-ms-certificate-url": at("impostor.cer") }, event, impostor), undefined, "untrusted-issuer"],
    ["a self-signed certificate claiming O=Microsoft Corporation", () => signedBy(selfSigned({ commonName: DISPATCH }), "self-signed.cer"), undefined, "untrusted-certificate-chain"],
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
    expect(logged).toContain(`"detail":${JSON.stringify(response.json().detail)}`);
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

  it("rejects a certificate outside its validity period and a subject that is not pinned", async () => {
    const later = await relay({ now: () => Date.now() + 2 * 365 * DAY });
    expect((await later.deliver(signedHeaders())).json()).toMatchObject({ reason: "certificate-not-valid-now" });
    await later.app.close();

    const pinned = await relay({ subjectCommonName: "other.microsoft.com" });
    expect((await pinned.deliver(signedHeaders())).json()).toMatchObject({ reason: "subject-mismatch" });
    await pinned.app.close();
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

  describe("the chain to a trusted root (§4.4 step 3)", () => {
    const untrusted = (detail: RegExp) => ({ status: 401, reason: "untrusted-certificate-chain", detail: expect.stringMatching(detail) });

    it("needs no download when a trusted root issued the certificate itself", async () => {
      const { app, deliver } = await relay();
      expect((await deliver(signedBy(issue(root, { commonName: DISPATCH }), "direct.cer"))).statusCode).toBe(200);
      expect(downloads).toEqual(["direct.cer"]);
      await app.close();
    });

    it("by default trusts only Microsoft's roots in Node's CA bundle, not a test root", async () => {
      const { app, deliver } = await relay({ trustedRoots: undefined });
      expect((await deliver(signedHeaders())).json()).toMatchObject(untrusted(/self-signed "Microsoft Test Root", which is not a trusted root/));
      expect(downloads).toEqual(["dispatch.cer", "issuing.cer", "root.cer"]);
      await app.close();
    });

    it("rejects a certificate from a CA named like Microsoft's root but not trusted, with or without an issuer to download", async () => {
      const lookalike = selfSigned({ commonName: "Microsoft Test Root", ca: true });
      served.set("lookalike-root.cer", lookalike.der);
      const { app, deliver } = await relay();
      const pointing = issue(lookalike, { commonName: DISPATCH, caIssuers: at("lookalike-root.cer") });
      expect((await deliver(signedBy(pointing, "lookalike.cer"))).json()).toMatchObject(untrusted(/self-signed "Microsoft Test Root", which is not a trusted root/));
      const silent = issue(lookalike, { commonName: DISPATCH });
      expect((await deliver(signedBy(silent, "silent.cer"))).json()).toMatchObject(untrusted(/names no issuing certificate to download/));
      await app.close();
    });

    it("rejects an issuing CA outside its validity period, by the injected clock", async () => {
      const shortLived = issue(root, { commonName: "Microsoft Test Issuing CA 2", ca: true, notAfter: new Date(Date.now() + 30 * DAY) });
      served.set("short-lived.cer", shortLived.der);
      const leaf = issue(shortLived, { commonName: DISPATCH, caIssuers: at("short-lived.cer") });
      let now = Date.now();
      const { app, deliver } = await relay({ now: () => now });
      expect((await deliver(signedBy(leaf, "short-lived-leaf.cer"))).statusCode).toBe(200);
      now += 60 * DAY;
      expect((await deliver(signedBy(leaf, "short-lived-leaf.cer"))).json()).toMatchObject(untrusted(/"Microsoft Test Issuing CA 2" expired on/));
      await app.close();
    });

    it("rejects an already expired issuing CA and one that is not a CA", async () => {
      const expired = issue(root, { commonName: "Expired Issuing CA", ca: true, notBefore: new Date(Date.now() - 400 * DAY), notAfter: new Date(Date.now() - DAY) });
      const notCa = issue(root, { commonName: "Not A CA", keyUsage: false });
      served.set("expired-ca.cer", expired.der).set("not-ca.cer", notCa.der);
      const { app, deliver } = await relay();
      const underExpired = issue(expired, { commonName: DISPATCH, caIssuers: at("expired-ca.cer") });
      expect((await deliver(signedBy(underExpired, "under-expired.cer"))).json()).toMatchObject(untrusted(/"Expired Issuing CA" expired on/));
      const underNotCa = issue(notCa, { commonName: DISPATCH, caIssuers: at("not-ca.cer") });
      expect((await deliver(signedBy(underNotCa, "under-not-ca.cer"))).json()).toMatchObject(untrusted(/"Not A CA", which issued .* is not a CA certificate/));
      await app.close();
    });

    it("rejects an issuer certificate that did not issue the child", async () => {
      const { app, deliver } = await relay();
      const misdirected = issue(issuing, { commonName: DISPATCH, caIssuers: at("root.cer") });
      expect((await deliver(signedBy(misdirected, "misdirected.cer"))).json()).toMatchObject(untrusted(/\/cert\/root\.cer did not issue "pcnotifications-dispatch\.microsoft\.com"/));
      await app.close();
    });

    it("downloads an issuer again when the cached one did not issue the certificate, at most once a minute", async () => {
      const renewed = (commonName: string) => issue(root, { commonName, ca: true });
      const first = renewed("Microsoft Test Issuing CA 3");
      served.set("renewed-ca.cer", first.der);
      let now = Date.now();
      const { app, deliver } = await relay({ now: () => now });
      expect((await deliver(signedBy(issue(first, { commonName: DISPATCH, caIssuers: at("renewed-ca.cer") }), "renewed-1.cer"))).statusCode).toBe(200);
      // The CA is re-keyed and published behind the same URL; leaves now come from the new key.
      const second = renewed("Microsoft Test Issuing CA 3");
      served.set("renewed-ca.cer", second.der);
      const leaf = issue(second, { commonName: DISPATCH, caIssuers: at("renewed-ca.cer") });
      expect((await deliver(signedBy(leaf, "renewed-2.cer"))).json()).toMatchObject(untrusted(/renewed-ca\.cer did not issue/));
      now += 2 * 60_000;
      expect((await deliver(signedBy(leaf, "renewed-2.cer"))).statusCode).toBe(200);
      expect(downloads).toEqual(["renewed-1.cer", "renewed-ca.cer", "renewed-2.cer", "renewed-ca.cer"]);
      await app.close();
    });

    it("does not download an issuer from a host that is not allowed", async () => {
      const fetched: string[] = [];
      const recording: typeof fetch = (input, init) => {
        fetched.push(String(input));
        return fetch(input, init);
      };
      const { app, deliver } = await relay({ fetch: recording });
      const leaf = issue(issuing, { commonName: DISPATCH, caIssuers: "http://pki.attacker.example/issuing.cer" });
      expect((await deliver(signedBy(leaf, "foreign-aia.cer"))).json()).toMatchObject(untrusted(/pki\.attacker\.example is not downloaded: the host is not an allowed issuer certificate host/));
      expect(fetched).toEqual([at("foreign-aia.cer")]);
      await app.close();
    });

    it("downloads issuers from Microsoft's PKI host by default, and from loopback only with the loopback allowance", async () => {
      const microsoftUrl = "https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer";
      const viaMicrosoft = issue(issuing, { commonName: DISPATCH, caIssuers: "http://www.microsoft.com/pkiops/certs/Microsoft%20Test%20Issuing%20CA.crt" });
      const viaLoopback = issue(issuing, { commonName: DISPATCH, caIssuers: at("issuing.cer") });
      const fetched: string[] = [];
      let leaf = viaMicrosoft;
      const stub = (async (input: string | URL | Request) => {
        const url = String(input);
        fetched.push(url);
        const body = url === microsoftUrl ? leaf.der : url.startsWith("http://www.microsoft.com/pkiops/certs/") ? issuing.der : undefined;
        return body ? new Response(new Uint8Array(body), { status: 200 }) : new Response(null, { status: 404 });
      }) as typeof fetch;
      const headers = () => signedHeaders({ "x-ms-certificate-url": microsoftUrl }, event, leaf);

      const production = await relay({ trustedHosts: undefined, allowHttpForLoopback: false, fetch: stub });
      expect((await production.deliver(headers())).statusCode).toBe(200);
      expect(fetched).toEqual([microsoftUrl, "http://www.microsoft.com/pkiops/certs/Microsoft%20Test%20Issuing%20CA.crt"]);
      await production.app.close();

      leaf = viaLoopback;
      fetched.length = 0;
      const noLoopback = await relay({ trustedHosts: undefined, allowHttpForLoopback: false, fetch: stub });
      expect((await noLoopback.deliver(headers())).json()).toMatchObject(untrusted(/127\.0\.0\.1:\d+ is not downloaded/));
      expect(fetched).toEqual([microsoftUrl]);
      await noLoopback.app.close();
    });

    it("stops at the depth limit", async () => {
      let parent = root;
      const chain: TestCertificate[] = [];
      for (let level = 1; level <= 5; level++) {
        const child = issue(parent, { commonName: `Microsoft Test CA ${level}`, ca: true, ...(level > 1 ? { caIssuers: at(`ca-${level - 1}.cer`) } : {}) });
        served.set(`ca-${level}.cer`, child.der);
        chain.push(child);
        parent = child;
      }
      const leaf = issue(parent, { commonName: DISPATCH, caIssuers: at("ca-5.cer") });

      const limited = await relay();
      expect((await limited.deliver(signedBy(leaf, "deep.cer"))).json()).toMatchObject(untrusted(/does not reach a trusted root within 4 issuing certificates/));
      expect(downloads).toEqual(["deep.cer", "ca-5.cer", "ca-4.cer", "ca-3.cer", "ca-2.cer"]);
      await limited.app.close();

      const deeper = await relay({ maxIntermediates: 5 });
      expect((await deeper.deliver(signedBy(leaf, "deep.cer"))).statusCode).toBe(200);
      await deeper.app.close();
    });
  });
});
