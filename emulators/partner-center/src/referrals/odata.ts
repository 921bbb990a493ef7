/**
 * The OData subset the referral list honours (partner-center-api.md §3.1, §7.11): `$filter` on the
 * documented properties (including the `team/any(t:t/email eq '…')` lambda), `$orderby` on the two
 * timestamps, `$select`, `$top`, `$skip`, `$count`, and server-driven paging of at most 100 items
 * with an opaque `$skiptoken`. Filters on other properties are refused, so a client cannot come to
 * depend on something Partner Center does not document.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { defaultParser } from "@odata/parser";
import { invalidRequest } from "../errors";
import { isObject, type Json, type JsonObject } from "./normalize";
import { fieldOf, referralShape } from "./schema";

export const PAGE_SIZE = 100;

/** Documented `$filter` properties (§3.1) and whether string comparison ignores case (enums). */
const filterable: Record<string, { kind: "string" | "enum" | "datetime" }> = {
  engagementId: { kind: "enum" },
  status: { kind: "enum" },
  substatus: { kind: "enum" },
  qualification: { kind: "enum" },
  type: { kind: "enum" },
  direction: { kind: "enum" },
  "customerProfile/address/country": { kind: "enum" },
  updatedDateTime: { kind: "datetime" },
};
/** Collections usable in a lambda, with the member properties the lambda may test. */
const lambdaCollections: Record<string, Record<string, { kind: "string" | "enum" | "datetime" }>> = {
  team: { email: { kind: "enum" } },
};
const orderable = ["createdDateTime", "updatedDateTime"];
const supportedOptions = ["$filter", "$orderby", "$select", "$top", "$skip", "$count", "$skiptoken"];

export interface ListItem {
  doc: JsonObject;
  seq: number;
}

export interface ListPage {
  count: number;
  items: JsonObject[];
  select?: string[];
  nextSkiptoken?: string;
}

type Predicate = (doc: JsonObject, scope?: Record<string, Json>) => boolean;
type Operand = { literal: Json; kind?: undefined } | { path: string[]; variable?: string; kind: "string" | "enum" | "datetime" };

export class ReferralQuery {
  private readonly secret = randomBytes(32);

  run(items: ListItem[], params: Record<string, string | undefined>): ListPage {
    for (const key of Object.keys(params)) {
      if (key.startsWith("$") && !supportedOptions.includes(key)) {
        throw invalidRequest(`The query option ${key} is not supported by the referrals list.`, key);
      }
    }
    const predicate = params.$filter ? compileFilter(params.$filter) : () => true;
    const order = parseOrderBy(params.$orderby);
    const select = parseSelect(params.$select);
    const queryKey = `${params.$filter ?? ""}|${params.$orderby ?? ""}`;

    const matching = items.filter((item) => predicate(item.doc)).sort((a, b) => compareKeys(sortKey(a, order), sortKey(b, order), order));
    let start = 0;
    let remaining = parseCount(params.$top, "$top");
    if (params.$skiptoken) {
      const token = this.readToken(params.$skiptoken, queryKey);
      start = matching.findIndex((item) => compareKeys(sortKey(item, order), token.after, order) > 0);
      if (start < 0) start = matching.length;
      remaining = token.remaining;
    } else {
      start = parseCount(params.$skip, "$skip") ?? 0;
    }
    if (params.$count !== undefined && !/^(true|false)$/i.test(params.$count)) throw invalidRequest("$count must be true or false.", "$count");

    const size = Math.min(PAGE_SIZE, remaining ?? PAGE_SIZE);
    const page = matching.slice(start, start + size);
    const left = remaining === undefined ? undefined : remaining - page.length;
    const more = start + page.length < matching.length && (left === undefined || left > 0);
    return {
      count: matching.length,
      items: page.map((item) => item.doc),
      select,
      nextSkiptoken: more && page.length > 0 ? this.writeToken({ after: sortKey(page[page.length - 1], order), remaining: left }, queryKey) : undefined,
    };
  }

  private writeToken(state: { after: SortKey; remaining: number | undefined }, queryKey: string): string {
    const payload = Buffer.from(JSON.stringify({ ...state, q: queryKey })).toString("base64url");
    return `${payload}.${this.sign(payload)}`;
  }

  private readToken(token: string, queryKey: string): { after: SortKey; remaining: number | undefined } {
    const [payload, signature] = token.split(".");
    const expected = payload ? Buffer.from(this.sign(payload)) : Buffer.alloc(0);
    const given = Buffer.from(signature ?? "");
    if (!payload || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalidRequest("The $skiptoken is not valid. Follow @odata.nextLink exactly as returned.", "$skiptoken");
    }
    const state = JSON.parse(Buffer.from(payload, "base64url").toString()) as { after: SortKey; remaining?: number; q: string };
    if (state.q !== queryKey) throw invalidRequest("The $skiptoken belongs to a different $filter or $orderby.", "$skiptoken");
    return { after: state.after, remaining: state.remaining ?? undefined };
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.secret).update(payload).digest("base64url");
  }
}

