/**
 * `npm run deploy` against the Dataverse Web API emulator: the packed solution is imported with
 * ImportSolution, progress comes from the import job, an unmanaged package is published with
 * PublishAllXml, and refusals carry the platform's message.
 */
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startDataverseEmulator, type DataverseEmulator } from "../../emulators/dataverse/src";
import { DataverseImportError, importSolution, type ImportProgress } from "../../scripts/lib/dataverse-import";
import { editZip, packWithFixtureBuilds } from "../../scripts/lib/test-support/packed";

const repoRoot = path.resolve(__dirname, "../..");
const [managed, unmanaged] = packWithFixtureBuilds();

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run deploy` asynchronously, so this process keeps serving the emulator while the CLI talks to it. */
function runDeploy(args: string[], token: string): Promise<CliRun> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/deploy.ts", ...args], {
      cwd: repoRoot,
      env: { ...process.env, DATAVERSE_TOKEN: token },
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

const publishCalls = (dv: DataverseEmulator) => dv.counters.snapshot().byOperation["POST PublishAllXml"] ?? 0;

async function get(dv: DataverseEmulator, token: string, query: string): Promise<{ status: number; body: { value?: Array<Record<string, unknown>> } }> {
  const response = await fetch(`${dv.apiUrl}${query}`, { headers: { Authorization: `Bearer ${token}`, Accept: "application/json" } });
  return { status: response.status, body: (await response.json()) as { value?: Array<Record<string, unknown>> } };
}

describe("deploying the solution to an environment", () => {
  let dv: DataverseEmulator;
  let token: string;
  beforeAll(async () => {
    dv = await startDataverseEmulator();
    token = await dv.tokenFor();
  });
  afterAll(() => dv.stop());

  it("installs the managed package with ImportSolution and reports the import job's progress", async () => {
    const progress: ImportProgress[] = [];
    const result = await importSolution({ environmentUrl: dv.environmentUrl, accessToken: token, zip: managed.bytes, pollIntervalMs: 5, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ action: "ImportSolution", uniqueName: "CoSellConnector", managed: true });
    expect(progress.map((p) => p.stage)).toEqual(expect.arrayContaining(["checking", "importing", "done"]));
    expect(progress.filter((p) => p.stage === "importing").at(-1)?.percent).toBe(100);

    const catalog = await get(dv, token, "cosell_solutions?$select=cosell_name,cosell_solutionidentifier");
    expect(catalog.status).toBe(200);
    const variables = await get(dv, token, "environmentvariabledefinitions?$select=schemaname,defaultvalue&$filter=startswith(schemaname,'cosell_')");
    expect(variables.body.value?.map((v) => v.schemaname).sort()).toEqual(["cosell_CountryCodeField", "cosell_DealValueField", "cosell_DisplayCheckMark", "cosell_FieldMapping", "cosell_RelayUrl"]);
  });

  it("will not put the unmanaged package over the installed managed one, and says what to do", async () => {
    await expect(importSolution({ environmentUrl: dv.environmentUrl, accessToken: token, zip: unmanaged.bytes, pollIntervalMs: 5 })).rejects.toThrow(
      /CoSellConnector .* is installed managed in this environment; a unmanaged package cannot replace it — deploy the managed zip or remove the installed solution first/,
    );
  });

});

describe("deployments the environment refuses", () => {
  let dv: DataverseEmulator;
  let token: string;
  beforeAll(async () => {
    dv = await startDataverseEmulator();
    token = await dv.tokenFor();
  });
  afterAll(() => dv.stop());

  it("fails with the platform's own message when the package is not a solution", async () => {
    const broken = editZip(managed.bytes, { "customizations.xml": undefined });
    const attempt = importSolution({ environmentUrl: dv.environmentUrl, accessToken: token, zip: broken, pollIntervalMs: 5 });
    await expect(attempt).rejects.toBeInstanceOf(DataverseImportError);
    await expect(attempt).rejects.toThrow(/^ImportSolution failed \(HTTP 400\)/);
    await expect(attempt).rejects.toThrow(/The solution file is invalid\. The compressed file must contain the following files at its root/);
  });

  it("explains a token the environment rejects", async () => {
    await expect(importSolution({ environmentUrl: dv.environmentUrl, accessToken: "not-a-token", zip: managed.bytes })).rejects.toThrow(
      /reading the installed solutions failed \(HTTP 401\): .* — the access token is missing, expired or for another environment/,
    );
  });
});

describe("npm run deploy", () => {
  let dv: DataverseEmulator;
  let dir: string;
  beforeAll(async () => {
    dv = await startDataverseEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cosell-deploy-"));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dv.stop();
  });

  it("imports a zip into the environment, prints progress and never prints the token", async () => {
    const zip = path.join(dir, managed.fileName);
    fs.writeFileSync(zip, managed.bytes);
    const token = await dv.tokenFor();
    const child = await runDeploy(["--env", dv.environmentUrl, "--zip", zip], token);
    expect(child.stderr).not.toMatch(/✖/);
    expect(child.status).toBe(0);
    expect(child.stdout).toMatch(/\[importing\] import job [0-9a-f-]+: 100%/);
    expect(child.stdout).toMatch(/✔ CoSellConnector \d+\.\d+\.\d+\.0 \(managed\) deployed with ImportSolution/);
    expect(child.stdout).not.toContain("[publishing]");
    expect(publishCalls(dv)).toBe(0);
    expect(child.stdout + child.stderr).not.toContain(token);
  });

  it("refuses to run without a token", () => {
    const result = spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), "scripts/deploy.ts", "--env", dv.environmentUrl], {
      cwd: repoRoot,
      encoding: "utf8",
      env: { ...process.env, DATAVERSE_TOKEN: "" },
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/no access token: pass --token or set DATAVERSE_TOKEN/);
  });
});

describe("deploying the unmanaged package", () => {
  let dv: DataverseEmulator;
  let token: string;
  let dir: string;
  beforeAll(async () => {
    dv = await startDataverseEmulator();
    token = await dv.tokenFor();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "cosell-deploy-"));
  });
  afterAll(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    await dv.stop();
  });

  it("imports it with ImportSolution, then publishes the customizations with PublishAllXml", async () => {
    const progress: ImportProgress[] = [];
    const result = await importSolution({ environmentUrl: dv.environmentUrl, accessToken: token, zip: unmanaged.bytes, pollIntervalMs: 5, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ action: "ImportSolution", uniqueName: "CoSellConnector", managed: false });
    expect(progress.map((p) => p.stage).filter((stage, i, all) => stage !== all[i - 1])).toEqual(["checking", "importing", "publishing", "done"]);
    expect(publishCalls(dv)).toBe(1);
    const installed = await get(dv, token, "solutions?$select=uniquename,ismanaged&$filter=uniquename eq 'CoSellConnector'");
    expect(installed.body.value).toEqual([expect.objectContaining({ uniquename: "CoSellConnector", ismanaged: false })]);
  });

  it("reports a failed publish with the platform's message and status", async () => {
    dv.faults.inject({ method: "POST", path: "PublishAllXml", status: 503, message: "The service is temporarily unavailable." });
    const attempt = importSolution({ environmentUrl: dv.environmentUrl, accessToken: token, zip: unmanaged.bytes, pollIntervalMs: 5 });
    await expect(attempt).rejects.toBeInstanceOf(DataverseImportError);
    await expect(attempt).rejects.toThrow(
      /^PublishAllXml failed \(HTTP 503\): The service is temporarily unavailable\.\n {2}CoSellConnector [\d.]+ is imported but not published: publish all customizations in the environment, or deploy again$/,
    );
  });

  it("npm run deploy publishes an unmanaged zip unless told --skip-publish", async () => {
    const zip = path.join(dir, unmanaged.fileName);
    fs.writeFileSync(zip, unmanaged.bytes);
    const before = publishCalls(dv);
    const published = await runDeploy(["--env", dv.environmentUrl, "--zip", zip], token);
    expect(published.stderr).not.toMatch(/✖/);
    expect(published.status).toBe(0);
    expect(published.stdout).toContain("[publishing] publishing customizations");
    expect(published.stdout).toMatch(/✔ CoSellConnector \d+\.\d+\.\d+\.0 \(unmanaged\) deployed with ImportSolution/);
    expect(publishCalls(dv)).toBe(before + 1);

    const skipped = await runDeploy(["--env", dv.environmentUrl, "--zip", zip, "--skip-publish"], token);
    expect(skipped.status).toBe(0);
    expect(skipped.stdout).not.toContain("[publishing]");
    expect(publishCalls(dv)).toBe(before + 1);
    expect(published.stdout + published.stderr + skipped.stdout + skipped.stderr).not.toContain(token);
  });
});
