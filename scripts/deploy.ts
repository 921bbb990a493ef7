// npm run deploy -- --env <url> [--managed] [--token <token>] [--zip <file>] [--overwrite-unmanaged] [--skip-publish]
// Imports the packed solution into a Dataverse environment through the Web API and reports progress.
// The token comes from --token or DATAVERSE_TOKEN, e.g.
//   az account get-access-token --resource https://contoso.crm.dynamics.com --query accessToken -o tsv
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { DataverseImportError, importSolution } from "./lib/dataverse-import";
import { defaultPaths, repoRoot } from "./lib/paths";
import { readProductVersion } from "./lib/version";

const USAGE = "usage: npm run deploy -- --env https://<org>.crm.dynamics.com [--managed] [--token <token>] [--zip <file>] [--overwrite-unmanaged] [--skip-publish]";

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: "string" },
      managed: { type: "boolean", default: false },
      token: { type: "string" },
      zip: { type: "string" },
      "overwrite-unmanaged": { type: "boolean", default: false },
      "skip-publish": { type: "boolean", default: false },
    },
  });
  if (!values.env) throw new Error(`--env is required\n${USAGE}`);
  const accessToken = values.token ?? process.env.DATAVERSE_TOKEN;
  if (!accessToken) throw new Error(`no access token: pass --token or set DATAVERSE_TOKEN\n${USAGE}`);
  const version = readProductVersion(repoRoot).solution.replace(/\./g, "_");
  const zipFile = path.resolve(values.zip ?? path.join(defaultPaths.dist, `CoSellConnector_${version}${values.managed ? "_managed" : ""}.zip`));
  if (!fs.existsSync(zipFile)) throw new Error(`${zipFile} not found — run "npm run build" first or pass --zip`);

  const result = await importSolution({
    environmentUrl: values.env,
    accessToken,
    zip: fs.readFileSync(zipFile),
    overwriteUnmanagedCustomizations: values["overwrite-unmanaged"],
    publish: !values["skip-publish"],
    onProgress: (p) => console.log(`[${p.stage}] ${p.message}`),
  });
  for (const warning of result.warnings) console.warn(`warning: ${warning}`);
  console.log(`✔ ${result.uniqueName} ${result.version} (${result.managed ? "managed" : "unmanaged"}) deployed with ${result.action}`);
}

main().catch((error: unknown) => {
  const prefix = error instanceof DataverseImportError ? "✖ Dataverse refused the import: " : "✖ ";
  console.error(prefix + (error instanceof Error ? error.message : String(error)));
  process.exitCode = 1;
});
