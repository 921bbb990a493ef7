import { DataverseCounters } from "./counters";
import { DataverseError, NotFoundError, PreconditionFailedError, ThrottledError } from "./errors";
import { DataverseHttp, type DataverseHttpOptions } from "./http";
import { startScriptedServer, type ScriptedResponse, type ScriptedServer } from "./scripted-server.test-support";

const throttled = (retryAfter: string): ScriptedResponse => ({
  status: 429,
  headers: { "retry-after": retryAfter },
  body: JSON.stringify({ error: { code: "0x80072322", message: "Number of requests exceeded the limit of 6000 over time window of 300 seconds." } }),
});
const ok: ScriptedResponse = { status: 200, body: JSON.stringify({ value: [] }) };

describe("DataverseHttp", () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  function client(overrides: Partial<DataverseHttpOptions> = {}) {
    const waits: number[] = [];
    const counters = new DataverseCounters();
    const http = new DataverseHttp({
      environmentUrl: server!.url,
      tokens: { getToken: async () => "token-abc" },
      counters,
      sleep: async (ms) => {
        waits.push(ms);
      },
      random: () => 0.5,
      ...overrides,
    });
    return { http, waits, counters };
  }

  it("sends the OData headers, the bearer token and the caller to impersonate", async () => {
    server = await startScriptedServer([ok]);
    const { http } = client();
    await http.send({ method: "GET", path: "accounts?$select=name" }, { callerObjectId: "5f4c0a55-0000-4000-8000-000000000001" });
    const [request] = server.requests;
    expect(request.url).toBe("/api/data/v9.2/accounts?$select=name");
    expect(request.headers).toMatchObject({
      authorization: "Bearer token-abc",
      accept: "application/json",
      "odata-version": "4.0",
      "odata-maxversion": "4.0",
      callerobjectid: "5f4c0a55-0000-4000-8000-000000000001",
    });
  });

  it("waits what Retry-After asks after a 429, then succeeds, counting the throttle", async () => {
    server = await startScriptedServer([throttled("2"), ok]);
    const { http, waits, counters } = client();
    const response = await http.send({ method: "POST", path: "accounts", body: "{}" });
    expect(response.status).toBe(200);
    expect(waits).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
    expect(counters.snapshot()).toEqual({ calls: 2, throttles: 1, retries: 1, failures: 0 });
  });

  it("gives up with ThrottledError carrying the server's hint when the wait would overrun the budget", async () => {
    server = await startScriptedServer([throttled("120")]);
    const { http, waits, counters } = client({ retry: { maxTotalWaitMs: 60_000 } });
    const error = await http.send({ method: "GET", path: "accounts" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect((error as ThrottledError).retryAfterMs).toBe(120_000);
    expect((error as ThrottledError).code).toBe("0x80072322");
    expect((error as ThrottledError).message).toContain("retry after 120 s");
    expect(waits).toEqual([]);
    expect(counters.snapshot()).toMatchObject({ throttles: 1, failures: 1 });
  });

  it("repeats a read after a 503 but never a create, which may have run", async () => {
    server = await startScriptedServer([{ status: 503, body: "" }, ok]);
    const { http } = client();
    await expect(http.send({ method: "GET", path: "accounts" })).resolves.toMatchObject({ status: 200 });
    await server.close();

    server = await startScriptedServer([{ status: 503, body: "" }, ok]);
    const second = client();
    await expect(second.http.send({ method: "POST", path: "accounts", body: "{}" })).rejects.toMatchObject({ status: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it("repeats a read after a dropped connection", async () => {
    server = await startScriptedServer([{ status: 0, hangUp: true }, ok]);
    const { http, counters } = client();
    await expect(http.send({ method: "GET", path: "accounts" })).resolves.toMatchObject({ status: 200 });
    expect(counters.snapshot().retries).toBe(1);
  });

  it("reports a create whose connection dropped as a failure without a status", async () => {
    server = await startScriptedServer([{ status: 0, hangUp: true }]);
    const { http } = client();
    const error = await http.send({ method: "POST", path: "accounts", body: "{}" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataverseError);
    expect((error as DataverseError).status).toBeUndefined();
    expect(server.requests).toHaveLength(1);
  });

  it("maps 404 and 412 to typed errors with the platform's message", async () => {
    server = await startScriptedServer((request) =>
      request.method === "DELETE"
        ? { status: 412, body: JSON.stringify({ error: { code: "", message: "The version of the existing record doesn't match the RowVersion property provided." } }) }
        : { status: 404, body: JSON.stringify({ error: { code: "0x80040217", message: "account With Id = 1 Does Not Exist" } }) },
    );
    const { http } = client();
    await expect(http.send({ method: "GET", path: "accounts(00000000-0000-0000-0000-000000000001)" })).rejects.toBeInstanceOf(NotFoundError);
    const stale = await http.send({ method: "DELETE", path: "accounts(00000000-0000-0000-0000-000000000001)" }, { ifMatch: 'W/"1"' }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect((stale as Error).message).toContain("doesn't match the RowVersion");
    expect(server.requests[1].headers["if-match"]).toBe('W/"1"');
  });

  it("never follows a link out of the environment with the token", async () => {
    server = await startScriptedServer([ok]);
    const { http } = client();
    await expect(http.send({ method: "GET", path: "https://elsewhere.example/api/data/v9.2/accounts" })).rejects.toThrow(/Refusing to send a Dataverse token/);
    expect(server.requests).toHaveLength(0);
  });
});
