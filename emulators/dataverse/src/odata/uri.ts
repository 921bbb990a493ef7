/**
 * Splits a Web API resource path and query string: entity sets with keys (`accounts(<guid>)`,
 * alternate keys `accounts(accountnumber='A-1')`), navigation segments, `$ref`, `$count`,
 * function calls with parameters and parameter aliases, and the system query options.
 */
import { badRequest } from "../errors";
import { isGuid, normalizeGuid } from "../ids";
import { parseFilter, parseLiteral, type Expr } from "./filter";

export interface Segment {
  name: string;
  /** Text between the parentheses that follow the name, undecoded; undefined when there are none. */
  args?: string;
}

export type KeyValue = string | number | boolean | null;

export type ParsedKey = { kind: "id"; id: string } | { kind: "alternate"; values: Record<string, KeyValue> };

/** Splits on '/' outside parentheses and quotes, percent-decoding each segment. */
export function splitPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  const flush = () => {
    if (current === "") return;
    segments.push(parseSegment(current));
    current = "";
  };
  for (const ch of path) {
    if (ch === "'" ) quoted = !quoted;
    if (!quoted && ch === "(") depth++;
    if (!quoted && ch === ")") depth--;
    if (ch === "/" && depth === 0 && !quoted) {
      flush();
      continue;
    }
    current += ch;
  }
  flush();
  return segments;
}

function parseSegment(raw: string): Segment {
  const decoded = safeDecode(raw);
  const open = decoded.indexOf("(");
  if (open < 0 || !decoded.endsWith(")")) return { name: decoded };
  return { name: decoded.slice(0, open), args: decoded.slice(open + 1, -1) };
}

export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw badRequest(`The URI segment '${text}' is not correctly percent-encoded.`);
  }
}

/** `k1='a',k2=2` → { k1: "a", k2: 2 }, honouring quotes. */
export function parseNamedArguments(text: string, aliases: Map<string, string> = new Map()): Record<string, KeyValue> {
  const result: Record<string, KeyValue> = {};
  for (const part of splitTopLevel(text, ",")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw badRequest(`'${text}' is not a valid key or parameter list.`);
    const name = part.slice(0, eq).trim();
    let valueText = part.slice(eq + 1).trim();
    if (valueText.startsWith("@")) {
      const aliased = aliases.get(valueText);
      if (aliased === undefined) throw badRequest(`The parameter alias '${valueText}' has no value.`);
      valueText = aliased;
    }
    result[name] = parseLiteral(valueText).value;
  }
  return result;
}

export function parseKey(args: string): ParsedKey {
  const trimmed = args.trim();
  if (isGuid(trimmed)) return { kind: "id", id: normalizeGuid(trimmed) };
  if (!trimmed.includes("=")) throw badRequest(`The key value '${args}' is not a valid GUID or alternate key.`);
  return { kind: "alternate", values: parseNamedArguments(trimmed) };
}

/** Splits on a separator that is not inside quotes or parentheses. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (!quoted && ch === "(") depth++;
    if (!quoted && ch === ")") depth--;
    if (ch === separator && depth === 0 && !quoted) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim() !== "") parts.push(current);
  return parts;
}

export interface OrderBy {
  path: string[];
  descending: boolean;
}

export interface ExpandItem {
  navigation: string;
  options: QueryOptions;
}

export interface QueryOptions {
  select?: string[];
  filter?: Expr;
  orderBy?: OrderBy[];
  top?: number;
  count?: boolean;
  expand?: ExpandItem[];
  skipToken?: string;
  fetchXml?: string;
  aliases: Map<string, string>;
}

/** Query string parameters in order, decoded the way ASP.NET decodes them ('+' is a space). */
export function parseQueryString(query: string): Map<string, string> {
  const params = new Map<string, string>();
  if (!query) return params;
  for (const pair of query.split("&")) {
    if (!pair) continue;
    const eq = pair.indexOf("=");
    const key = safeDecode((eq < 0 ? pair : pair.slice(0, eq)).replace(/\+/g, " "));
    const value = eq < 0 ? "" : safeDecode(pair.slice(eq + 1).replace(/\+/g, " "));
    params.set(key, value);
  }
  return params;
}

const UNSUPPORTED_OPTIONS = new Map([
  ["$skip", "The query parameter $skip is not supported"],
  ["$search", "The query parameter $search is not supported"],
  ["$format", "The query parameter $format is not supported"],
]);

export function parseQueryOptions(params: Map<string, string>): QueryOptions {
  const aliases = new Map<string, string>();
  for (const [key, value] of params) if (key.startsWith("@")) aliases.set(key, value);
  const options: QueryOptions = { aliases };
  for (const [key, value] of params) {
    if (key.startsWith("@")) continue;
    const unsupported = UNSUPPORTED_OPTIONS.get(key.toLowerCase());
    if (unsupported) throw badRequest(unsupported);
    applyOption(options, key, value);
  }
  return options;
}

function applyOption(options: QueryOptions, key: string, value: string): void {
  switch (key) {
    case "$select":
      options.select = value.split(",").map((s) => s.trim()).filter(Boolean);
      return;
    case "$filter":
      options.filter = parseFilter(value);
      return;
    case "$orderby":
      options.orderBy = splitTopLevel(value, ",").map((part) => {
        const [path, direction = "asc"] = part.trim().split(/\s+/);
        if (direction !== "asc" && direction !== "desc") throw badRequest(`'${direction}' is not a valid $orderby direction.`);
        return { path: path.split("/"), descending: direction === "desc" };
      });
      return;
    case "$top": {
      const top = Number(value);
      if (!Number.isInteger(top) || top < 0) throw badRequest(`Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);
      options.top = top;
      return;
    }
    case "$count":
      if (value !== "true" && value !== "false") throw badRequest(`'${value}' is not a valid count option.`);
      options.count = value === "true";
      return;
    case "$expand":
      options.expand = splitTopLevel(value, ",").map(parseExpandItem);
      return;
    case "$skiptoken":
      options.skipToken = value;
      return;
    case "fetchXml":
      options.fetchXml = value;
      return;
    default:
      if (key.startsWith("$")) throw badRequest(`The query parameter ${key} is not supported`);
      // Other non-system parameters (e.g. tracking hints) are ignored, as the service ignores them.
      return;
  }
}

function parseExpandItem(text: string): ExpandItem {
  const trimmed = text.trim();
  const open = trimmed.indexOf("(");
  if (open < 0) return { navigation: trimmed, options: { aliases: new Map() } };
  if (!trimmed.endsWith(")")) throw badRequest(`'${trimmed}' is not a valid $expand item.`);
  const navigation = trimmed.slice(0, open);
  const options: QueryOptions = { aliases: new Map() };
  for (const part of splitTopLevel(trimmed.slice(open + 1, -1), ";")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw badRequest(`'${part}' is not a valid nested query option.`);
    const key = part.slice(0, eq).trim();
    if (!["$select", "$filter", "$orderby", "$top", "$expand"].includes(key)) {
      throw badRequest(`The query option '${key}' is not allowed inside $expand.`);
    }
    applyOption(options, key, part.slice(eq + 1));
  }
  return { navigation, options };
}
