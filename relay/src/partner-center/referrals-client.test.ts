import type { Referral } from "@cosell/core";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { createPartnerCenterClient, type PartnerCenterClient, type PartnerCenterClientOptions } from "./client";
import { AuthError, ConflictError, NotFoundError, PartnerCenterError, ThrottledError, ValidationError } from "./errors";
import { odata } from "./odata";
import { REFERRALS_AUDIENCE, callbackTokenProvider } from "./tokens";

type Handler = (request: FastifyRequest, reply: FastifyReply) => unknown;

interface Seen {
  method: string;
  url: string;
  headers: FastifyRequest["headers"];
  body: unknown;
}

/** A throwaway HTTP server standing in for the Referrals API; each test scripts its answers. */
async function fakeApi(handler: Handler): Promise<{ app: FastifyInstance; url: string; seen: Seen[] }> {
  const app = Fastify();
  const seen: Seen[] = [];
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_req, body, done) => done(null, body ? JSON.parse(body as string) : undefined));
  app.all("/*", async (request, reply) => {
    seen.push({ method: request.method, url: request.url, headers: request.headers, body: request.body });
    return handler(request, reply);
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, url, seen };
}

const referral = (id: string, extra: Partial<Referral> = {}): Referral => ({ id, engagementId: `e-${id}`, eTag: `"${id}-1"`, status: "Active", ...extra });

