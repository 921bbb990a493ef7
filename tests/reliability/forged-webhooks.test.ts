/**
 * Whatever arrives at the relay's doors that is not an authentic platform notification is refused
 * or ignored, and nothing forged ever becomes a job: the Partner Center signature matrix
 * (partner-center-api.md §4.4), the Dataverse shared secret, the form API's bearer token, wrong
 * content types, huge and unreadable bodies, unknown events and replays.
 */
import { createTestIdentity } from "../../emulators/identity/src";
import { createSigningAuthority } from "../../emulators/partner-center/src";
import { API_APP_ID, SELLER, startEnvironment, until, WEBHOOK_HEADER, type Environment } from "./support/environment";
import { microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity } from "./support/deals";

const PC_HOOK = "/hooks/partner-center";
const DV_HOOK = "/hooks/dataverse";

describe("forged and malformed webhooks against the relay's HTTP server", () => {
  let env: Environment;
  let referralId: string;
  let opportunityId: string;
  const figures = { requests: 0, refused: 0, jobsFromForged: 0 };

  const jobCount = async () => {
    const { rows } = await env.relay!.db.query<{ n: number }>("select count(*)::int as n from pgboss.job where name in ('push-opportunity', 'pull-referral')");
    return rows[0].n;
  };
  const event = (name: string, id: string) =>
    Buffer.from(
      JSON.stringify({ EventName: name, ResourceUri: `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${id}`, ResourceName: "referral", AuditUri: null, ResourceChangeUtcDate: new Date().toISOString() }),
    );
  const signedHeaders = (body: Buffer, overrides: Record<string, string | undefined> = {}) => {
    const signature = env.partnerCenter.signing.sign(body);
    env.gateway.signatures.add(signature);
    const headers: Record<string, string | undefined> = {
      "content-type": "application/json",
      "x-ms-certificate-url": env.partnerCenter.certificateUrl,
      "x-ms-signature-algorithm": "rsa-sha256",
      authorization: `Signature ${signature}`,
      ...overrides,
    };
    return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined));
  };
  const post = async (path: string, body: Buffer | string, headers: Record<string, string>) => {
    figures.requests++;
    const response = await fetch(`${env.relayUrl}${path}`, { method: "POST", headers, body });
    if (response.status >= 400) figures.refused++;
    return { status: response.status, text: await response.text() };
  };

  beforeAll(async () => {
    env = await startEnvironment({ database: "postgres" });
    const setup = await prepareSeller(env);
    opportunityId = await shareCoSellOpportunity(env, setup, 1);
    referralId = microsoftSendsReferral(env, 1);
    await until(async () => referralsOfOpportunity(env, opportunityId).length === 1, "the shared referral");
    await env.settled();
  });
  afterAll(async () => {
    console.log(`forged webhooks: ${figures.requests} requests sent, ${figures.refused} refused, ${figures.jobsFromForged} jobs from forged ones, ${env?.leakedSecrets().length ?? 0} log lines with secrets`);
    expect(env.leakedSecrets()).toEqual([]);
    await env?.stop();
  });

  describe("Partner Center: the signature matrix", () => {
    const forged: [string, () => { body: Buffer | string; headers: Record<string, string> }, string][] = [
      ["no signature at all", () => ({ body: event("referral-updated", "x1"), headers: { "content-type": "application/json" } }), "missing-signature"],
      ["a bearer token instead of a signature", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { authorization: "Bearer eyJhbGciOiJub25lIn0.e30." }) }), "missing-signature"],
      ["a signature that is not base64", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { authorization: "Signature not*base64!" }) }), "malformed-signature"],
      ["no algorithm header", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { "x-ms-signature-algorithm": undefined }) }), "missing-algorithm"],
      ["rsa-sha1", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { "x-ms-signature-algorithm": "rsa-sha1" }) }), "unsupported-algorithm"],
      ["no certificate URL", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { "x-ms-certificate-url": undefined }) }), "missing-certificate-url"],
      ["a certificate on an untrusted host", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { "x-ms-certificate-url": "https://attacker.example/cert/pcnotifications-dispatch.microsoft.com.cer" }) }), "untrusted-certificate-url"],
      ["a certificate URL that is not a URL", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { "x-ms-certificate-url": "not a url" }) }), "untrusted-certificate-url"],
      ["a certificate the trusted host does not have", () => ({ body: event("referral-updated", "x1"), headers: signedHeaders(event("referral-updated", "x1"), { "x-ms-certificate-url": `${env.partnerCenter.url}/cert/missing.cer` }) }), "certificate-unavailable"],
      [
        "the body changed after signing",
        () => {
          const headers = signedHeaders(event("referral-updated", referralId));
          return { body: event("referral-updated", "another-referral"), headers };
        },
        "bad-signature",
      ],
      [
        "signed by an attacker's own key",
        () => {
          const attacker = createSigningAuthority().issue(env.partnerCenter.url);
          const body = event("referral-updated", referralId);
          return { body, headers: signedHeaders(body, { authorization: `Signature ${attacker.sign(body)}` }) };
        },
        "bad-signature",
      ],
      [
        "a valid signature over a text/plain body",
        () => {
          const body = event("referral-updated", "x1");
          const other = Buffer.from("hello");
          return { body, headers: { ...signedHeaders(other), "content-type": "text/plain" } };
        },
        "bad-signature",
      ],
    ];

    it.each(forged)("refuses %s with 401 and queues nothing", async (_name, make, reason) => {
      const before = await jobCount();
      const { body, headers } = make();
      const answer = await post(PC_HOOK, body, headers);
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({ status: 401, reason });
      const queued = (await jobCount()) - before;
      figures.jobsFromForged += queued;
      expect(queued).toBe(0);
    });

    it("refuses a huge body before reading it, and queues nothing", async () => {
      const before = await jobCount();
      const huge = Buffer.alloc(3 * 1024 * 1024, "a");
      const answer = await post(PC_HOOK, huge, signedHeaders(huge));
      expect(answer.status).toBe(413);
      expect((await jobCount()) - before).toBe(0);
    });

    it("answers 400 to an authentic delivery whose body is not JSON or not an event, and queues nothing", async () => {
      const before = await jobCount();
      for (const body of [Buffer.from("{not json"), Buffer.from(JSON.stringify({ hello: "world" })), Buffer.from("[]")]) {
        const answer = await post(PC_HOOK, body, signedHeaders(body));
        expect(answer.status).toBe(400);
        expect(JSON.parse(answer.text).detail).toEqual(expect.any(String));
      }
      expect((await jobCount()) - before).toBe(0);
    });

    it("accepts and ignores authentic events it does not act on", async () => {
      const before = await jobCount();
      const invoice = Buffer.from(JSON.stringify({ EventName: "invoice-ready", ResourceUri: "https://api.partnercenter.microsoft.com/v1/invoices/G000001", ResourceName: "invoice", AuditUri: null, ResourceChangeUtcDate: new Date().toISOString() }));
      expect((await post(PC_HOOK, invoice, signedHeaders(invoice))).status).toBe(200);
      const noId = Buffer.from(JSON.stringify({ EventName: "referral-updated", ResourceUri: "https://api.partnercenter.microsoft.com/engagements/v1/referrals/", ResourceName: "referral", AuditUri: null, ResourceChangeUtcDate: new Date().toISOString() }));
      expect((await post(PC_HOOK, noId, signedHeaders(noId))).status).toBe(200);
      expect((await jobCount()) - before).toBe(0);
    });

    it("replays of a genuine delivery change nothing on either side", async () => {
      const genuine = env.partnerCenter.deliveries.list().find((d) => d.state === "delivered" && d.body.includes(referralId));
      expect(genuine).toBeDefined();
      const body = Buffer.from(genuine!.body);
      const lead = await until(async () => (await env.admin.list("leads", `?$select=leadid,modifiedon&$filter=cosell_referralid eq '${referralId}'`))[0], "the lead");
      const referralBefore = env.partnerCenter.referrals.get(referralId);
      for (let i = 0; i < 5; i++) expect((await post(PC_HOOK, body, signedHeaders(body))).status).toBe(200);
      await env.settled();
      const leads = await env.admin.list("leads", `?$select=leadid,modifiedon&$filter=cosell_referralid eq '${referralId}'`);
      expect(leads).toEqual([lead]);
      expect(env.partnerCenter.referrals.get(referralId)?.eTag).toBe(referralBefore?.eTag);
    });
  });

  describe("Dataverse: the shared secret and the notification body", () => {
    const notification = (id: string, entity = "opportunity") =>
      JSON.stringify({ MessageName: "Update", PrimaryEntityName: entity, PrimaryEntityId: id, InputParameters: [], PreEntityImages: [], PostEntityImages: [] });

    it.each([
      ["no secret", {}],
      ["a wrong secret", { [WEBHOOK_HEADER]: "a-wrong-secret-of-enough-length" }],
      ["the secret in another header", { "x-other-secret": "placeholder" }],
      ["an empty secret", { [WEBHOOK_HEADER]: "" }],
    ])("refuses a notification with %s, and queues nothing", async (_name, headers) => {
      const fixed = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v === "placeholder" ? String(env.env.COSELL_DATAVERSE_WEBHOOK_SECRET) : v]));
      const before = await jobCount();
      const answer = await post(DV_HOOK, notification(opportunityId), { "content-type": "application/json", ...fixed });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text).detail).toContain(WEBHOOK_HEADER);
      expect((await jobCount()) - before).toBe(0);
    });

    it("with the secret: refuses bad JSON, a wrong content type, a missing field and a huge body, queueing nothing", async () => {
      const secret = { [WEBHOOK_HEADER]: String(env.env.COSELL_DATAVERSE_WEBHOOK_SECRET) };
      const before = await jobCount();
      expect((await post(DV_HOOK, "{not json", { "content-type": "application/json", ...secret })).status).toBe(400);
      expect([400, 415]).toContain((await post(DV_HOOK, notification(opportunityId), { "content-type": "text/plain", ...secret })).status);
      expect((await post(DV_HOOK, JSON.stringify({ MessageName: "Update", PrimaryEntityName: "opportunity" }), { "content-type": "application/json", ...secret })).status).toBe(400);
      const huge = JSON.stringify({ MessageName: "Update", PrimaryEntityName: "opportunity", PrimaryEntityId: opportunityId, InputParameters: [{ key: "x", value: "a".repeat(2 * 1024 * 1024) }] });
      expect((await post(DV_HOOK, huge, { "content-type": "application/json", ...secret })).status).toBe(413);
      expect((await jobCount()) - before).toBe(0);
    });

    it("with the secret: ignores tables it does not sync", async () => {
      const secret = { [WEBHOOK_HEADER]: String(env.env.COSELL_DATAVERSE_WEBHOOK_SECRET) };
      const before = await jobCount();
      const answer = await post(DV_HOOK, notification("9f4b5a40-0000-4000-8000-000000000001", "account"), { "content-type": "application/json", ...secret });
      expect(answer.status).toBe(202);
      expect(JSON.parse(answer.text)).toMatchObject({ enqueued: 0 });
      expect((await jobCount()) - before).toBe(0);
    });

    it("a replayed genuine notification changes nothing", async () => {
      const secret = { [WEBHOOK_HEADER]: String(env.env.COSELL_DATAVERSE_WEBHOOK_SECRET) };
      const before = await env.seller.get("opportunities", opportunityId);
      const eTag = referralsOfOpportunity(env, opportunityId)[0].eTag;
      for (let i = 0; i < 5; i++) expect((await post(DV_HOOK, notification(opportunityId), { "content-type": "application/json", ...secret })).status).toBe(202);
      await env.settled();
      expect(await env.seller.get("opportunities", opportunityId)).toEqual(before);
      expect(referralsOfOpportunity(env, opportunityId)).toHaveLength(1);
      expect(referralsOfOpportunity(env, opportunityId)[0].eTag).toBe(eTag);
    });
  });

  describe("the form's API: the seller's bearer token", () => {
    const sync = async (authorization?: string) => {
      figures.requests++;
      const response = await fetch(`${env.relayUrl}/api/v1/opportunities/${opportunityId}/sync`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
        body: "{}",
      });
      if (response.status >= 400) figures.refused++;
      return response.status;
    };

    it("refuses no token, a token for another API, an expired token, an unsigned token and a token from another key", async () => {
      const user = { upn: SELLER.upn, name: SELLER.name };
      const stranger = await createTestIdentity({ tenantId: env.identity.tenantId, baseUrl: env.identity.baseUrl });
      const [header, payload] = (await env.sellerToken()).split(".");
      const tokens = [
        undefined,
        `Bearer ${await env.identity.issueToken({ audience: "https://graph.microsoft.com", user })}`,
        `Bearer ${await env.identity.issueToken({ audience: API_APP_ID, user, expiresIn: -120 })}`,
        `Bearer ${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${payload}.`,
        `Bearer ${await stranger.issueToken({ audience: API_APP_ID, user })}`,
        `Bearer ${header}.${payload}.${"A".repeat(342)}`,
        `Basic ${Buffer.from("seller:password").toString("base64")}`,
      ];
      const before = await jobCount();
      for (const token of tokens) expect(await sync(token)).toBe(401);
      expect((await jobCount()) - before).toBe(0);
    });
  });

  describe("Partner Center: the issuer and the chain (last, as they replace the emulator's signing key)", () => {
    it("refuses a delivery signed by a certificate from an issuer other than Microsoft", async () => {
      env.partnerCenter.rotateSigning({ issuer: "foreign" });
      try {
        const before = await jobCount();
        // A certificate URL the relay has not cached yet (the query string makes it a new one), so
        // it downloads the foreign certificate rather than checking against the genuine one.
        const body = event("referral-updated", referralId);
        const answer = await post(PC_HOOK, body, signedHeaders(body, { "x-ms-certificate-url": `${env.partnerCenter.certificateUrl}?rotation=1` }));
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.text)).toMatchObject({ reason: "untrusted-issuer" });
        expect((await jobCount()) - before).toBe(0);
      } finally {
        env.partnerCenter.rotateSigning();
      }
    });

    it("refuses a delivery whose certificate chains to a root named like Microsoft's that it does not trust", async () => {
      // Every name says O=Microsoft Corporation and the emulator serves the whole chain through AIA,
      // but the root is a throw-away one, not the root the relay was given (§4.4 step 3).
      env.partnerCenter.rotateSigning({ authority: createSigningAuthority() });
      try {
        const before = await jobCount();
        const body = event("referral-updated", referralId);
        const answer = await post(PC_HOOK, body, signedHeaders(body, { "x-ms-certificate-url": `${env.partnerCenter.certificateUrl}?rotation=2` }));
        expect(answer.status).toBe(401);
        expect(JSON.parse(answer.text)).toMatchObject({ reason: "untrusted-certificate-chain" });
        const queued = (await jobCount()) - before;
        figures.jobsFromForged += queued;
        expect(queued).toBe(0);
      } finally {
        env.partnerCenter.rotateSigning();
      }
    });

  });

  describe("what the operator sees", () => {
    it("counts what it refused on /metrics", async () => {
      const metrics = await (await fetch(`${env.relayUrl}/metrics`)).text();
      expect(metrics).toMatch(/cosell_events_rejected_total\{source="partner-center",reason="unauthenticated"\} [1-9]/);
      expect(metrics).toMatch(/cosell_events_rejected_total\{source="dataverse",reason="(missing|wrong)-secret"\} [1-9]/);
    });
  });
});
