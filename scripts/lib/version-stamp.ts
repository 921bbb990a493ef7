import fs from "node:fs";
import path from "node:path";
import { solutionXmlVersion, stampControlManifest, stampedManifestVersion, stampSolutionXml, type ProductVersion } from "./version";

export interface StampTarget {
  file: string;
  current: string | undefined;
  wanted: string;
}

function controlManifests(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "out" || entry.name.startsWith(".")) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return controlManifests(full);
    return entry.name === "ControlManifest.Input.xml" ? [full] : [];
  });
}

/** Solution.xml of the solution source and every PCF ControlManifest.Input.xml, with their versions now and wanted. */
export function stampTargets(repoRoot: string, version: ProductVersion): StampTarget[] {
  const solutionXml = path.join(repoRoot, "solution", "Other", "Solution.xml");
  return [
    { file: solutionXml, current: solutionXmlVersion(fs.readFileSync(solutionXml, "utf8")), wanted: version.solution },
    ...controlManifests(path.join(repoRoot, "pcf")).sort().map((file) => ({
      file,
      current: stampedManifestVersion(fs.readFileSync(file, "utf8")),
      wanted: version.control,
    })),
  ];
}

/**
 * Rewrites the targets whose version differs; returns the ones it changed. Files keep their bytes
 * otherwise. Every file is stamped in memory first, so a file that cannot be stamped leaves all of
 * them as they were rather than some on the new version.
 */
export function stampVersions(repoRoot: string, version: ProductVersion): StampTarget[] {
  const changed = stampTargets(repoRoot, version).filter((t) => t.current !== t.wanted);
  const stamped = changed.map((target) => {
    const text = fs.readFileSync(target.file, "utf8");
    return target.file.endsWith("Solution.xml")
      ? stampSolutionXml(text, target.wanted, target.file)
      : stampControlManifest(text, target.wanted, target.file);
  });
  changed.forEach((target, i) => fs.writeFileSync(target.file, stamped[i]));
  return changed;
}