describe("Referrals client", () => {
  let api: Awaited<ReturnType<typeof fakeApi>>;
  let handler: Handler;
  let sleeps: number[];
  const audiences: string[] = [];

  beforeEach(async () => {
    sleeps = [];
    audiences.length = 0;
    api = await fakeApi((request, reply) => handler(request, reply));
  });
  afterEach(() => api.app.close());

  function client(options: Partial<PartnerCenterClientOptions> = {}): PartnerCenterClient {
    return createPartnerCenterClient({
      referralsApiUrl: api.url,
      webhooksApiUrl: api.url,
      tokenProvider: callbackTokenProvider((audience, { forceRefresh }) => {
        audiences.push(audience);
        return forceRefresh ? "fresh-token" : "secret-token";
      }),
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      random: () => 0.5,
      ...options,
    });
  }

  it("follows @odata.nextLink verbatim across pages with one correlation id and a new request id per call", async () => {
    handler = (request) => {
      const query = request.query as Record<string, string>;
      if (!query.$skiptoken) {
        return { "@odata.count": 3, value: [referral("a"), referral("b")], "@odata.nextLink": `${api.url}/v1.0/referrals?$skiptoken=k181p%2fEd%2bP` };
      }
      return { "@odata.count": 3, value: [referral("c")] };
    };
    const all = await client().referrals.list({ orderBy: { field: "updatedDateTime", direction: "desc" } });

    expect(all.map((r) => r.id)).toEqual(["a", "b", "c"]);
    expect(api.seen[0].url).toBe("/v1.0/engagements/referrals?$orderby=updatedDateTime%20desc");
    // The documented nextLink drops "/engagements"; it is followed as written, escapes untouched.
    expect(api.seen[1].url).toBe("/v1.0/referrals?$skiptoken=k181p%2fEd%2bP");
    expect(api.seen.map((s) => s.headers.authorization)).toEqual(["Bearer secret-token", "Bearer secret-token"]);
    expect(audiences).toEqual([REFERRALS_AUDIENCE, REFERRALS_AUDIENCE]);
    const [first, second] = api.seen.map((s) => s.headers);
    expect(first["ms-correlationid"]).toBe(second["ms-correlationid"]);
    expect(first["client-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(first["client-request-id"]).not.toBe(second["client-request-id"]);
  });

  it("refuses to send the token to a nextLink on another host", async () => {
    handler = () => ({ value: [referral("a")], "@odata.nextLink": "https://evil.example/v1.0/referrals?$skiptoken=x" });
    await expect(client().referrals.list()).rejects.toThrow(/another host \(https:\/\/evil\.example\)/);
    expect(api.seen).toHaveLength(1);
  });

  it("sends filter values as escaped literals, so a value cannot change the query", async () => {
    handler = () => ({ value: [] });
    const hostile = "x' or status eq 'Closed";
    await client().referrals.list({
      filter: odata.and(odata.eq("customerProfile/address/country", "US"), odata.any("team", "email", hostile), odata.ge("updatedDateTime", new Date("2024-05-01T00:00:00Z"))),
      top: 50,
    });
    const query = new URL(api.seen[0].url, api.url).searchParams;
    expect(query.get("$filter")).toBe(
      "(customerProfile/address/country eq 'US') and (team/any(t:t/email eq 'x'' or status eq ''Closed')) and (updatedDateTime ge 2024-05-01T00:00:00.000Z)",
    );
    expect(query.get("$top")).toBe("50");
  });

  it("patches with If-Match and Prefer, and reports a stale eTag as ConflictError", async () => {
    handler = (request, reply) => {
      if (request.headers["if-match"] === '"a-1"') return reply.code(200).send(referral("a", { eTag: '"a-2"', status: "Closed", substatus: "Won" }));
      return reply.code(412).send({ error: { code: "preconditionFailed", message: "The eTag does not match.", target: "referral" } });
    };
    const ops = [
      { op: "replace" as const, path: "/status", value: "Closed" },
      { op: "replace" as const, path: "/substatus", value: "Won" },
    ];
    const updated = await client().referrals.patch("a", ops, { ifMatch: '"a-1"' });
    expect(updated).toMatchObject({ substatus: "Won", eTag: '"a-2"' });
    expect(api.seen[0]).toMatchObject({ method: "PATCH", url: "/v1.0/engagements/referrals/a", body: ops });
    expect(api.seen[0].headers).toMatchObject({ prefer: "return=representation", "content-type": "application/json" });

    const stale = client().referrals.patch("a", ops, { ifMatch: '"a-0"' });
    await expect(stale).rejects.toBeInstanceOf(ConflictError);
    await expect(stale).rejects.toMatchObject({ status: 412, code: "preconditionFailed" });
  });

  it("accepts 204 when no representation is asked for, and refuses operations the API does not support", async () => {
    handler = (_request, reply) => reply.code(204).send();
    await expect(client().referrals.patch("a", [{ op: "replace", path: "/details/notes", value: "n" }], { returnRepresentation: false })).resolves.toBeUndefined();
    expect(api.seen[0].headers.prefer).toBeUndefined();
    await expect(client().referrals.patch("a", [{ op: "remove", path: "/details/notes" } as never])).rejects.toThrow(/only "add" and "replace"/);
    expect(api.seen).toHaveLength(1);
  });

  it("surfaces a 400 as ValidationError with the server's message and target", async () => {
    handler = (_request, reply) =>
      reply.code(400).send({ error: { code: "invalidRequest", message: "Solution ID is required", target: "details.requirements.solutions" } });
    const created = client().referrals.create({ name: "Deal" });
    await expect(created).rejects.toBeInstanceOf(ValidationError);
    await expect(created).rejects.toMatchObject({ message: "Solution ID is required", target: "details.requirements.solutions", code: "invalidRequest", status: 400 });
  });

  it("waits what Retry-After asks on 429, then succeeds, and counts the throttle", async () => {
    let calls = 0;
    handler = (_request, reply) =>
      ++calls === 1
        ? reply.code(429).header("retry-after", "2").send({ statusCode: 429, message: "Rate limit is exceeded. Try again in 2 seconds." })
        : referral("a");
    const throttles: unknown[] = [];
    const pc = client({ observer: { onThrottle: (event) => throttles.push(event) } });
    await expect(pc.referrals.get("a")).resolves.toMatchObject({ id: "a" });
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(2000);
    expect(throttles).toEqual([expect.objectContaining({ status: 429, retryAfterMs: 2000, operation: "getReferral" })]);
    expect(pc.stats()).toMatchObject({ calls: 2, throttles: 1, retries: 1, failures: 0 });
  });

  it("gives up with ThrottledError when the budget is spent, without waiting longer than allowed", async () => {
    handler = (_request, reply) => reply.code(429).header("retry-after", "1").send({ statusCode: 429, message: "Rate limit is exceeded." });
    const limited = client({ retry: { maxAttempts: 3 } }).referrals.get("a");
    await expect(limited).rejects.toBeInstanceOf(ThrottledError);
    await expect(limited).rejects.toMatchObject({ attempts: 3, retryAfterMs: 1000 });
    expect(sleeps).toHaveLength(2);

    sleeps.length = 0;
    handler = (_request, reply) => reply.code(503).header("retry-after", "600").send();
    await expect(client({ retry: { maxTotalWaitMs: 60_000 } }).referrals.get("a")).rejects.toThrow(/retry after 600 s/);
    expect(sleeps).toEqual([]);
  });

  it("retries 5xx and network failures only for calls that are safe to repeat", async () => {
    let calls = 0;
    handler = (_request, reply) => (++calls === 1 ? reply.code(502).send() : referral("a"));
    await expect(client().referrals.get("a")).resolves.toMatchObject({ id: "a" });
    expect(calls).toBe(2);

    calls = 0;
    handler = (_request, reply) => (++calls === 1 ? reply.code(500).send({ error: { code: "generalException", message: "boom" } }) : referral("b"));
    await expect(client().referrals.create({ name: "x" })).rejects.toMatchObject({ status: 500, message: expect.stringContaining("boom") });
    expect(calls).toBe(1);

    let attempts = 0;
    const failingFetch: typeof fetch = async () => {
      attempts++;
      throw new TypeError("fetch failed");
    };
    await expect(client({ fetch: failingFetch }).referrals.create({ name: "x" })).rejects.toThrow(/Could not reach Partner Center/);
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(client({ fetch: failingFetch, retry: { maxAttempts: 3 } }).referrals.get("a")).rejects.toBeInstanceOf(PartnerCenterError);
    expect(attempts).toBe(3);
  });

  it("gets a fresh token once after a 401, then reports AuthError; 403 and 404 are typed", async () => {
    handler = (request, reply) =>
      request.headers.authorization === "Bearer fresh-token" ? referral("a") : reply.code(401).send({ error: { code: "unauthenticated", message: "Token expired" } });
    await expect(client().referrals.get("a")).resolves.toMatchObject({ id: "a" });

    handler = (_request, reply) => reply.code(401).send({ error: { code: "unauthenticated", message: "Bad audience" } });
    await expect(client().referrals.get("a")).rejects.toBeInstanceOf(AuthError);

    handler = (_request, reply) => reply.code(403).send({ error: { code: "accessDenied", message: "No Referrals role" } });
    await expect(client().referrals.get("a")).rejects.toMatchObject({ name: "AuthError", status: 403, message: expect.stringContaining("Referrals Admin") });

    handler = (_request, reply) => reply.code(404).send({ error: { code: "itemNotFound", message: "Referral not found" } });
    await expect(client().referrals.get("missing")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("replaces with PUT carrying If-Match and no links", async () => {
    handler = (request) => ({ ...(request.body as object), eTag: '"a-2"' });
    const current = referral("a", { links: { self: { uri: "x" } } });
    await expect(client().referrals.put(current)).resolves.toMatchObject({ eTag: '"a-2"' });
    expect(api.seen[0].headers["if-match"]).toBe('"a-1"');
    expect(api.seen[0].body).not.toHaveProperty("links");
    await expect(client().referrals.put({ id: "a" })).rejects.toThrow(/eTag/);
  });

  it("reads related referrals from links.relatedReferrals, and by engagementId when that link is broken", async () => {
    handler = (request, reply) => {
      if (request.url.startsWith("/v1.0/engagments")) return reply.code(404).send({ error: { code: "itemNotFound", message: "No such path" } });
      return { value: [referral("a", { engagementId: "e1" }), referral("b", { engagementId: "e1" })] };
    };
    const good = referral("a", { engagementId: "e1", links: { relatedReferrals: { uri: `${api.url}/v1.0/engagements/referrals?$filter=engagementId eq 'e1'` } } });
    await expect(client().referrals.related(good)).resolves.toHaveLength(2);
    expect(decodeURIComponent(api.seen[0].url)).toBe("/v1.0/engagements/referrals?$filter=engagementId eq 'e1'");

    api.seen.length = 0;
    const misspelt = referral("a", { engagementId: "e1", links: { relatedReferrals: { uri: `${api.url}/v1.0/engagments/referrals?$filter=engagementId eq 'e1'` } } });
    await expect(client().referrals.related(misspelt)).resolves.toHaveLength(2);
    expect(decodeURIComponent(api.seen[1].url)).toBe("/v1.0/engagements/referrals?$filter=engagementId eq 'e1'");
  });

  it("never writes the token into its log lines", async () => {
    const lines: unknown[] = [];
    const logger = { debug: (d: object, m: string) => lines.push([d, m]), warn: (d: object, m: string) => lines.push([d, m]) };
    let calls = 0;
    handler = (_request, reply) => (++calls < 3 ? reply.code(429).header("retry-after", "0").send() : reply.code(403).send());
    await expect(client({ logger }).referrals.get("a")).rejects.toBeInstanceOf(AuthError);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(JSON.stringify(lines)).not.toMatch(/secret-token|fresh-token|Bearer/);
  });
});
