// npm run build: stamp the product version, build the PCF controls and the form scripts, then pack
// dist/CoSellConnector_<version>_managed.zip and dist/CoSellConnector_<version>.zip.
//   --skip-workspace-builds   pack the outputs already in pcf/out and webresources/dist
//   --out <dir>               where to write the zips (default dist/)
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PackError, packSolution } from "./lib/pack";
import { defaultPaths, repoRoot } from "./lib/paths";
import { readProductVersion } from "./lib/version";
import { stampVersions } from "./lib/version-stamp";
import { writeZip } from "./lib/zip";

function buildWorkspace(workspace: string): void {
  const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, workspace, "package.json"), "utf8")) as { scripts?: Record<string, string> };
  if (!manifest.scripts?.build) {
    console.warn(`! ${workspace} has no "build" script yet; packing whatever is already in its output folder`);
    return;
  }
  console.log(`> npm run build -w ${workspace}`);
  const result = spawnSync("npm", ["run", "build", "-w", workspace], { cwd: repoRoot, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`"npm run build -w ${workspace}" failed (exit ${result.status ?? result.signal})`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      "skip-workspace-builds": { type: "boolean", default: false },
      out: { type: "string", default: defaultPaths.dist },
    },
  });
  const version = readProductVersion(repoRoot);
  for (const stamped of stampVersions(repoRoot, version)) {
    console.log(`stamped ${path.relative(repoRoot, stamped.file)}: ${stamped.current ?? "(none)"} → ${stamped.wanted}`);
  }
  if (!values["skip-workspace-builds"]) {
    buildWorkspace("pcf");
    buildWorkspace("webresources");
  }
  const packages = packSolution({
    sourceDir: defaultPaths.solutionSource,
    controlsDir: defaultPaths.controlsBuild,
    webResourcesDir: defaultPaths.webResourcesBuild,
    version,
  });
  const outDir = path.resolve(values.out);
  fs.mkdirSync(outDir, { recursive: true });
  // Write beside the target and rename, so an interrupted build never leaves a truncated zip.
  for (const pkg of packages) {
    const file = path.join(outDir, pkg.fileName);
    fs.writeFileSync(`${file}.partial`, writeZip(pkg.files));
    fs.renameSync(`${file}.partial`, file);
    console.log(`packed ${path.relative(process.cwd(), file)} (${pkg.managed ? "managed" : "unmanaged"}, ${pkg.files.length} entries)`);
  }
  // Packages of earlier versions would otherwise be checked and deployed by mistake.
  const current = new Set(packages.map((p) => p.fileName));
  const prefix = packages[0].fileName.replace(/_\d+_\d+_\d+_\d+(_managed)?\.zip$/, "_");
  for (const stale of fs.readdirSync(outDir).filter((f) => f.startsWith(prefix) && f.endsWith(".zip") && !current.has(f))) {
    fs.rmSync(path.join(outDir, stale));
    console.log(`removed ${stale} (an earlier version)`);
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof PackError || error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
