import { readFileSync } from "node:fs";
import path from "node:path";
import { SELLER_OID, startTestServer, TENANT, WEBHOOK_SECRET, type TestServer } from "./server.test-support";

const REFERRAL_ID = "4111fffc-f9ee-4d53-bba6-569135228642";
const OPPORTUNITY_ID = "b6d2a3c4-1e2f-4a5b-9c8d-7e6f5a4b3c2d";
const sample = (name: string) => readFileSync(path.resolve(__dirname, "../../../../shared/reference", name), "utf8");

const event = (name: string, resourceUri = `https://api.partnercenter.microsoft.com/engagements/v1/referrals/${REFERRAL_ID}`) =>
  Buffer.from(JSON.stringify({ EventName: name, ResourceUri: resourceUri, ResourceName: "referral", AuditUri: null, ResourceChangeUtcDate: "2024-02-17T00:05:39Z" }));

/** A RemoteExecutionContext for an opportunity, shaped like the reference sample. */
function opportunityContext(message: string, attributes: Record<string, unknown>) {
  const sampleContext = JSON.parse(sample("dataverse/webhook-remoteexecutioncontext-contact-update.json"));
  return {
    ...sampleContext,
    MessageName: message,
    PrimaryEntityName: "opportunity",
    PrimaryEntityId: OPPORTUNITY_ID,
    InputParameters: [
      {
        key: "Target",
        value: { ...sampleContext.InputParameters[0].value, LogicalName: "opportunity", Id: OPPORTUNITY_ID, Attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })) },
      },
    ],
    PostEntityImages: [],
  };
}

