/**
 * The form harness's browser code (sandbox/harness/src), bundled with esbuild when the sandbox
 * starts, so a change to the harness needs only a restart, never a separate build step.
 */
import fs from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import { repoRoot } from "../lib/paths";

export const HARNESS_DIR = path.join(repoRoot, "sandbox", "harness");

export interface HarnessAssets {
  script: string;
  styles: string;
}

export async function bundleHarness(): Promise<HarnessAssets> {
  const result = await build({
    entryPoints: [path.join(HARNESS_DIR, "src", "main.ts")],
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    charset: "utf8",
    sourcemap: "inline",
    write: false,
    logLevel: "silent",
    tsconfig: path.join(HARNESS_DIR, "tsconfig.json"),
  }).catch((error: Error) => {
    throw new Error(`The form harness does not compile: ${error.message}`);
  });
  const script = result.outputFiles[0]?.text;
  if (!script) throw new Error("esbuild produced no output for the form harness.");
  return { script, styles: fs.readFileSync(path.join(HARNESS_DIR, "harness.css"), "utf8") };
}
