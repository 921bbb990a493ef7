import { DataverseImportError, importJobOutcome, importSolution, webApiBase } from "./dataverse-import";
import { packWithFixtureBuilds } from "./test-support/packed";

const [managed, unmanaged] = packWithFixtureBuilds();

interface Call {
  method: string;
  path: string;
  body?: Record<string, unknown>;
}

/**
 * A scripted Web API, to see the exact requests in order and to stage what the Dataverse emulator
 * cannot produce on demand (a long request that drops while the import job goes on). Requests are
 * recorded; each route answers from the script. tests/integration/deploy.test.ts runs the same
 * imports against the emulator.
 */
function scriptedWebApi(routes: Record<string, (call: Call) => Response | Promise<Response>>): { fetchImpl: typeof fetch; calls: Call[] } {
  const calls: Call[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    const call: Call = { method: init?.method ?? "GET", path: decodeURIComponent(url.pathname.replace("/api/data/v9.2/", "") + url.search), body: init?.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const route = Object.entries(routes).find(([prefix]) => `${call.method} ${call.path}`.startsWith(prefix));
    if (!route) return new Response(JSON.stringify({ error: { code: "0x80060888", message: `Resource not found for the segment '${call.path}'.` } }), { status: 404 });
    return route[1](call);
  }) as typeof fetch;
  return { fetchImpl, calls };
}

const json = (body: unknown, status = 200): Response => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
const installed = (version: string, ismanaged: boolean) => () => json({ value: [{ uniquename: "CoSellConnector", version, ismanaged }] });
const notInstalled = () => json({ value: [] });
const finishedJob = (data = '<importexportxml><solutionManifests><solutionManifest><result result="success" errorcode="0" errortext="" /></solutionManifest></solutionManifests></importexportxml>') => () =>
  json({ progress: 100, completedon: "2026-01-01T00:00:00Z", data });

describe("choosing the import action", () => {
  it("upgrades an installed managed solution with StageAndUpgrade, sending the zip and an import job id", async () => {
    const api = scriptedWebApi({ "GET solutions": installed("0.0.9.0", true), "POST StageAndUpgrade": () => json({}), "GET importjobs": finishedJob() });
    const result = await importSolution({ environmentUrl: "https://contoso.crm.dynamics.com", accessToken: "t", zip: managed.bytes, fetchImpl: api.fetchImpl, pollIntervalMs: 1 });
    expect(result.action).toBe("StageAndUpgrade");
    const post = api.calls.find((c) => c.method === "POST")!;
    expect(Buffer.from(String(post.body?.CustomizationFile), "base64").equals(Buffer.from(managed.bytes))).toBe(true);
    expect(post.body).toMatchObject({ OverwriteUnmanagedCustomizations: false, PublishWorkflows: true, ImportJobId: result.importJobId });
    expect(api.calls.some((c) => c.path.startsWith(`importjobs(${result.importJobId})`))).toBe(true);
  });

  it("installs with ImportSolution and publishes afterwards when the package is unmanaged", async () => {
    const api = scriptedWebApi({ "GET solutions": notInstalled, "POST ImportSolution": () => new Response(null, { status: 204 }), "GET importjobs": finishedJob(), "POST PublishAllXml": () => new Response(null, { status: 204 }) });
    const result = await importSolution({ environmentUrl: "https://contoso.crm.dynamics.com/", accessToken: "t", zip: unmanaged.bytes, fetchImpl: api.fetchImpl, pollIntervalMs: 1 });
    expect(result.action).toBe("ImportSolution");
    expect(api.calls.map((c) => `${c.method} ${c.path.split("?")[0].replace(/\(.*\)/, "")}`).filter((c) => !c.startsWith("GET importjobs"))).toEqual(["GET solutions", "POST ImportSolution", "POST PublishAllXml"]);
  });

  it("follows the import job when the long request drops, and reports the job's failure", async () => {
    const failure = '<importexportxml><solutionManifests><solutionManifest><result result="failure" errorcode="0x80048033" errortext="Publisher prefix cosell is in use by another publisher." /></solutionManifest></solutionManifests></importexportxml>';
    const api = scriptedWebApi({
      "GET solutions": notInstalled,
      "POST ImportSolution": () => Promise.reject(new TypeError("fetch failed: headers timeout")),
      "GET importjobs": finishedJob(failure),
    });
    const attempt = importSolution({ environmentUrl: "https://contoso.crm.dynamics.com", accessToken: "t", zip: managed.bytes, fetchImpl: api.fetchImpl, pollIntervalMs: 1 });
    await expect(attempt).rejects.toBeInstanceOf(DataverseImportError);
    await expect(attempt).rejects.toThrow("ImportSolution failed:\n  Publisher prefix cosell is in use by another publisher. (0x80048033)");
  });
});

describe("import job results and environment URLs", () => {
  it("collects failures and warnings from the import job's result XML", () => {
    const data =
      '<importexportxml><solutionManifests><solutionManifest><result result="failure" errorcode="0x1" errortext="Missing dependency: table bulkoperation" /></solutionManifest></solutionManifests>' +
      '<entities><entity><result result="warning" errorcode="0" errortext="Form was not published" /></entity></entities><warnings><warning>Skipped a view</warning></warnings></importexportxml>';
    expect(importJobOutcome(data)).toEqual({ failures: ["Missing dependency: table bulkoperation (0x1)"], warnings: ["Form was not published", "Skipped a view"] });
    expect(importJobOutcome(null)).toEqual({ failures: [], warnings: [] });
  });

  it("accepts https environments and plain http only on the loopback interface", () => {
    expect(webApiBase("https://contoso.crm4.dynamics.com/")).toBe("https://contoso.crm4.dynamics.com/api/data/v9.2/");
    expect(webApiBase("http://127.0.0.1:5555")).toBe("http://127.0.0.1:5555/api/data/v9.2/");
    expect(() => webApiBase("http://contoso.crm.dynamics.com")).toThrow(/reached over https/);
    expect(() => webApiBase("contoso")).toThrow(/is not a URL/);
  });
});
