/**
 * Reading solution XML (customizations.xml, Entity.xml, relationship and option-set files) with
 * fast-xml-parser into plain nodes, plus the few accessors the loader needs.
 */
import { XMLParser, XMLValidator } from "fast-xml-parser";

export type XmlNode = Record<string, unknown>;

/** Elements that repeat; always parsed as arrays so one and many look alike. */
const REPEATED = new Set([
  "Entity",
  "attribute",
  "option",
  "state",
  "status",
  "label",
  "displayname",
  "LocalizedName",
  "LocalizedCollectionName",
  "EntityKey",
  "AttributeName",
  "EntityRelationship",
  "EntityRelationshipRole",
  "optionset",
  "EntityMap",
  "AttributeMap",
  "RootComponent",
  "Language",
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => REPEATED.has(name),
});

export class SolutionFormatError extends Error {}

export function parseXml(text: string, fileName: string): XmlNode {
  const xml = text.replace(/^\uFEFF/, "");
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new SolutionFormatError(`${fileName} is not well-formed XML: ${validation.err.msg} (line ${validation.err.line}).`);
  }
  return parser.parse(xml) as XmlNode;
}

export function child(node: unknown, name: string): XmlNode | undefined {
  if (!node || typeof node !== "object") return undefined;
  const value = (node as XmlNode)[name];
  if (Array.isArray(value)) return value[0] as XmlNode;
  return value && typeof value === "object" ? (value as XmlNode) : undefined;
}

export function children(node: unknown, name: string): XmlNode[] {
  if (!node || typeof node !== "object") return [];
  const value = (node as XmlNode)[name];
  if (value === undefined || value === "") return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === "object" && v !== null ? (v as XmlNode) : { "#text": v }));
}

/** Text content of a child element (or of the node itself when name is omitted). */
export function text(node: unknown, name?: string): string | undefined {
  const target = name === undefined ? node : (node as XmlNode | undefined)?.[name];
  const value = Array.isArray(target) ? target[0] : target;
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object") {
    const inner = (value as XmlNode)["#text"];
    return inner === undefined ? "" : String(inner);
  }
  return String(value);
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@${name}`];
  return value === undefined ? undefined : String(value);
}

export const flag = (node: unknown, name: string, fallback = false): boolean => {
  const value = text(node, name);
  if (value === undefined || value === "") return fallback;
  return value === "1" || value.toLowerCase() === "true";
};

export function numberOf(node: unknown, name: string): number | undefined {
  const value = text(node, name);
  if (value === undefined || value.trim() === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** The 1033 label of a `labels/label` or `displaynames/displayname` list, else the first. */
export function localizedLabel(entries: XmlNode[]): string | undefined {
  const english = entries.find((e) => attr(e, "languagecode") === "1033");
  return attr(english ?? entries[0], "description");
}
