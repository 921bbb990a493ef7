import fs from "node:fs";
import path from "node:path";

/**
 * One version number for everything we ship: the root package.json `version` (x.y.z).
 * Dataverse wants four numeric parts on the solution (x.y.z.0) and PCF manifests use x.y.z;
 * a control is only replaced on import when its version goes up, so both must move together.
 */
export interface ProductVersion {
  /** x.y.z, as in package.json and the PCF manifests. */
  control: string;
  /** x.y.z.0, as in Solution.xml. */
  solution: string;
}

export function parseProductVersion(version: string, where: string): ProductVersion {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) {
    throw new Error(`${where}: version "${version}" must be three numbers (major.minor.patch); Dataverse solution versions cannot carry pre-release or build tags`);
  }
  if (match.slice(1).some((part) => Number(part) > 2147483647)) throw new Error(`${where}: version "${version}" has a part larger than Dataverse accepts`);
  return { control: version, solution: `${version}.0` };
}

export function readProductVersion(repoRoot: string): ProductVersion {
  const file = path.join(repoRoot, "package.json");
  const { version } = JSON.parse(fs.readFileSync(file, "utf8")) as { version?: string };
  if (!version) throw new Error(`${file} has no "version"`);
  return parseProductVersion(version, file);
}

const CONTROL_VERSION = /(<control\b[^>]*?\sversion=")([^"]*)(")/;
/** resx and css resources carry their own version; the platform caches them by it, so they move with the control. */
const RESOURCE_VERSION = /(<(?:resx|css)\b[^>]*?\sversion=")([^"]*)(")/g;
const SOLUTION_VERSION = /(<Version>)([^<]*)(<\/Version>)/;

export function controlManifestVersion(manifest: string): string | undefined {
  return CONTROL_VERSION.exec(manifest)?.[2];
}

/** The version a manifest is stamped with, or "mixed" when its resources disagree with the control. */
export function stampedManifestVersion(manifest: string): string | undefined {
  const control = controlManifestVersion(manifest);
  const resources = [...manifest.matchAll(RESOURCE_VERSION)].map((m) => m[2]);
  return resources.every((v) => v === control) ? control : "mixed";
}

export function solutionXmlVersion(solutionXml: string): string | undefined {
  return SOLUTION_VERSION.exec(solutionXml)?.[2];
}

/** Sets `<control version="…">` and the resx/css resource versions in a PCF manifest. */
export function stampControlManifest(manifest: string, version: string, where: string): string {
  if (!CONTROL_VERSION.test(manifest)) throw new Error(`${where}: no <control … version="…"> to stamp`);
  return manifest.replace(CONTROL_VERSION, `$1${version}$3`).replace(RESOURCE_VERSION, `$1${version}$3`);
}

/** Sets the solution `<Version>` in Solution.xml. */
export function stampSolutionXml(solutionXml: string, version: string, where: string): string {
  if (!SOLUTION_VERSION.test(solutionXml)) throw new Error(`${where}: no <Version> to stamp`);
  return solutionXml.replace(SOLUTION_VERSION, `$1${version}$3`);
}
