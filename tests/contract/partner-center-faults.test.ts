/**
 * §7.13 throttling and the fault injection a reliability test drives: 429 bursts with Retry-After,
 * random 5xx, lost webhook deliveries, latency, all switchable from code and over HTTP; plus the
 * request counters benchmarks read.
 */
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, emulator, outgoingReferral, register, startReceiver } from "./partner-center-harness";

let pc: PartnerCenterEmulator;
let client: Client;

beforeAll(async () => {
  pc = await emulator();
  client = await Client.forUser(pc);
});
afterEach(() => {
  pc.faults.reset();
});
afterAll(() => pc.stop());

const control = (method: string, path: string, body?: unknown) =>
  fetch(`${pc.url}/_emulator${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });

describe("§7.13 throttling", () => {
  it("answers the next N calls with 429, Retry-After in seconds and the documented body, then recovers", async () => {
    pc.faults.throttleNext(2, 57);
    for (let i = 0; i < 2; i++) {
      const answer = await client.get(pc.referralsUrl);
      expect(answer.status).toBe(429);
      expect(answer.headers.get("retry-after")).toBe("57");
      expect(answer.body).toEqual({ statusCode: 429, message: "Rate limit is exceeded. Try again in 57 seconds." });
    }
    expect((await client.get(pc.referralsUrl)).status).toBe(200);
  });

  it("throttles the Webhooks API the same way", async () => {
    pc.faults.throttleNext(1, 3);
    const hooks = new Client(pc, await pc.issueToken({ api: "webhooks" }));
    const answer = await hooks.get(`${pc.webhooksUrl}/registration/events`);
    expect([answer.status, answer.headers.get("retry-after")]).toEqual([429, "3"]);
  });

  it("answers 503 with Retry-After at the configured error rate, and writes nothing", async () => {
    pc.faults.set({ errors: { rate: 1, status: 503, retryAfterSeconds: 7 } });
    const answer = await client.create(outgoingReferral({ name: "never stored" }));
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("7");
    expect(answer.body).toMatchObject({ error: { code: "serviceNotAvailable" } });
    pc.faults.reset();
    expect(pc.referrals.list().some((r) => r.name === "never stored")).toBe(false);
  });

  it("answers 500 generalException when configured", async () => {
    pc.faults.set({ errors: { rate: 1, status: 500, retryAfterSeconds: undefined } });
    const answer = await client.get(pc.referralsUrl);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ error: { code: "generalException" } });
  });
});

describe("fault injection over HTTP", () => {
  it("reads, changes and clears the settings at /_emulator/faults", async () => {
    const set = await control("PUT", "/faults", { throttle: { remaining: 1, retryAfterSeconds: 9 }, latency: { fixedMs: 1, jitterMs: 2 } });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ throttle: { remaining: 1, retryAfterSeconds: 9 }, latency: { fixedMs: 1, jitterMs: 2 } });
    expect((await client.get(pc.referralsUrl)).status).toBe(429);
    expect((await client.get(pc.referralsUrl)).status).toBe(200);
    expect((await control("DELETE", "/faults")).status).toBe(200);
    expect(pc.faults.current().latency).toEqual({ fixedMs: 0, jitterMs: 0 });
  });

  it("refuses settings that make no sense with 400", async () => {
    expect((await control("PUT", "/faults", { errors: { rate: 2 } })).status).toBe(400);
    expect((await control("PUT", "/faults", { gremlins: { count: 1 } })).status).toBe(400);
  });

  it("never delays or fails the control API itself", async () => {
    pc.faults.set({ errors: { rate: 1 } });
    expect((await control("GET", "/faults")).status).toBe(200);
  });
});

describe("lost webhook deliveries", () => {
  it("drops the next N events and keeps delivering after that", async () => {
    const receiver = await startReceiver();
    const own = await emulator();
    try {
      await register(own, receiver.url, ["referral-created"]);
      const admin = await Client.forUser(own);
      own.faults.dropNextDeliveries(2);
      const created = [];
      for (let i = 0; i < 3; i++) created.push((await admin.create(outgoingReferral())).body.id);
      await own.deliveries.idle();
      expect(receiver.calls.map((c) => String(c.body.ResourceUri).split("/").pop())).toEqual([created[2]]);
      expect(own.deliveries.list().map((d) => d.state)).toEqual(["dropped", "dropped", "delivered"]);
    } finally {
      await own.stop();
      await receiver.close();
    }
  });

  it("drops events with a probability, using the run's random source", async () => {
    const receiver = await startReceiver();
    const sequence = [0.1, 0.9, 0.4, 0.6];
    const own = await emulator({ random: () => sequence.shift() ?? 0.99, faults: { dropWebhooks: { probability: 0.5 } } });
    try {
      await register(own, receiver.url, ["referral-created"]);
      const admin = await Client.forUser(own);
      for (let i = 0; i < 4; i++) await admin.create(outgoingReferral());
      await own.deliveries.idle();
      expect(own.deliveries.list().map((d) => d.state)).toEqual(["dropped", "delivered", "dropped", "delivered"]);
    } finally {
      await own.stop();
      await receiver.close();
    }
  });
});

describe("request counters", () => {
  it("counts requests by route and status, in code and at /_emulator/counters", async () => {
    pc.counters.reset();
    await client.get(pc.referralsUrl);
    await client.get(`${pc.referralsUrl}/00000000-0000-0000-0000-000000000000`);
    const created = await client.create(outgoingReferral());
    await client.patch(created.body.id, [{ op: "replace", path: "/details/notes", value: "x" }]);
    expect(pc.counters.count("GET", "/v1.0/engagements/referrals")).toBe(1);
    expect(pc.counters.count("GET", "/v1.0/engagements/referrals/:id", 404)).toBe(1);
    expect(pc.counters.count("PATCH", "/v1.0/engagements/referrals/:id", 204)).toBe(1);
    const snapshot = (await (await control("GET", "/counters")).json()) as Record<string, Record<string, number>>;
    expect(snapshot["POST /v1.0/engagements/referrals"]).toEqual({ "201": 1 });
  });
});
