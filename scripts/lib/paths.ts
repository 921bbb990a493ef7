import path from "node:path";

/** Repository root (scripts/lib → ../..). */
export const repoRoot = path.resolve(__dirname, "../..");

/** The shared design/reference folder sits beside the repository (CI clones it there). */
export const referenceDir = path.resolve(repoRoot, "../shared/reference");

export const defaultPaths = {
  solutionSource: path.join(repoRoot, "solution"),
  controlsBuild: path.join(repoRoot, "pcf", "out", "controls"),
  webResourcesBuild: path.join(repoRoot, "webresources", "dist"),
  dist: path.join(repoRoot, "dist"),
  /** Microsoft's 2018 schema set with the .NET-only regex patterns rewritten (see its INDEX.md entry). */
  customizationsSchemas: path.join(referenceDir, "dataverse-schemas", "9.0.0.2090-xmllint-compatible"),
  referenceSolutions: path.join(referenceDir, "solutions"),
};
