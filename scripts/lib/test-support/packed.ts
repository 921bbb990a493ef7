import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { packSolution, type PackedSolution } from "../pack";
import { defaultPaths, repoRoot } from "../paths";
import { readProductVersion } from "../version";
import { readZip, writeZip } from "../zip";
import { writeFixtureBuilds } from "./fixture-builds";

export interface PackedZip extends PackedSolution {
  bytes: Uint8Array;
}

/** Packs a solution source (the real one by default) with fixture builds standing in for pcf and webresources. */
export function packWithFixtureBuilds(sourceDir = defaultPaths.solutionSource): PackedZip[] {
  const version = readProductVersion(repoRoot);
  const builds = writeFixtureBuilds(version.control);
  try {
    return packSolution({ sourceDir, controlsDir: builds.controlsDir, webResourcesDir: builds.webResourcesDir, version }).map((p) => ({ ...p, bytes: writeZip(p.files) }));
  } finally {
    builds.cleanup();
  }
}

/** A writable copy of the solution source, for tests that break it on purpose. */
export function copySolutionSource(): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cosell-solution-"));
  fs.cpSync(defaultPaths.solutionSource, dir, { recursive: true });
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function editFile(file: string, edit: (text: string) => string): void {
  const text = fs.readFileSync(file, "utf8");
  const edited = edit(text);
  if (edited === text) throw new Error(`test edit changed nothing in ${file}`);
  fs.writeFileSync(file, edited);
}

/** Rewrites entries of a zip (text edits by path; `undefined` removes the entry). */
export function editZip(bytes: Uint8Array, edits: Record<string, ((text: string) => string) | undefined>): Uint8Array {
  const entries = readZip(bytes, "test zip");
  for (const [part, edit] of Object.entries(edits)) {
    const current = entries.get(part);
    if (!current) throw new Error(`test zip has no ${part}`);
    if (!edit) {
      entries.delete(part);
      continue;
    }
    const text = new TextDecoder().decode(current);
    const edited = edit(text);
    if (edited === text) throw new Error(`test edit changed nothing in ${part}`);
    entries.set(part, new TextEncoder().encode(edited));
  }
  return writeZip([...entries].map(([p, b]) => ({ path: p, bytes: b })));
}
