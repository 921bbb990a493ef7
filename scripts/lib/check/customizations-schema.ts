import fs from "node:fs";
import path from "node:path";
import { memoryPages, validateXML, type XMLValidationError } from "xmllint-wasm";
import { knownGapFor, stripKnownGaps, type KnownSchemaGap } from "./known-schema-gaps";

/** One schema error in customizations.xml, with the known gap that explains it when there is one. */
export interface SchemaFinding {
  line: number | undefined;
  message: string;
  knownGap?: KnownSchemaGap;
  /** Found only after known gaps were stripped (libxml2 had skipped that part on the first pass). */
  hidden: boolean;
}

const ROOT_SCHEMA = "CustomizationsSolution.xsd";

/**
 * The same repair in every copy we load: xmllint-wasm ships libxml2 2.13, which (unlike the 2.9 the
 * reference notes used) rejects FormXml.xsd's control <parameters> model as non-deterministic, because
 * the stand-alone "Search Widget parameters" branch repeats elements the "tabs control" branch already
 * allows (SearchWidgetControlParameters). Dropping the duplicate branch leaves the accepted documents
 * unchanged and lets the schema compile.
 */
const DUPLICATE_SEARCH_WIDGET_BRANCH =
  /\s*<!-- Search Widget parameters -->\s*<xs:choice minOccurs="1" maxOccurs="unbounded">\s*<xs:group ref="SearchWidgetControlParameters" minOccurs="0" maxOccurs="unbounded" \/>\s*<\/xs:choice>/;

export interface SchemaSet {
  main: { fileName: string; contents: string };
  includes: Array<{ fileName: string; contents: string }>;
}

export function loadSchemaSet(dir: string): SchemaSet {
  if (!fs.existsSync(path.join(dir, ROOT_SCHEMA))) {
    throw new Error(`${ROOT_SCHEMA} not found in ${dir} — the reference schemas are expected in ../shared/reference/dataverse-schemas/ beside the repository`);
  }
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".xsd")).sort();
  const load = (fileName: string): { fileName: string; contents: string } => {
    let contents = fs.readFileSync(path.join(dir, fileName), "utf8");
    if (fileName === "FormXml.xsd") {
      if (!DUPLICATE_SEARCH_WIDGET_BRANCH.test(contents)) {
        throw new Error(`${path.join(dir, fileName)} changed: the duplicate Search Widget branch this checker removes is not there; review customizations-schema.ts`);
      }
      contents = contents.replace(DUPLICATE_SEARCH_WIDGET_BRANCH, "");
    }
    return { fileName, contents };
  };
  return { main: load(ROOT_SCHEMA), includes: files.filter((f) => f !== ROOT_SCHEMA).map(load) };
}

async function runXmllint(xml: string, schemas: SchemaSet): Promise<readonly XMLValidationError[]> {
  const result = await validateXML({
    xml: [{ fileName: "customizations.xml", contents: xml }],
    schema: [schemas.main],
    preload: schemas.includes,
    maxMemoryPages: memoryPages.GiB,
  });
  return result.errors;
}

/**
 * Validates customizations.xml against Microsoft's CustomizationsSolution.xsd. Each error is matched
 * against the known gaps; then the known-gap constructs are stripped and the copy validated again,
 * so errors libxml2 did not reach on the first pass are reported too.
 */
export async function validateCustomizations(xml: string, schemas: SchemaSet): Promise<SchemaFinding[]> {
  const text = xml.replace(/^\uFEFF/, "");
  const lines = text.split(/\r?\n/);
  const classify = (error: XMLValidationError, hidden: boolean): SchemaFinding => {
    const line = error.loc?.lineNumber;
    const message = error.message.replace(/^Schemas validity error : /, "").trim();
    return { line, message, hidden, knownGap: knownGapFor(message, line ? lines[line - 1] ?? "" : "") };
  };
  const first = (await runXmllint(text, schemas)).map((e) => classify(e, false));
  const seen = new Set(first.map((f) => `${f.line}:${f.message}`));
  const second = (await runXmllint(stripKnownGaps(text), schemas))
    .map((e) => classify(e, true))
    .filter((f) => !seen.has(`${f.line}:${f.message}`));
  return [...first, ...second];
}