type Order = { path: string; descending: boolean }[];
type SortKey = [...string[], number];

function parseOrderBy(value: string | undefined): Order {
  if (value === undefined) return [{ path: "createdDateTime", descending: false }];
  return value.split(",").map((part) => {
    const [name, direction, extra] = part.trim().split(/\s+/);
    const field = orderable.find((f) => f.toLowerCase() === (name ?? "").toLowerCase());
    if (!field || extra !== undefined || (direction !== undefined && !/^(asc|desc)$/i.test(direction))) {
      throw invalidRequest(`$orderby supports ${orderable.join(" or ")} with asc or desc; got '${part.trim()}'.`, "$orderby");
    }
    return { path: field, descending: direction?.toLowerCase() === "desc" };
  });
}

function sortKey(item: ListItem, order: Order): SortKey {
  return [...order.map((o) => instant(item.doc[o.path])), item.seq] as SortKey;
}

function compareKeys(a: SortKey, b: SortKey, order: Order): number {
  for (let i = 0; i < order.length; i++) {
    const diff = a[i] < b[i] ? -1 : a[i] > b[i] ? 1 : 0;
    if (diff !== 0) return order[i].descending ? -diff : diff;
  }
  const last = order.length;
  return (a[last] as number) - (b[last] as number);
}

function parseSelect(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value.split(",").map((name) => {
    const field = fieldOf(referralShape, name.trim());
    if (!field) throw invalidRequest(`$select: '${name.trim()}' is not a referral property.`, "$select");
    return field.name;
  });
}

function parseCount(value: string | undefined, option: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw invalidRequest(`${option} must be a whole number; got '${value}'.`, option);
  return Number(value);
}

/** Seven fractional digits in UTC, so timestamps compare as strings whatever precision they came in. */
export function instant(value: Json | undefined): string {
  if (typeof value !== "string") return "";
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,7}))?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(value);
  if (!match) return value;
  const [, date, time = "00:00:00", fraction = "", zone = "Z"] = match;
  const seconds = time.length === 5 ? `${time}:00` : time;
  if (zone.toUpperCase() === "Z") return `${date}T${seconds}.${fraction.padEnd(7, "0")}Z`;
  const shifted = new Date(`${date}T${seconds}.${fraction.padEnd(3, "0").slice(0, 3)}${zone}`).toISOString();
  return `${shifted.slice(0, 19)}.${(shifted.slice(20, 23) + fraction.slice(3)).padEnd(7, "0")}Z`;
}

// ---- $filter -------------------------------------------------------------------------------

interface Node {
  type: string;
  raw: string;
  value: unknown;
}

export function compileFilter(text: string): Predicate {
  let ast: Node;
  try {
    ast = defaultParser.filter(text) as unknown as Node;
  } catch (error) {
    throw invalidRequest(`$filter could not be parsed (${(error as Error).message}): ${text}`, "$filter");
  }
  return compile(ast, undefined);
}

const comparisons: Record<string, (order: number) => boolean> = {
  EqualsExpression: (o) => o === 0,
  NotEqualsExpression: (o) => o !== 0,
  LesserThanExpression: (o) => o < 0,
  LesserOrEqualsExpression: (o) => o <= 0,
  GreaterThanExpression: (o) => o > 0,
  GreaterOrEqualsExpression: (o) => o >= 0,
};

function compile(node: Node, lambda: { variable: string; members: Record<string, { kind: "string" | "enum" | "datetime" }> } | undefined): Predicate {
  const value = node.value as Record<string, Node> & Node;
  switch (node.type) {
    case "AndExpression": {
      const [left, right] = [compile(value.left, lambda), compile(value.right, lambda)];
      return (doc, scope) => left(doc, scope) && right(doc, scope);
    }
    case "OrExpression": {
      const [left, right] = [compile(value.left, lambda), compile(value.right, lambda)];
      return (doc, scope) => left(doc, scope) || right(doc, scope);
    }
    case "NotExpression": {
      const inner = compile(value, lambda);
      return (doc, scope) => !inner(doc, scope);
    }
    case "BoolParenExpression":
    case "ParenExpression":
    case "CommonExpression":
    case "LambdaPredicateExpression":
      return compile(value, lambda);
    case "FirstMemberExpression":
    case "MemberExpression":
      return compileLambda(node, lambda);
    default: {
      const test = comparisons[node.type];
      if (!test) throw invalidRequest(`$filter: '${node.raw}' is not supported; use eq, ne, gt, ge, lt, le, and, or, not and team/any(...).`, "$filter");
      const left = operand(value.left, lambda);
      const right = operand(value.right, lambda);
      return (doc, scope) => {
        const a = resolveOperand(left, doc, scope);
        const b = resolveOperand(right, doc, scope);
        const kind = left.kind ?? right.kind ?? "string";
        if (a === null || b === null) return test(a === b ? 0 : 1) && (node.type === "EqualsExpression" || node.type === "NotEqualsExpression");
        return test(compareValues(a, b, kind));
      };
    }
  }
}

