/**
 * Service protection API limits (api-limits.md): per user, number of requests and combined
 * execution time over a sliding window, and concurrent requests — 429 with Retry-After and the
 * documented codes and messages — plus injected faults for reliability tests.
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { Client, startDataverse, type Json } from "./dataverse-harness";

describe("Dataverse Web API: service protection limits", () => {
  let dv: DataverseEmulator;
  let ana: Client;
  let erik: Client;
  let anaId: string;
  beforeAll(async () => {
    dv = await startDataverse();
    ana = await Client.user(dv, "ana@contoso.example");
    erik = await Client.user(dv, "erik@contoso.example");
    anaId = (await ana.get("WhoAmI()")).body.UserId as string;
  });
  beforeEach(() => {
    dv.limits.configure({ windowMs: 60_000, maxRequests: 1000, maxExecutionMs: 1_000_000, maxConcurrent: 10 });
    dv.limits.reset();
  });
  afterAll(() => dv.stop());

  it("refuses the request past the per-user request count with 429, Retry-After and 0x80072322", async () => {
    dv.limits.configure({ maxRequests: 3 });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const answer = await ana.get("WhoAmI()");
      expect(answer.status).toBe(200);
      remaining.push(answer.headers.get("x-ms-ratelimit-burst-remaining-xrm-requests")!);
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    const refused = await ana.get("WhoAmI()");
    expect(refused.status).toBe(429);
    expect(refused.body).toEqual({ error: { code: "0x80072322", message: "Number of requests exceeded the limit of 3 over time window of 60 seconds." } });
    const retryAfter = Number(refused.headers.get("Retry-After"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // Limits are per user: someone else is unaffected.
    expect((await erik.get("WhoAmI()")).status).toBe(200);
  });

  it("refuses requests once the combined execution time is exceeded with 0x80072321", async () => {
    dv.limits.configure({ maxExecutionMs: 0 });
    expect((await ana.get("accounts?$select=name")).status).toBe(200);
    const refused = await ana.get("accounts?$select=name");
    expect(refused.status).toBe(429);
    expect((refused.body.error as Json).code).toBe("0x80072321");
    expect((refused.body.error as Json).message).toBe(
      "Combined execution time of incoming requests exceeded limit of 0 milliseconds over time window of 60 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.",
    );
    expect(Number(refused.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  });

  it("refuses a request beyond the concurrent-request limit with 0x80072326", async () => {
    dv.limits.configure({ maxConcurrent: 1 });
    const release = dv.faults.hold();
    const first = ana.get("WhoAmI()");
    while (dv.limits.concurrent(anaId) === 0) await new Promise((resolve) => setImmediate(resolve));
    const second = await ana.get("WhoAmI()");
    expect(second.status).toBe(429);
    expect(second.body).toEqual({ error: { code: "0x80072326", message: "Number of concurrent requests exceeded the limit of 1." } });
    expect(second.headers.get("Retry-After")).toBe("1");
    release();
    expect((await first).status).toBe(200);
  });
});

describe("Dataverse Web API: injected faults", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.user(dv);
  });
  afterAll(() => dv.stop());

  it("answers matching requests with the injected error the given number of times", async () => {
    dv.faults.inject({ method: "GET", path: "accounts", status: 503, message: "Service unavailable", times: 2 });
    dv.faults.inject({ method: "PATCH", path: /^opportunities\(/, status: 429, code: "0x80072322", retryAfter: 7 });
    expect((await client.get("accounts?$select=name")).status).toBe(503);
    expect((await client.get("WhoAmI()")).status).toBe(200);
    expect((await client.get("accounts?$select=name")).status).toBe(503);
    expect((await client.get("accounts?$select=name")).status).toBe(200);
    const id = await client.create("opportunities", { name: "Faulty" });
    const throttled = await client.patch(`opportunities(${id})`, { name: "x" });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get("Retry-After")).toBe("7");
    expect((await client.patch(`opportunities(${id})`, { name: "x" })).status).toBe(204);
  });
});
