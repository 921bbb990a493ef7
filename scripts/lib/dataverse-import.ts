import { randomUUID } from "node:crypto";
import { readZip } from "./zip";
import { child, childText, descendants, parseXml } from "./xml";

/**
 * Imports a solution zip through the Dataverse Web API (dataverse-pcf.md §5):
 * `ImportSolution` for a first install or an unmanaged package, `StageAndUpgrade` when a managed
 * version is already installed (the upgrade also removes components the new version dropped).
 * Both take the base64 zip as `CustomizationFile` and an `ImportJobId`; while the action runs, the
 * import job (`importjobs(<id>)`) is polled for progress, and its result XML explains failures.
 */
export interface ImportProgress {
  stage: "checking" | "importing" | "publishing" | "done";
  message: string;
  /** Import job progress in percent, when the job reports it. */
  percent?: number;
}

export interface ImportOptions {
  /** Environment URL, e.g. https://contoso.crm.dynamics.com (http only for a local emulator). */
  environmentUrl: string;
  accessToken: string;
  zip: Uint8Array;
  overwriteUnmanagedCustomizations?: boolean;
  /** Publish after importing an unmanaged package (default true); managed imports need no publish. */
  publish?: boolean;
  onProgress?: (progress: ImportProgress) => void;
  pollIntervalMs?: number;
  /** Gives up waiting for the import job after this long. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export interface ImportResult {
  action: "ImportSolution" | "StageAndUpgrade";
  uniqueName: string;
  version: string;
  managed: boolean;
  importJobId: string;
  warnings: string[];
}

/** The platform refused the import; `message` is Dataverse's own explanation. */
export class DataverseImportError extends Error {
  constructor(message: string, readonly status?: number, readonly code?: string) {
    super(message);
  }
}

interface PackageInfo {
  uniqueName: string;
  version: string;
  managed: boolean;
}

export function describeSolutionZip(zip: Uint8Array): PackageInfo {
  const solutionXml = readZip(zip, "solution zip").get("solution.xml");
  if (!solutionXml) throw new DataverseImportError("the zip has no solution.xml at its root — is it a solution package?");
  const manifest = child(parseXml(new TextDecoder().decode(solutionXml), "solution.xml"), "SolutionManifest");
  const uniqueName = manifest && childText(manifest, "UniqueName");
  const version = manifest && childText(manifest, "Version");
  if (!uniqueName || !version) throw new DataverseImportError("solution.xml has no <UniqueName> or <Version>");
  return { uniqueName, version, managed: childText(manifest, "Managed") === "1" };
}

/** Normalises and checks the environment URL: https, or http to a loopback emulator. */
export function webApiBase(environmentUrl: string): string {
  let url: URL;
  try {
    url = new URL(environmentUrl);
  } catch {
    throw new DataverseImportError(`"${environmentUrl}" is not a URL; pass the environment URL, e.g. https://contoso.crm.dynamics.com`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new DataverseImportError(`${environmentUrl}: Dataverse environments are reached over https (http is accepted only for a local emulator)`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}/api/data/v9.2/`;
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ImportJob {
  progress?: number;
  completedon?: string | null;
  data?: string | null;
}

/** Failures and warnings recorded in an import job's result XML (`<result result="failure" errortext="…">`). */
export function importJobOutcome(data: string | null | undefined): { failures: string[]; warnings: string[] } {
  if (!data) return { failures: [], warnings: [] };
  const xml = parseXml(data, "import job data");
  const failures = descendants(xml, "result")
    .filter((r) => r.attrs.result === "failure")
    .map((r) => [r.attrs.errortext, r.attrs.errorcode && `(${r.attrs.errorcode})`].filter(Boolean).join(" "));
  const warnings = [
    ...descendants(xml, "result").filter((r) => r.attrs.result === "warning").map((r) => r.attrs.errortext ?? ""),
    ...descendants(xml, "warning").map((w) => w.text),
  ].filter((w) => w !== "");
  return { failures: [...new Set(failures)], warnings };
}

export async function importSolution(options: ImportOptions): Promise<ImportResult> {
  const base = webApiBase(options.environmentUrl);
  const doFetch = options.fetchImpl ?? fetch;
  const report = options.onProgress ?? (() => undefined);
  const pollIntervalMs = options.pollIntervalMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 60 * 60 * 1000;
  const headers = {
    Authorization: `Bearer ${options.accessToken}`,
    Accept: "application/json",
    "OData-MaxVersion": "4.0",
    "OData-Version": "4.0",
  };

  const request = async (method: string, path: string, body?: unknown): Promise<Response> => {
    try {
      return await doFetch(base + path, {
        method,
        headers: body === undefined ? headers : { ...headers, "Content-Type": "application/json; charset=utf-8" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new DataverseImportError(`cannot reach ${base}: ${(error as Error).message}`);
    }
  };
  const failure = async (response: Response, what: string): Promise<DataverseImportError> => {
    const text = await response.text();
    let platform: { code?: string; message?: string } | undefined;
    try {
      platform = (JSON.parse(text) as { error?: { code?: string; message?: string } }).error;
    } catch {
      platform = undefined;
    }
    const hint = response.status === 401 ? " — the access token is missing, expired or for another environment" : response.status === 403 ? " — the user lacks the System Customizer or System Administrator role" : "";
    return new DataverseImportError(`${what} failed (HTTP ${response.status}): ${platform?.message || text || response.statusText}${hint}`, response.status, platform?.code);
  };

  const pkg = describeSolutionZip(options.zip);
  report({ stage: "checking", message: `${pkg.uniqueName} ${pkg.version} (${pkg.managed ? "managed" : "unmanaged"}) → ${new URL(base).origin}` });
  const lookup = await request("GET", `solutions?$select=uniquename,version,ismanaged&$filter=uniquename eq '${pkg.uniqueName.replace(/'/g, "''")}'`);
  if (!lookup.ok) throw await failure(lookup, "reading the installed solutions");
  const installed = ((await lookup.json()) as { value?: Array<{ version?: string; ismanaged?: boolean }> }).value?.[0];
  if (installed && installed.ismanaged !== pkg.managed) {
    throw new DataverseImportError(
      `${pkg.uniqueName} ${installed.version} is installed ${installed.ismanaged ? "managed" : "unmanaged"} in this environment; ` +
        `a ${pkg.managed ? "managed" : "unmanaged"} package cannot replace it — deploy the ${installed.ismanaged ? "managed" : "unmanaged"} zip or remove the installed solution first`,
    );
  }
  const action = installed && pkg.managed ? "StageAndUpgrade" : "ImportSolution";
  report({ stage: "checking", message: installed ? `installed version ${installed.version}; upgrading with ${action}` : `not installed yet; installing with ${action}` });

  const importJobId = randomUUID();
  const body = {
    OverwriteUnmanagedCustomizations: options.overwriteUnmanagedCustomizations ?? false,
    PublishWorkflows: true,
    CustomizationFile: Buffer.from(options.zip).toString("base64"),
    ImportJobId: importJobId,
  };
  const started = Date.now();
  let settled: { response?: Response; error?: DataverseImportError } | undefined;
  const call = request("POST", action, body).then(
    (response) => (settled = { response }),
    (error: DataverseImportError) => (settled = { error }),
  );

  // Poll the import job while the action runs; keep polling if the long request itself times out,
  // because the import goes on in Dataverse and the job tells how it ended.
  let job: ImportJob | undefined;
  let lastPercent = -1;
  while (!(settled?.response || (job?.completedon && settled))) {
    await Promise.race([call, delay(pollIntervalMs)]);
    const poll = await request("GET", `importjobs(${importJobId})?$select=progress,completedon,data`).catch(() => undefined);
    if (poll?.ok) {
      job = (await poll.json()) as ImportJob;
      const percent = Math.floor(job.progress ?? 0);
      if (percent !== lastPercent) {
        lastPercent = percent;
        report({ stage: "importing", message: `import job ${importJobId}: ${percent}%`, percent });
      }
    }
    if (settled?.error && !job) throw settled.error;
    if (Date.now() - started > timeoutMs) throw new DataverseImportError(`the import did not finish within ${Math.round(timeoutMs / 60000)} minutes; follow import job ${importJobId} in the environment`);
  }

  if (!settled) throw new DataverseImportError(`${action} ended without a response`);
  const finalJob = await request("GET", `importjobs(${importJobId})?$select=progress,completedon,data`);
  if (finalJob.ok) job = (await finalJob.json()) as ImportJob;
  const outcome = importJobOutcome(job?.data);
  if (settled.response && !settled.response.ok) {
    const error = await failure(settled.response, action);
    const details = outcome.failures.filter((f) => !error.message.includes(f));
    throw new DataverseImportError([error.message, ...details.map((d) => `  ${d}`)].join("\n"), error.status, error.code);
  }
  if (outcome.failures.length) throw new DataverseImportError(`${action} failed:\n  ${outcome.failures.join("\n  ")}`);

  if (!pkg.managed && options.publish !== false) {
    // Unmanaged customizations only reach users once published.
    report({ stage: "publishing", message: "publishing customizations" });
    const publish = await request("POST", "PublishAllXml", {});
    if (!publish.ok) {
      const error = await failure(publish, "PublishAllXml");
      throw new DataverseImportError(
        `${error.message}\n  ${pkg.uniqueName} ${pkg.version} is imported but not published: publish all customizations in the environment, or deploy again`,
        error.status,
        error.code,
      );
    }
  }
  report({ stage: "done", message: `${pkg.uniqueName} ${pkg.version} imported in ${Math.round((Date.now() - started) / 1000)} s` });
  return { action, ...pkg, importJobId, warnings: outcome.warnings };
}
