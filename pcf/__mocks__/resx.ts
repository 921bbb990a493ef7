import * as fs from "node:fs";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";

/** The `<data name><value>` pairs of a control's resx for one language, read from its strings folder. */
export function readResx(control: string, lcid: number): Map<string, string> {
  const file = path.join(__dirname, "..", control, "strings", `${control}.${lcid}.resx`);
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => name === "data" });
  const document = parser.parse(fs.readFileSync(file, "utf8")) as { root: { data?: { name: string; value: unknown }[] } };
  return new Map((document.root.data ?? []).map((entry) => [entry.name, String(entry.value ?? "")]));
}
