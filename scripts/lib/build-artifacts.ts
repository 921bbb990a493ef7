import fs from "node:fs";
import path from "node:path";
import type { NamedSource } from "./solution-source";
import { controlManifestVersion } from "./version";
import { attr, parseXml, type XmlElement } from "./xml";

/** A file to place in the zip. */
export interface PackedFile {
  path: string;
  bytes: Uint8Array;
}

/** A control solution name `<prefix>_<Namespace>.<Constructor>` split into its parts (dataverse-pcf.md §2.8). */
export function parseControlName(name: string): { prefix: string; namespace: string; constructorName: string } {
  const match = /^([a-z0-9]+)_([A-Za-z0-9.]+)\.([A-Za-z0-9]+)$/.exec(name);
  if (!match) throw new Error(`custom control name "${name}" is not <prefix>_<Namespace>.<Constructor>`);
  return { prefix: match[1], namespace: match[2], constructorName: match[3] };
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * The pcf-scripts output of every control the source declares, placed under Controls/<name>/.
 * pcf-scripts writes `out/controls/<ControlFolder>/` (ControlManifest.xml, bundle.js, strings/…);
 * the folder is named after the constructor. The manifest must carry the product version.
 */
export function collectControlBuilds(controls: NamedSource[], controlsDir: string, expectedVersion: string): { files: PackedFile[]; problems: string[] } {
  const files: PackedFile[] = [];
  const problems: string[] = [];
  for (const control of controls) {
    const { namespace, constructorName } = parseControlName(control.name);
    const dir = path.join(controlsDir, constructorName);
    const manifestFile = path.join(dir, "ControlManifest.xml");
    if (!fs.existsSync(manifestFile)) {
      problems.push(`${control.name}: no built control at ${manifestFile} — run "npm run build -w pcf" (or "npm run build" for everything)`);
      continue;
    }
    const manifestText = fs.readFileSync(manifestFile, "utf8");
    const manifest = parseXml(manifestText, manifestFile).children.find((c) => c.name === "control");
    if (!manifest) {
      problems.push(`${manifestFile}: no <control> element`);
      continue;
    }
    const declared = `${attr(manifest, "namespace")}.${attr(manifest, "constructor")}`;
    if (declared !== `${namespace}.${constructorName}`) {
      problems.push(`${manifestFile}: declares ${declared}, but the solution expects ${namespace}.${constructorName}`);
    }
    const version = controlManifestVersion(manifestText);
    if (version !== expectedVersion) {
      problems.push(`${manifestFile}: built as version ${version}, expected ${expectedVersion} — run "npm run build" (it stamps the version before building the controls)`);
    }
    if (!fs.existsSync(path.join(dir, "bundle.js"))) problems.push(`${dir}: bundle.js is missing — the pcf build did not finish`);
    for (const file of filesUnder(dir).sort()) {
      const inside = path.relative(dir, file).split(path.sep).join("/");
      files.push({ path: `Controls/${control.name}/${inside}`, bytes: fs.readFileSync(file) });
    }
  }
  return { files, problems };
}

/** One entry of `webresources.json`, the list the web resources build writes next to its output. */
interface BuiltWebResource {
  file: string;
  name: string;
  type: number;
  dependencies?: string[];
  languageCode?: number;
}

/** Library names in a web resource's escaped `<DependencyXml>`. */
export function webResourceDependencies(resource: XmlElement): string[] {
  const xml = resource.children.find((c) => c.name === "DependencyXml")?.text ?? "";
  return [...xml.matchAll(/<Library\b[^>]*\sname="([^"]+)"/g)].map((m) => m[1]);
}

const sameMembers = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

/**
 * The web resources build (`webresources/dist/`) lists every file it writes in `webresources.json`
 * with the web resource name, type, language and dependencies. Each must match a .data.xml in the
 * solution source; the zip stores the file under the `<FileName>` that .data.xml declares.
 */
export function collectWebResourceBuilds(webResources: NamedSource[], webResourcesDir: string): { files: PackedFile[]; problems: string[] } {
  const listFile = path.join(webResourcesDir, "webresources.json");
  if (!fs.existsSync(listFile)) {
    return { files: [], problems: [`no web resources build at ${listFile} — run "npm run build -w webresources" (or "npm run build" for everything)`] };
  }
  let built: BuiltWebResource[];
  try {
    built = JSON.parse(fs.readFileSync(listFile, "utf8")) as BuiltWebResource[];
  } catch (error) {
    return { files: [], problems: [`${listFile} is not valid JSON (${(error as Error).message}) — rebuild with "npm run build -w webresources"`] };
  }
  const files: PackedFile[] = [];
  const problems: string[] = [];
  for (const entry of built) {
    if (!webResources.some((w) => w.name === entry.name)) {
      problems.push(`${listFile}: the build produces ${entry.name} (${entry.file}), but solution/WebResources has no ${entry.name}.data.xml for it`);
    }
  }
  for (const resource of webResources) {
    const entry = built.find((b) => b.name === resource.name);
    const fileName = resource.xml.children.find((c) => c.name === "FileName")?.text;
    if (!entry) {
      problems.push(`${resource.name}: not produced by the web resources build (${listFile})`);
      continue;
    }
    if (!fileName) {
      problems.push(`${resource.file}: <FileName> is missing`);
      continue;
    }
    const type = resource.xml.children.find((c) => c.name === "WebResourceType")?.text;
    if (type !== String(entry.type)) problems.push(`${resource.file}: WebResourceType ${type}, but the build declares type ${entry.type} for ${entry.file}`);
    const declared = webResourceDependencies(resource.xml);
    if (!sameMembers(declared, entry.dependencies ?? [])) {
      problems.push(`${resource.file}: DependencyXml lists [${declared.join(", ")}], the build needs [${(entry.dependencies ?? []).join(", ")}]`);
    }
    const language = resource.xml.children.find((c) => c.name === "LanguageCode")?.text ?? "0";
    if (entry.languageCode !== undefined && language !== String(entry.languageCode)) {
      problems.push(`${resource.file}: LanguageCode ${language}, the build says ${entry.languageCode}`);
    }
    const builtFile = path.join(webResourcesDir, entry.file);
    if (!fs.existsSync(builtFile)) {
      problems.push(`${resource.name}: ${builtFile} is listed in webresources.json but missing — rebuild with "npm run build -w webresources"`);
      continue;
    }
    files.push({ path: fileName.replace(/^\//, ""), bytes: fs.readFileSync(builtFile) });
  }
  return { files, problems };
}
