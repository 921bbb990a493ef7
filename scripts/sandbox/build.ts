/**
 * The sandbox runs what a customer would import: the packed managed solution zip. It is rebuilt
 * (`npm run build`) when it is missing or older than any of the sources that go into it.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { repoRoot } from "../lib/paths";
import { readProductVersion } from "../lib/version";

/** Folders whose files end up in the zip, and what under them is not a source. */
const SOURCES = ["solution", "pcf", "webresources/src", "webresources/scripts", "core/src"];
const NOT_SOURCES = new Set(["node_modules", "out", "dist", "generated", "__mocks__", "coverage"]);
const TEST_FILE = /\.test\.tsx?$/;

export function managedZipPath(root = repoRoot): string {
  const version = readProductVersion(root).solution.replace(/\./g, "_");
  return path.join(root, "dist", `CoSellConnector_${version}_managed.zip`);
}

/** Why a build is needed, or undefined when the zip is up to date. */
export function buildNeeded(root = repoRoot): string | undefined {
  const zip = managedZipPath(root);
  if (!fs.existsSync(zip)) return `${path.relative(root, zip)} does not exist yet`;
  const builtAt = fs.statSync(zip).mtimeMs;
  for (const folder of SOURCES) {
    const newer = newerFile(path.join(root, folder), builtAt);
    if (newer) return `${path.relative(root, newer)} changed after ${path.basename(zip)} was built`;
  }
  return undefined;
}

function newerFile(dir: string, than: number): string | undefined {
  if (!fs.existsSync(dir)) return undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (NOT_SOURCES.has(entry.name) || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const found = newerFile(full, than);
      if (found) return found;
    } else if (!TEST_FILE.test(entry.name) && fs.statSync(full).mtimeMs > than) {
      return full;
    }
  }
  return undefined;
}

/** Runs `npm run build` at the repository root, streaming its output through `log`. */
export function runBuild(log: (line: string) => void, root = repoRoot): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("npm", ["run", "build"], { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, PP_TOOLS_TELEMETRY_OPTOUT: "true" } });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split(/\r?\n/)) if (line.trim()) log(`  ${line}`);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", (error) => reject(new Error(`"npm run build" could not start: ${error.message}`)));
    child.on("close", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`"npm run build" failed (${signal ?? `exit ${code}`}); fix the error above, or start with --no-build to use the last build.`));
    });
  });
}

/** The zip to import, building it first when asked and needed. */
export async function ensureSolutionZip(build: boolean, log: (line: string) => void, root = repoRoot): Promise<string> {
  const reason = buildNeeded(root);
  if (reason && build) {
    log(`Building the solution (${reason}) …`);
    await runBuild(log, root);
    const still = buildNeeded(root);
    if (still) throw new Error(`"npm run build" finished but ${still}.`);
  } else if (reason) {
    const zip = managedZipPath(root);
    if (!fs.existsSync(zip)) throw new Error(`${path.relative(root, zip)} does not exist; run "npm run build" (or start without --no-build).`);
    log(`Using the existing build although ${reason} (--no-build).`);
  }
  return managedZipPath(root);
}
