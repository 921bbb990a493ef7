import { XMLParser, XMLValidator } from "fast-xml-parser";

/** A parsed XML element: name, attributes, child elements and its own text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown> & { ":@"?: Record<string, string> };

const ATTRIBUTE_PREFIX = "@_";

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  // A prefix keeps attribute names such as PCF's `constructor` clear of the parser's reserved-name guard.
  attributeNamePrefix: ATTRIBUTE_PREFIX,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
});

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ":@");
  if (!name || name === "#text" || name.startsWith("?")) return undefined;
  const raw = node[name] as OrderedNode[];
  const attrs = Object.fromEntries(Object.entries(node[":@"] ?? {}).map(([k, v]) => [k.slice(ATTRIBUTE_PREFIX.length), v]));
  const element: XmlElement = { name, attrs, children: [], text: "" };
  for (const child of raw) {
    if ("#text" in child) element.text += String(child["#text"]);
    else {
      const el = toElement(child);
      if (el) element.children.push(el);
    }
  }
  return element;
}

/** Parses an XML document; throws with the file name and the parser's line/column on malformed input. */
export function parseXml(text: string, fileName: string): XmlElement {
  const body = text.replace(/^\uFEFF/, "");
  const verdict = XMLValidator.validate(body);
  if (verdict !== true) {
    const { msg, line, col } = verdict.err;
    throw new Error(`${fileName}:${line}:${col}: malformed XML: ${msg}`);
  }
  const root = (parser.parse(body) as OrderedNode[]).map(toElement).find((e): e is XmlElement => e !== undefined);
  if (!root) throw new Error(`${fileName}: no root element`);
  return root;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}

/** Every descendant (depth first, document order) named `name`. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    for (const c of e.children) {
      if (c.name === name) found.push(c);
      walk(c);
    }
  };
  walk(el);
  return found;
}

/** Text of a child element, or undefined when the child is absent. */
export function childText(el: XmlElement, name: string): string | undefined {
  return child(el, name)?.text;
}

export function escapeXml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** An attribute's value; safe for names such as `constructor` that plain objects also inherit. */
export function attr(el: XmlElement, name: string): string | undefined {
  return Object.hasOwn(el.attrs, name) ? el.attrs[name] : undefined;
}
