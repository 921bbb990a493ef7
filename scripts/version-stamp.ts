// Stamps the root package.json version into solution/Other/Solution.xml (x.y.z.0) and every PCF
// ControlManifest.Input.xml (x.y.z). `--check` only reports files that are out of date (exit 1).
import path from "node:path";
import { parseArgs } from "node:util";
import { repoRoot } from "./lib/paths";
import { readProductVersion } from "./lib/version";
import { stampTargets, stampVersions } from "./lib/version-stamp";

function main(): number {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const version = readProductVersion(repoRoot);
  const show = (file: string): string => path.relative(repoRoot, file);
  if (values.check) {
    const stale = stampTargets(repoRoot, version).filter((t) => t.current !== t.wanted);
    for (const t of stale) console.error(`${show(t.file)}: version ${t.current ?? "(none)"}, expected ${t.wanted} — run "npm run version:stamp"`);
    if (!stale.length) console.log(`all versions are ${version.control}`);
    return stale.length ? 1 : 0;
  }
  const changed = stampVersions(repoRoot, version);
  for (const t of changed) console.log(`${show(t.file)}: ${t.current ?? "(none)"} → ${t.wanted}`);
  if (!changed.length) console.log(`all versions already ${version.control}`);
  return 0;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
}
