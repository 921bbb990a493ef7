/**
 * Shared pieces of the Partner Center contract tests: the documented samples, a structural
 * comparison against them, a small API client and a webhook receiver that records raw bodies.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { startPartnerCenterEmulator, type PartnerCenterEmulator, type PartnerCenterEmulatorOptions } from "@cosell/emulators/partner-center/src";

export const SAMPLES = path.resolve(__dirname, "../../../shared/reference/partner-center");

export function sample<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(SAMPLES, name), "utf8")) as T;
}

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Fields the reference documents as nullable (partner-center-api.md §2.1). */
const NULLABLE = ["expirationDateTime", "closedDateTime", "statusReason", "externalReferenceId"];

/**
 * Every property of the sample is present in `actual` with the same JSON type (a null in the
 * sample, or a null in a documented nullable field, allows any type). Arrays compare their elements
 * with the sample's first element. Returns the differences, so a failing test shows all of them.
 */
export function shapeDifferences(actual: unknown, expected: unknown, where = "$"): string[] {
  if (expected === null) return [];
  if (actual === null && NULLABLE.some((field) => where.endsWith(`.${field}`))) return [];
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(actual) !== kind(expected)) return [`${where}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    const list = actual as unknown[];
    if (expected.length === 0) return [];
    if (list.length === 0) return [`${where}: expected a non-empty array`];
    return list.flatMap((item, i) => shapeDifferences(item, expected[0], `${where}[${i}]`));
  }
  if (typeof expected === "object") {
    const object = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) =>
      key in object ? shapeDifferences(object[key], value, `${where}.${key}`) : [`${where}.${key}: missing`],
    );
  }
  return [];
}

export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class Client {
  constructor(private readonly pc: PartnerCenterEmulator, private readonly token: string) {}

  static async forUser(pc: PartnerCenterEmulator, upn?: string): Promise<Client> {
    return new Client(pc, await pc.issueToken({ api: "referrals", upn }));
  }

  async call<T = Json>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const absolute = url.startsWith("http") ? url : `${this.pc.url}${url}`;
    const response = await fetch(absolute, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: (text ? JSON.parse(text) : null) as T };
  }

  get<T = Json>(url: string, headers?: Record<string, string>) {
    return this.call<T>("GET", url, undefined, headers);
  }

  create(referral: unknown) {
    return this.call<Referral>("POST", this.pc.referralsUrl, referral);
  }

  patch(id: string, operations: unknown, headers: Record<string, string> = {}) {
    return this.call<Referral>("PATCH", `${this.pc.referralsUrl}/${id}`, operations, { "content-type": "application/json-patch+json", ...headers });
  }
}

export type Referral = { [key: string]: Json } & { id: string; engagementId: string; eTag: string; status: string; substatus: string };

/** A valid private deal, shaped like the current create example (§3.3), with overrides merged in. */
export function outgoingReferral(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = {
    name: "Contoso: Dynamics 365 Field Service",
    qualification: "SalesQualified",
    type: "Independent",
    target: [],
    team: [{ firstName: "Ana", lastName: "Bowman", email: "ana@contoso.example", phoneNumber: "+1 425 555 0100" }],
    customerProfile: {
      name: "Woodgrove Bank",
      address: { addressLine1: "1 Main St", city: "Seattle", state: "WA", postalCode: "98101", country: "US" },
      size: "51to250employees",
      team: [{ firstName: "Sue", lastName: "Smith", email: "sue@woodgrove.example", phoneNumber: "1234567890" }],
    },
    consent: { consentToShareReferralWithMicrosoftSellers: false },
    details: {
      notes: "Field service rollout for 200 technicians.",
      dealValue: 50000,
      currency: "USD",
      closingDateTime: "2030-06-30T00:00:00Z",
      requirements: { solutions: [{ type: "Name", id: "SOL-15974-MQF", name: "Contoso Field Service", publisherName: "Contoso", solutionType: "3P" }] },
    },
  };
  return merge(base, overrides);
}

/** A co-sell (Shared) referral visible to Microsoft sellers. */
export function coSellReferral(overrides: Record<string, unknown> = {}) {
  return outgoingReferral(merge({ type: "Shared", consent: { consentToShareReferralWithMicrosoftSellers: true }, inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo", notes: "Need a PoC." } }, overrides));
}

function merge(base: Record<string, unknown>, overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(overrides)) {
    const current = out[key];
    out[key] = value && typeof value === "object" && !Array.isArray(value) && current && typeof current === "object" && !Array.isArray(current)
      ? merge(current as Record<string, unknown>, value as Record<string, unknown>)
      : value;
  }
  return out;
}

export interface ReceivedCall {
  headers: Record<string, string | string[] | undefined>;
  raw: Buffer;
  body: Record<string, unknown>;
}

/**
 * A webhook endpoint on 127.0.0.1. `answers` are the statuses to reply with, in order (the last
 * repeats); the default is 200.
 */
export async function startReceiver(answers: number[] = [200]): Promise<{ url: string; calls: ReceivedCall[]; answers: number[]; close(): Promise<void> }> {
  const calls: ReceivedCall[] = [];
  const app: FastifyInstance = Fastify();
  app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_req, body, done) => done(null, body));
  app.post("/hook", async (request, reply) => {
    const raw = request.body as Buffer;
    calls.push({ headers: request.headers, raw, body: JSON.parse(raw.toString("utf8")) });
    const status = state.answers[Math.min(calls.length - 1, state.answers.length - 1)];
    return reply.code(status).send(status < 300 ? "" : "receiver says no");
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  const state = { url: `${address}/hook`, calls, answers, close: () => app.close() };
  return state;
}

export async function emulator(options: PartnerCenterEmulatorOptions = {}): Promise<PartnerCenterEmulator> {
  return startPartnerCenterEmulator({ ...options, webhooks: { retryIntervalMs: 5, ...options.webhooks } });
}

/** Registers `url` for `events` through the Webhooks API with an app-only token. */
export async function register(pc: PartnerCenterEmulator, url: string, events: string[], extra: Record<string, unknown> = {}): Promise<Answer> {
  const client = new Client(pc, await pc.issueToken({ api: "webhooks" }));
  return client.call("POST", `${pc.webhooksUrl}/registration`, { WebhookUrl: url, WebhookEvents: events, ...extra });
}
