import fs from "node:fs";
import path from "node:path";
import { splitRoot, type RootSplit } from "./export-text";
import { child, childText, children, parseXml, type XmlElement } from "./xml";

/**
 * The solution source in the SolutionPackager "unpacked" layout (dataverse-pcf.md §2.12):
 * Other/{Solution,Customizations,Relationships}.xml, Other/Relationships/*.xml,
 * Entities/<Table>/{Entity.xml, RibbonDiff.xml, FormXml/<type>/{id}.xml, SavedQueries/{id}.xml},
 * WebResources/<name>.data.xml, Controls/<name>/ControlManifest.xml.data.xml,
 * environmentvariabledefinitions/<schema>/environmentvariabledefinition.xml.
 */
export interface SourceFile {
  /** Path relative to the source folder, with forward slashes. */
  file: string;
  split: RootSplit;
  xml: XmlElement;
}

export interface EntitySource {
  /** Schema name as written in `<Name>` (e.g. Opportunity, cosell_solution). */
  name: string;
  entity: SourceFile;
  forms: Array<SourceFile & { type: string; formId: string }>;
  savedQueries: SourceFile[];
  ribbon?: SourceFile;
}

export interface NamedSource extends SourceFile {
  name: string;
}

export interface SolutionSource {
  dir: string;
  solution: SourceFile;
  customizations: SourceFile;
  entities: EntitySource[];
  /** Relationship names in the order Other/Relationships.xml lists them. */
  relationshipOrder: string[];
  relationships: Map<string, { file: string; lines: string[]; xml: XmlElement }>;
  webResources: NamedSource[];
  controls: NamedSource[];
  environmentVariables: NamedSource[];
}

const KNOWN_FOLDERS = new Set(["Other", "Entities", "WebResources", "Controls", "environmentvariabledefinitions"]);

const byName = (a: { name: string }, b: { name: string }): number =>
  a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;

function rel(dir: string, file: string): string {
  return path.relative(dir, file).split(path.sep).join("/");
}

function readSource(dir: string, file: string): SourceFile {
  const full = path.join(dir, file);
  if (!fs.existsSync(full)) throw new Error(`solution source is missing ${file} (looked in ${dir})`);
  const text = fs.readFileSync(full, "utf8");
  return { file, xml: parseXml(text, file), split: splitRoot(text, file) };
}

function listFiles(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full, suffix));
    else if (entry.name.endsWith(suffix)) out.push(full);
  }
  return out.sort();
}

function loadEntity(dir: string, folder: string): EntitySource {
  const base = `Entities/${folder}`;
  const entity = readSource(dir, `${base}/Entity.xml`);
  const name = childText(entity.xml, "Name");
  if (!name) throw new Error(`${base}/Entity.xml: <Name> is missing`);
  if (name !== folder) throw new Error(`${base}/Entity.xml: <Name>${name}</Name> does not match its folder "${folder}"`);

  const forms = listFiles(path.join(dir, base, "FormXml"), ".xml").map((full) => {
    const file = rel(dir, full);
    const type = path.basename(path.dirname(full));
    const source = readSource(dir, file);
    const formId = childText(child(source.xml, "systemform") ?? source.xml, "formid") ?? "";
    if (`${formId}.xml` !== path.basename(full)) throw new Error(`${file}: <formid>${formId}</formid> does not match the file name`);
    return { ...source, type, formId };
  });
  const savedQueries = listFiles(path.join(dir, base, "SavedQueries"), ".xml").map((full) => readSource(dir, rel(dir, full)));
  const ribbonFile = `${base}/RibbonDiff.xml`;
  const ribbon = fs.existsSync(path.join(dir, ribbonFile)) ? readSource(dir, ribbonFile) : undefined;
  return { name, entity, forms, savedQueries, ribbon };
}

function loadRelationships(dir: string): Pick<SolutionSource, "relationshipOrder" | "relationships"> {
  const relationships = new Map<string, { file: string; lines: string[]; xml: XmlElement }>();
  for (const full of listFiles(path.join(dir, "Other", "Relationships"), ".xml")) {
    const source = readSource(dir, rel(dir, full));
    // Each <EntityRelationship> starts at column 0 of the de-indented content; cut the content at those lines.
    const starts = source.split.inner.flatMap((line, i) => (line.startsWith("<EntityRelationship ") ? [i] : []));
    starts.forEach((start, k) => {
      const lines = source.split.inner.slice(start, starts[k + 1] ?? source.split.inner.length);
      const xml = parseXml(lines.join("\n"), source.file);
      const name = xml.attrs.Name;
      if (relationships.has(name)) throw new Error(`${source.file}: relationship ${name} is defined twice`);
      relationships.set(name, { file: source.file, lines, xml });
    });
  }
  const indexFile = "Other/Relationships.xml";
  const relationshipOrder = fs.existsSync(path.join(dir, indexFile))
    ? children(readSource(dir, indexFile).xml, "EntityRelationship").map((r) => r.attrs.Name)
    : [];
  for (const name of relationshipOrder) {
    if (!relationships.has(name)) throw new Error(`${indexFile} lists ${name}, but no file under Other/Relationships/ defines it`);
  }
  for (const [name, { file }] of relationships) {
    if (!relationshipOrder.includes(name)) throw new Error(`${file} defines ${name}, but ${indexFile} does not list it`);
  }
  return { relationshipOrder, relationships };
}

function loadNamed(dir: string, folder: string, suffix: string, nameOf: (xml: XmlElement) => string | undefined): NamedSource[] {
  return listFiles(path.join(dir, folder), suffix)
    .map((full) => {
      const source = readSource(dir, rel(dir, full));
      const name = nameOf(source.xml);
      if (!name) throw new Error(`${source.file}: cannot find the component name`);
      return { ...source, name };
    })
    .sort(byName);
}

/** Reads and parses the whole source tree; throws an error naming the file for anything malformed. */
export function loadSolutionSource(dir: string): SolutionSource {
  if (!fs.existsSync(path.join(dir, "Other", "Solution.xml"))) {
    throw new Error(`${dir} is not a solution source folder (Other/Solution.xml is missing)`);
  }
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory() && !KNOWN_FOLDERS.has(entry.name)) {
      throw new Error(`solution source folder "${entry.name}" is not supported by the packer (supported: ${[...KNOWN_FOLDERS].join(", ")})`);
    }
  }
  const entities = fs.existsSync(path.join(dir, "Entities"))
    ? fs
        .readdirSync(path.join(dir, "Entities"), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => loadEntity(dir, e.name))
        .sort(byName)
    : [];
  return {
    dir,
    solution: readSource(dir, "Other/Solution.xml"),
    customizations: readSource(dir, "Other/Customizations.xml"),
    entities,
    ...loadRelationships(dir),
    webResources: loadNamed(dir, "WebResources", ".data.xml", (x) => childText(x, "Name")),
    controls: loadNamed(dir, "Controls", ".data.xml", (x) => childText(x, "Name")),
    environmentVariables: loadNamed(dir, "environmentvariabledefinitions", ".xml", (x) => x.attrs.schemaname),
  };
}