describe("relay HTTP server", () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer();
  });
  afterEach(() => server.close());

  const post = (route: string, body: Buffer | string | object, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: Buffer.isBuffer(body) || typeof body === "string" ? body : JSON.stringify(body),
    });

  describe("POST /hooks/partner-center", () => {
    it("enqueues one pull-referral job for a signed referral event and answers at once", async () => {
      const body = event("referral-updated");
      const response = await post("/hooks/partner-center", body, server.signer.headers(body));
      expect(response.status).toBe(200);
      expect(server.inbox.pulls).toEqual([{ referralId: REFERRAL_ID, reason: "referral-updated" }]);
    });

    it.each([
      ["forged with another key", (body: Buffer) => server.signer.headers(body, server.signer.otherKey)],
      ["unsigned", () => ({ "content-type": "application/json" })],
      ["signed for a different body", () => server.signer.headers(event("referral-created"))],
    ])("refuses a delivery %s with 401 problem+json, enqueues nothing and logs no secret", async (_name, headers) => {
      const body = event("referral-updated");
      const sent: Record<string, string> = headers(body);
      const response = await post("/hooks/partner-center", body, sent);
      expect(response.status).toBe(401);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ type: "about:blank", title: "Unauthorized", status: 401, detail: expect.any(String) });
      expect(server.inbox.pulls).toEqual([]);
      const logged = server.logs.join("");
      expect(logged).toContain("Partner Center webhook rejected");
      const signature = sent.authorization?.replace("Signature ", "");
      if (signature) expect(logged).not.toContain(signature);
      expect(await server.metrics.exposition()).toMatch(/cosell_events_rejected_total\{source="partner-center",reason="unauthenticated"\} 1/);
    });

    it("answers the test event 200 and counts it, without a job", async () => {
      const body = Buffer.from(sample("partner-center/webhook-event-test-created.json"));
      const response = await post("/hooks/partner-center", body, server.signer.headers(body));
      expect(response.status).toBe(200);
      expect(server.inbox.pulls).toEqual([]);
      expect(await server.metrics.exposition()).toMatch(/cosell_events_received_total\{source="partner-center",type="test-created"\} 1/);
    });

    it("ignores events it does not act on, and counts them", async () => {
      const body = event("invoice-ready", "https://api.partnercenter.microsoft.com/invoices/v1/invoices/G000024135");
      const response = await post("/hooks/partner-center", body, server.signer.headers(body));
      expect(response.status).toBe(200);
      expect(server.inbox.pulls).toEqual([]);
      expect(await server.metrics.exposition()).toMatch(/cosell_events_received_total\{source="partner-center",type="other"\} 1/);
    });

    it("accepts a referral event whose URI names no referral without enqueueing (the reconcile sweep covers it)", async () => {
      const body = Buffer.from(sample("partner-center/webhook-event-referral-created.json"));
      const response = await post("/hooks/partner-center", body, server.signer.headers(body));
      expect(response.status).toBe(200);
      expect(server.inbox.pulls).toEqual([]);
    });
  });

  describe("POST /hooks/dataverse", () => {
    const secret = { "x-cosell-webhook-secret": WEBHOOK_SECRET };

    it("refuses a missing or wrong shared secret with 401 and enqueues nothing", async () => {
      const body = opportunityContext("Update", { cosell_syncwithpartnercenter: true });
      for (const headers of [{}, { "x-cosell-webhook-secret": "not-the-secret" }] as Record<string, string>[]) {
        const response = await post("/hooks/dataverse", body, headers);
        expect(response.status).toBe(401);
        expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
        expect(((await response.json()) as { detail: string }).detail).toContain("x-cosell-webhook-secret");
      }
      expect(server.inbox.pushes).toEqual([]);
      expect(server.logs.join("")).not.toContain("not-the-secret");
    });

    it("enqueues push-opportunity for an update of an opportunity shared with Partner Center", async () => {
      const response = await post("/hooks/dataverse", opportunityContext("Update", { cosell_syncwithpartnercenter: true, estimatedvalue: { __type: "Money:http://schemas.microsoft.com/xrm/2011/Contracts", Value: 5000 } }), secret);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ received: true, enqueued: 1 });
      expect(server.inbox.pushes).toEqual([{ opportunityId: OPPORTUNITY_ID, reason: "dataverse opportunity Update", actingUserObjectId: undefined }]);
    });

    it("does not enqueue for a new opportunity that is not shared, nor for the relay's own bookkeeping writes", async () => {
      await post("/hooks/dataverse", opportunityContext("Create", { name: "Local deal", estimatedvalue: 10 }), secret);
      await post("/hooks/dataverse", opportunityContext("Update", { cosell_audit: "…", cosell_syncstatus: { Value: 645210002 }, modifiedon: "/Date(1506384247000)/" }), secret);
      expect(server.inbox.pushes).toEqual([]);
    });

    it("turns a change of a lead that came from Partner Center into a pull of its referral", async () => {
      const leadId = "c0ffee00-1111-4222-8333-444455556666";
      server.leadLinks.set(leadId, REFERRAL_ID);
      const body = { ...opportunityContext("Update", { statecode: { __type: "OptionSetValue:x", Value: 1 } }), PrimaryEntityName: "lead", PrimaryEntityId: leadId };
      expect((await post("/hooks/dataverse", body, secret)).status).toBe(202);
      expect(server.inbox.pulls).toEqual([{ referralId: REFERRAL_ID, reason: "dataverse lead Update" }]);
    });

    it("answers the reference sample (a contact update) without enqueueing", async () => {
      const response = await post("/hooks/dataverse", sample("dataverse/webhook-remoteexecutioncontext-contact-update.json"), secret);
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ received: true, enqueued: 0 });
    });

    it("answers 400 problem+json to a body that is not a notification, and 413 to an oversized one", async () => {
      const bad = await post("/hooks/dataverse", { hello: "world" }, secret);
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ status: 400, title: "Bad Request", detail: expect.stringContaining("MessageName") });
      const huge = await post("/hooks/dataverse", { MessageName: "Update", PrimaryEntityName: "opportunity", PrimaryEntityId: OPPORTUNITY_ID, pad: "x".repeat(600 * 1024) }, secret);
      expect(huge.status).toBe(413);
      expect(huge.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    });
  });

  describe("GET /api/v1/client-config", () => {
    it("tells the form how to sign in with MSAL", async () => {
      const response = await fetch(`${server.url}/api/v1/client-config`);
      expect(await response.json()).toEqual({
        auth: { kind: "msal", clientId: "6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d", authority: `https://login.microsoftonline.com/${TENANT}`, scopes: ["api://6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d/user_impersonation"] },
      });
    });

    it("points the form at the sandbox token endpoint when one is configured", async () => {
      const sandbox = await startTestServer({ sandboxTokenUrl: "http://127.0.0.1:4000/identity/token" });
      try {
        expect(await (await fetch(`${sandbox.url}/api/v1/client-config`)).json()).toEqual({ auth: { kind: "sandbox", tokenUrl: "http://127.0.0.1:4000/identity/token" } });
      } finally {
        await sandbox.close();
      }
    });
  });

  describe("seller API", () => {
    const call = async (route: string, token: string | undefined, body: object = {}) =>
      post(route, body, token === undefined ? {} : { authorization: `Bearer ${token}` });

    it("syncs an opportunity as the signed-in seller", async () => {
      const response = await call(`/api/v1/opportunities/{${OPPORTUNITY_ID.toUpperCase()}}/sync`, await server.entra.token());
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ outcome: "synced", message: "Shared with Microsoft.", referralId: REFERRAL_ID });
      expect(server.actions.calls).toEqual([{ action: "sync", id: OPPORTUNITY_ID, user: { objectId: SELLER_OID, tenantId: TENANT, name: "ana@contoso.example" } }]);
    });

    it("answers 202 when the sync outlives the inline budget", async () => {
      server.actions.syncAnswer = { outcome: "queued", message: "Still working; the result will appear on the record." };
      const response = await call(`/api/v1/opportunities/${OPPORTUNITY_ID}/sync`, await server.entra.token());
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ outcome: "queued", message: "Still working; the result will appear on the record." });
    });

    it("accepts and declines a lead", async () => {
      const token = await server.entra.token();
      const accepted = await call(`/api/v1/leads/${OPPORTUNITY_ID}/accept`, token);
      expect(await accepted.json()).toEqual({ outcome: "accepted", opportunityId: "9d2b6a4c-0000-4000-8000-000000000001", message: "Accepted." });
      const declined = await call(`/api/v1/leads/${OPPORTUNITY_ID}/decline`, token, { reason: "  Not our market  " });
      expect(await declined.json()).toEqual({ outcome: "declined", message: "Declined." });
      expect(server.actions.calls.map((c) => [c.action, c.reason])).toEqual([["accept", undefined], ["decline", "Not our market"]]);

      const noReason = await call(`/api/v1/leads/${OPPORTUNITY_ID}/decline`, token, {});
      expect(noReason.status).toBe(400);
      expect(((await noReason.json()) as { detail: string }).detail).toContain("reason");
    });

    it.each([
      ["no token", async () => undefined, /Sign-in is required/],
      ["a token signed by someone else", async () => server.entra.token({}, { foreignKey: true }), /signature/],
      ["an expired token", async () => server.entra.token({}, { expiresIn: "-5m" }), /expired/],
      ["a token for another API", async () => server.entra.token({}, { audience: "https://graph.microsoft.com" }), /audience/],
      ["a token from another issuer", async () => server.entra.token({}, { issuer: "https://login.microsoftonline.com/common/v2.0" }), /issuer/],
      ["a token of another tenant", async () => server.entra.token({ tid: "11111111-2222-4333-8444-555555555555" }), /another tenant/],
      ["an app-only token", async () => server.entra.token({ scp: undefined, idtyp: "app", roles: ["Sync.All"] }), /not a user's token/],
    ])("refuses %s with 401 problem+json and does nothing", async (_name, token, detail) => {
      const response = await call(`/api/v1/opportunities/${OPPORTUNITY_ID}/sync`, await token());
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer error="invalid_token"');
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toMatchObject({ status: 401, title: "Unauthorized", detail: expect.stringMatching(detail) });
      expect(server.actions.calls).toEqual([]);
    });

    it("checks the token before reading the body, and refuses a record id that is not a GUID", async () => {
      const unauthenticated = await fetch(`${server.url}/api/v1/opportunities/${OPPORTUNITY_ID}/sync`, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
      expect(unauthenticated.status).toBe(401);
      const token = await server.entra.token();
      const wrongType = await fetch(`${server.url}/api/v1/opportunities/${OPPORTUNITY_ID}/sync`, { method: "POST", headers: { "content-type": "application/xml", authorization: `Bearer ${token}` }, body: "<x/>" });
      expect(wrongType.status).toBe(415);
      expect(await wrongType.json()).toMatchObject({ status: 415, detail: expect.stringContaining("application/json") });
      const notGuid = await call("/api/v1/opportunities/42/sync", token);
      expect(notGuid.status).toBe(400);
      expect(server.actions.calls).toEqual([]);
    });
  });

  describe("CORS", () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/api/v1/opportunities/${OPPORTUNITY_ID}/sync`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
      });

    it("lets the configured Dataverse origin call the API", async () => {
      const response = await preflight("https://contoso.crm.dynamics.com");
      expect(response.headers.get("access-control-allow-origin")).toBe("https://contoso.crm.dynamics.com");
      expect(response.headers.get("access-control-allow-headers")).toMatch(/Authorization/i);
    });

    it("lets the form read a refusal too, so it can tell the seller to sign in again", async () => {
      const response = await post(`/api/v1/opportunities/${OPPORTUNITY_ID}/sync`, {}, { origin: "https://contoso.crm.dynamics.com" });
      expect(response.status).toBe(401);
      expect(response.headers.get("access-control-allow-origin")).toBe("https://contoso.crm.dynamics.com");
    });

    it("gives any other origin no CORS permission", async () => {
      const response = await preflight("https://attacker.example");
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      const simple = await fetch(`${server.url}/api/v1/client-config`, { headers: { origin: "https://attacker.example" } });
      expect(simple.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  describe("health, readiness, metrics and errors", () => {
    it("answers 404 as problem+json", async () => {
      const response = await fetch(`${server.url}/nowhere?x=1`);
      expect(response.status).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      expect(await response.json()).toEqual({ type: "about:blank", title: "Not Found", status: 404, detail: "Nothing is served at GET /nowhere." });
    });

    it("reports live and ready, and 503 with the failing check when not ready", async () => {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      const notReady = await startTestServer({ readiness: async () => ({ database: { ok: false, detail: "connection refused" }, queue: { ok: true } }) });
      try {
        const response = await fetch(`${notReady.url}/readyz`);
        expect(response.status).toBe(503);
        expect(await response.json()).toMatchObject({ status: 503, detail: expect.stringContaining("database: connection refused") });
      } finally {
        await notReady.close();
      }
    });

    it("exposes Prometheus metrics including upstream calls read from the clients", async () => {
      const totals = { calls: 3, throttles: 1, retries: 1, failures: 0 };
      server.metrics.watchUpstream("dataverse", () => totals);
      server.metrics.watchDeadLetters(async () => 2);
      const body = event("referral-created");
      await post("/hooks/partner-center", body, server.signer.headers(body));

      const response = await fetch(`${server.url}/metrics`);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      expect(text).toMatch(/cosell_events_received_total\{source="partner-center",type="referral-created"\} 1/);
      expect(text).toMatch(/cosell_upstream_requests_total\{platform="dataverse"\} 3/);
      expect(text).toMatch(/cosell_upstream_throttled_total\{platform="dataverse"\} 1/);
      expect(text).toMatch(/cosell_dead_letters 2/);

      totals.calls = 5;
      expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/cosell_upstream_requests_total\{platform="dataverse"\} 5/);
    });
  });
});