function compileLambda(node: Node, outer: unknown): Predicate {
  const match = /^([A-Za-z0-9_/]+)\/(any|all)\(\s*([A-Za-z_]\w*)\s*:/i.exec(node.raw);
  const lambdaNode = match ? findNode(node, match[2].toLowerCase() === "any" ? "AnyExpression" : "AllExpression") : undefined;
  if (!match || !lambdaNode || outer) throw invalidRequest(`$filter: '${node.raw}' is not a condition. Compare a property with a value, e.g. status eq 'Active'.`, "$filter");
  const collection = Object.keys(lambdaCollections).find((c) => c.toLowerCase() === match[1].toLowerCase());
  if (!collection) throw invalidRequest(`$filter: lambda operators are supported on ${Object.keys(lambdaCollections).join(", ")} only.`, "$filter");
  const body = (lambdaNode.value as { predicate?: Node }).predicate;
  const variable = match[3];
  const inner = body ? compile(body, { variable, members: lambdaCollections[collection] }) : () => true;
  const every = match[2].toLowerCase() === "all";
  return (doc) => {
    const list = Array.isArray(doc[collection]) ? (doc[collection] as Json[]) : [];
    const test = (element: Json) => inner(doc, { [variable]: element });
    return every ? list.every(test) : list.some(test);
  };
}

function findNode(node: unknown, type: string): Node | undefined {
  if (!node || typeof node !== "object") return undefined;
  if ((node as Node).type === type) return node as Node;
  for (const child of Object.values(node as object)) {
    const found = findNode(child, type);
    if (found) return found;
  }
  return undefined;
}

function operand(node: Node, lambda: { variable: string; members: Record<string, { kind: "string" | "enum" | "datetime" }> } | undefined): Operand {
  if (node.type === "Literal") return { literal: literal(node) };
  if (node.type !== "FirstMemberExpression" && node.type !== "MemberExpression") {
    throw invalidRequest(`$filter: '${node.raw}' is not supported; compare a property with a literal.`, "$filter");
  }
  const segments = node.raw.split("/");
  if (lambda && segments[0] === lambda.variable) {
    const rest = segments.slice(1).join("/");
    const member = Object.keys(lambda.members).find((m) => m.toLowerCase() === rest.toLowerCase());
    if (!member) throw invalidRequest(`$filter: '${node.raw}' is not filterable; inside the lambda use ${Object.keys(lambda.members).map((m) => `${lambda.variable}/${m}`).join(", ")}.`, "$filter");
    return { path: [member], variable: lambda.variable, kind: lambda.members[member].kind };
  }
  const path = Object.keys(filterable).find((p) => p.toLowerCase() === node.raw.toLowerCase());
  if (!path) throw invalidRequest(`$filter: '${node.raw}' is not filterable. Filterable: ${Object.keys(filterable).join(", ")}, team/any(t:t/email eq '...').`, "$filter");
  return { path: path.split("/"), kind: filterable[path].kind };
}

function literal(node: Node): Json {
  const type = String(node.value);
  if (type === "null") return null;
  if (type === "Edm.String") return node.raw.slice(1, -1).replace(/''/g, "'");
  if (type === "Edm.Boolean") return node.raw.toLowerCase() === "true";
  if (/^Edm\.(S?Byte|Int16|Int32|Int64|Decimal|Double|Single)$/.test(type)) return Number(node.raw);
  return node.raw; // Edm.DateTimeOffset, Edm.Date, Edm.Guid keep their text
}

function resolveOperand(op: Operand, doc: JsonObject, scope: Record<string, Json> | undefined): Json {
  if (op.kind === undefined) return op.literal;
  let current: Json | undefined = op.variable ? scope?.[op.variable] : doc;
  for (const key of op.path) current = isObject(current) ? current[key] : undefined;
  return current ?? null;
}

function compareValues(a: Json, b: Json, kind: "string" | "enum" | "datetime"): number {
  if (kind === "datetime") {
    const [x, y] = [instant(a), instant(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number") return a - b;
  let [x, y] = [String(a), String(b)];
  if (kind === "enum") [x, y] = [x.toLowerCase(), y.toLowerCase()];
  return x < y ? -1 : x > y ? 1 : 0;
}
