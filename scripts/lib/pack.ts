import { buildCustomizationsXml, buildSolutionXml } from "./assemble";
import { collectControlBuilds, collectWebResourceBuilds, type PackedFile } from "./build-artifacts";
import { buildContentTypes } from "./content-types";
import { exportText, indent } from "./export-text";
import { checkSourceAgainstSchema } from "./schema-consistency";
import { loadSolutionSource, type SolutionSource } from "./solution-source";
import { solutionXmlVersion, type ProductVersion } from "./version";
import { checkStructure, openPackage } from "./check/structure";
import { child, childText } from "./xml";

export interface PackOptions {
  sourceDir: string;
  /** pcf-scripts output folder (`pcf/out/controls`). */
  controlsDir: string;
  /** esbuild output folder of the form scripts (`webresources/dist`). */
  webResourcesDir: string;
  version: ProductVersion;
}

export interface PackedSolution {
  fileName: string;
  managed: boolean;
  files: PackedFile[];
}

/** Thrown when the source or the builds are not fit to pack; `problems` lists every finding. */
export class PackError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot pack the solution:\n  - ${problems.join("\n  - ")}`);
  }
}

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Root parts first, in the order CrmLive writes them (e.g. the Contoso export), then everything else sorted. */
const ROOT_PARTS = ["customizations.xml", "[Content_Types].xml", "solution.xml"];
function orderEntries(files: PackedFile[]): PackedFile[] {
  const rank = (p: string): number => (ROOT_PARTS.includes(p) ? ROOT_PARTS.indexOf(p) : ROOT_PARTS.length);
  return [...files].sort((a, b) => rank(a.path) - rank(b.path) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function environmentVariableFiles(source: SolutionSource): PackedFile[] {
  return source.environmentVariables.map((v) => ({
    path: v.file,
    bytes: utf8(exportText([v.split.documentOpen, ...indent(v.split.inner, 2), v.split.close])),
  }));
}

/**
 * Loads and checks the source and the builds once, then produces the managed and the unmanaged
 * package. Throws a PackError listing every problem found (source vs schema.ts, version, missing builds).
 */
export function packSolution(options: PackOptions): PackedSolution[] {
  const source = loadSolutionSource(options.sourceDir);
  const problems = checkSourceAgainstSchema(source);
  const sourceVersion = solutionXmlVersion(source.solution.split.inner.join("\n"));
  if (sourceVersion !== options.version.solution) {
    problems.push(`${source.solution.file}: <Version>${sourceVersion}</Version> differs from package.json (${options.version.solution}) — run "npm run version:stamp"`);
  }
  for (const variable of source.environmentVariables) {
    if (variable.file !== `environmentvariabledefinitions/${variable.name}/environmentvariabledefinition.xml`) {
      problems.push(`${variable.file}: the folder must be named after schemaname "${variable.name}"`);
    }
  }
  const controls = collectControlBuilds(source.controls, options.controlsDir, options.version.control);
  const webResources = collectWebResourceBuilds(source.webResources, options.webResourcesDir);
  problems.push(...controls.problems, ...webResources.problems);
  if (problems.length) throw new PackError(problems);

  const manifest = child(source.solution.xml, "SolutionManifest");
  const uniqueName = manifest && childText(manifest, "UniqueName");
  if (!uniqueName) throw new PackError([`${source.solution.file}: <SolutionManifest><UniqueName> is missing`]);
  const versionTag = options.version.solution.replace(/\./g, "_");
  const customizations = buildCustomizationsXml(source);
  const payload = [...controls.files, ...webResources.files, ...environmentVariableFiles(source)];

  return [true, false].map((managed) => {
    const parts: PackedFile[] = [
      { path: "customizations.xml", bytes: utf8(customizations) },
      { path: "solution.xml", bytes: utf8(buildSolutionXml(source, { managed, version: options.version.solution })) },
      ...payload,
    ];
    parts.push({ path: "[Content_Types].xml", bytes: utf8(buildContentTypes(parts.map((p) => p.path))) });
    // The same structural checks as solution:check, so a package with dangling references is never written.
    const opened = openPackage(new Map(parts.map((p) => [p.path, p.bytes])));
    const structure = opened.pkg ? checkStructure(opened.pkg) : opened.problems;
    if (structure.length) throw new PackError(structure.map((p) => `${managed ? "managed" : "unmanaged"} package: ${p}`));
    return {
      fileName: `${uniqueName}_${versionTag}${managed ? "_managed" : ""}.zip`,
      managed,
      files: orderEntries(parts),
    };
  });
}
