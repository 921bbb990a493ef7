// npm run solution:check [zip…]: checks solution zips (default: every zip in dist/) — structure, and
// customizations.xml against Microsoft's CustomizationsSolution.xsd with known schema gaps reported
// separately. Exits 1 when any zip has a real problem.
import fs from "node:fs";
import path from "node:path";
import { checkSolutionPackage, formatReport } from "./lib/check/check-package";
import { loadSchemaSet } from "./lib/check/customizations-schema";
import { defaultPaths } from "./lib/paths";

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const zips = args.length
    ? args.map((a) => path.resolve(a))
    : fs.existsSync(defaultPaths.dist)
      ? fs.readdirSync(defaultPaths.dist).filter((f) => f.endsWith(".zip")).sort().map((f) => path.join(defaultPaths.dist, f))
      : [];
  if (!zips.length) {
    console.error(`no solution zips to check: pass paths, or run "npm run build" to create them in ${defaultPaths.dist}`);
    return 1;
  }
  const schemas = loadSchemaSet(defaultPaths.customizationsSchemas);
  let failed = 0;
  for (const zip of zips) {
    if (!fs.existsSync(zip)) {
      console.error(`✖ ${zip}: file not found`);
      failed += 1;
      continue;
    }
    const report = await checkSolutionPackage(fs.readFileSync(zip), path.relative(process.cwd(), zip), schemas);
    console.log(formatReport(report));
    if (!report.ok) failed += 1;
  }
  console.log(failed ? `${failed} of ${zips.length} package(s) failed` : `${zips.length} package(s) passed`);
  return failed ? 1 : 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
