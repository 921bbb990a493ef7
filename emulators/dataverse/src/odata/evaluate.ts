/**
 * Compiles a parsed `$filter` into a predicate over rows of some scope (a table, or a plain
 * metadata object). Property names are checked when compiling, so a misspelt column fails with
 * Dataverse's 400 even when no row would be evaluated. Comparisons follow SQL Server semantics
 * as Dataverse exposes them: strings compare case-insensitively, null only equals null.
 */
import { badRequest, DataverseError, ErrorCodes } from "../errors";
import type { CompareOp, Expr, LiteralType } from "./filter";

export type EdmType = "Edm.String" | "Edm.Int32" | "Edm.Int64" | "Edm.Decimal" | "Edm.Double" | "Edm.Boolean" | "Edm.Guid" | "Edm.DateTimeOffset" | "Edm.Date" | "Edm.Enum" | "Collection";

export interface BoundProperty<Row> {
  edmType?: EdmType;
  get(row: Row): unknown;
}

export interface BoundCollection<Row> {
  scope: FilterScope<unknown>;
  items(row: Row): unknown[];
}

export interface FilterScope<Row> {
  /** Resolves a property path or throws the platform's "Could not find a property" error. */
  bindProperty(path: string[], options?: { forQueryFunction?: boolean }): BoundProperty<Row>;
  bindCollection(path: string[]): BoundCollection<Row>;
  /** The calling user's id, for EqualUserId. */
  currentUserId?: string;
  /** Resolves parameter aliases (`@p1`) to literal expressions. */
  alias?(name: string): Expr | undefined;
}

type Value<Row> = { edmType?: EdmType; get(row: Row): unknown };
export type Predicate<Row> = (row: Row) => boolean;

const LITERAL_EDM: Record<LiteralType, EdmType | undefined> = {
  string: "Edm.String",
  int: "Edm.Int32",
  decimal: "Edm.Decimal",
  boolean: "Edm.Boolean",
  null: undefined,
  guid: "Edm.Guid",
  datetime: "Edm.DateTimeOffset",
  date: "Edm.Date",
  enum: "Edm.Enum",
};

const OPERATOR_KIND: Record<CompareOp, string> = {
  eq: "Equal",
  ne: "NotEqual",
  gt: "GreaterThan",
  ge: "GreaterThanOrEqual",
  lt: "LessThan",
  le: "LessThanOrEqual",
};

const family = (type: EdmType | undefined): string | undefined => {
  switch (type) {
    case "Edm.Int32":
    case "Edm.Int64":
    case "Edm.Decimal":
    case "Edm.Double":
      return "number";
    case "Edm.DateTimeOffset":
    case "Edm.Date":
      return "date";
    case "Edm.Enum":
    case "Edm.String":
      return "string";
    default:
      return type;
  }
};

export function compileFilter<Row>(expr: Expr, scope: FilterScope<Row>): Predicate<Row> {
  switch (expr.kind) {
    case "and": {
      const left = compileFilter(expr.left, scope);
      const right = compileFilter(expr.right, scope);
      return (row) => left(row) && right(row);
    }
    case "or": {
      const left = compileFilter(expr.left, scope);
      const right = compileFilter(expr.right, scope);
      return (row) => left(row) || right(row);
    }
    case "not": {
      const operand = compileFilter(expr.operand, scope);
      return (row) => !operand(row);
    }
    case "compare":
      return compileCompare(expr.op, compileValue(expr.left, scope), compileValue(expr.right, scope));
    case "call":
      return compileBooleanCall(expr, scope);
    case "lambda":
      return compileLambda(expr, scope);
    case "queryFunction":
      return compileQueryFunction(expr, scope);
    case "literal":
      if (expr.type === "boolean") return () => expr.value === true;
      throw badRequest("The $filter expression must evaluate to a single boolean value.");
    case "property": {
      const property = compileValue(expr, scope);
      if (property.edmType !== "Edm.Boolean") throw badRequest("The $filter expression must evaluate to a single boolean value.");
      return (row) => property.get(row) === true;
    }
  }
}

function compileValue<Row>(expr: Expr, scope: FilterScope<Row>): Value<Row> {
  switch (expr.kind) {
    case "literal": {
      const value = expr.value;
      return { edmType: LITERAL_EDM[expr.type], get: () => value };
    }
    case "property": {
      if (expr.path.length === 1 && expr.path[0].startsWith("@")) {
        const aliased = scope.alias?.(expr.path[0]);
        if (!aliased) throw badRequest(`The parameter alias '${expr.path[0]}' has no value.`);
        return compileValue(aliased, scope);
      }
      return scope.bindProperty(expr.path);
    }
    case "call": {
      const [argument] = expr.args.map((a) => compileValue(a, scope));
      switch (expr.name) {
        case "tolower":
          return { edmType: "Edm.String", get: (row) => mapString(argument.get(row), (s) => s.toLowerCase()) };
        case "toupper":
          return { edmType: "Edm.String", get: (row) => mapString(argument.get(row), (s) => s.toUpperCase()) };
        case "trim":
          return { edmType: "Edm.String", get: (row) => mapString(argument.get(row), (s) => s.trim()) };
        case "length":
          return { edmType: "Edm.Int32", get: (row) => (typeof argument.get(row) === "string" ? (argument.get(row) as string).length : null) };
        case "year":
        case "month":
        case "day":
        case "hour":
        case "minute":
        case "second":
          return { edmType: "Edm.Int32", get: (row) => datePart(argument.get(row), expr.name) };
        case "date":
          return { edmType: "Edm.Date", get: (row) => (typeof argument.get(row) === "string" ? (argument.get(row) as string).slice(0, 10) : null) };
      }
      throw badRequest(`The function '${expr.name}' cannot be used as a value.`);
    }
    default:
      throw badRequest("Only properties, literals and functions can be compared in $filter.");
  }
}

function compileCompare<Row>(op: CompareOp, left: Value<Row>, right: Value<Row>): Predicate<Row> {
  const leftFamily = family(left.edmType);
  const rightFamily = family(right.edmType);
  if (leftFamily && rightFamily && leftFamily !== rightFamily) {
    throw new DataverseError(
      400,
      ErrorCodes.ODataUnknownProperty,
      `A binary operator with incompatible types was detected. Found operand types '${left.edmType}' and '${right.edmType}' for operator kind '${OPERATOR_KIND[op]}'.`,
    );
  }
  const temporal = leftFamily === "date" || rightFamily === "date";
  return (row) => compare(op, left.get(row), right.get(row), temporal);
}

export function compare(op: CompareOp, a: unknown, b: unknown, temporal = false): boolean {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) {
    if (op === "eq") return aNull && bNull;
    if (op === "ne") return !(aNull && bNull);
    return false;
  }
  const order = ordering(a, b, temporal);
  switch (op) {
    case "eq":
      return order === 0;
    case "ne":
      return order !== 0;
    case "gt":
      return order > 0;
    case "ge":
      return order >= 0;
    case "lt":
      return order < 0;
    case "le":
      return order <= 0;
  }
}

/** Total order used by comparisons and $orderby: case-insensitive strings, instants for dates. */
export function ordering(a: unknown, b: unknown, temporal = false): number {
  if (temporal || (isIsoDate(a) && isIsoDate(b))) {
    const x = Date.parse(String(a));
    const y = Date.parse(String(b));
    if (!Number.isNaN(x) && !Number.isNaN(y)) return Math.sign(x - y);
  }
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const isIsoDate = (value: unknown): boolean => typeof value === "string" && /^\d{4}-\d{2}-\d{2}(T|$)/.test(value);

function compileBooleanCall<Row>(expr: Extract<Expr, { kind: "call" }>, scope: FilterScope<Row>): Predicate<Row> {
  const [subject, search] = expr.args.map((a) => compileValue(a, scope));
  if (!["contains", "startswith", "endswith"].includes(expr.name)) {
    throw badRequest(`The function '${expr.name}' does not return a boolean value.`);
  }
  for (const operand of [subject, search]) {
    if (operand.edmType && operand.edmType !== "Edm.String") {
      throw badRequest(`No function signature for the function with name '${expr.name}' matches the specified arguments. The function signatures considered are: ${expr.name}(Edm.String Nullable=true, Edm.String Nullable=true).`);
    }
  }
  return (row) => {
    const value = subject.get(row);
    const needle = search.get(row);
    if (typeof value !== "string" || typeof needle !== "string") return false;
    const haystack = value.toLowerCase();
    const lowered = needle.toLowerCase();
    if (expr.name === "contains") return haystack.includes(lowered);
    if (expr.name === "startswith") return haystack.startsWith(lowered);
    return haystack.endsWith(lowered);
  };
}

function compileLambda<Row>(expr: Extract<Expr, { kind: "lambda" }>, scope: FilterScope<Row>): Predicate<Row> {
  const collection = scope.bindCollection(expr.path);
  if (!expr.predicate || !expr.variable) {
    return (row) => collection.items(row).length > 0;
  }
  const variable = expr.variable;
  const innerScope: FilterScope<unknown> = {
    ...collection.scope,
    bindProperty: (path, options) => {
      if (path[0] !== variable) throw badRequest(`The range variable '${variable}' must prefix properties inside the lambda expression.`);
      return collection.scope.bindProperty(path.slice(1), options);
    },
    bindCollection: (path) => {
      if (path[0] !== variable) throw badRequest(`The range variable '${variable}' must prefix properties inside the lambda expression.`);
      return collection.scope.bindCollection(path.slice(1));
    },
    currentUserId: scope.currentUserId,
    alias: scope.alias,
  };
  const predicate = compileFilter(expr.predicate, innerScope);
  if (expr.operator === "any") return (row) => collection.items(row).some((item) => predicate(item));
  return (row) => collection.items(row).every((item) => predicate(item));
}

function compileQueryFunction<Row>(expr: Extract<Expr, { kind: "queryFunction" }>, scope: FilterScope<Row>): Predicate<Row> {
  const nameParam = expr.params.PropertyName;
  if (!nameParam || Array.isArray(nameParam) || nameParam.kind !== "literal" || typeof nameParam.value !== "string") {
    throw badRequest(`The query function Microsoft.Dynamics.CRM.${expr.name} requires a PropertyName parameter.`);
  }
  const property = scope.bindProperty([nameParam.value], { forQueryFunction: true });
  const values = (key: string): unknown[] => {
    const param = expr.params[key];
    if (!param) throw badRequest(`The query function Microsoft.Dynamics.CRM.${expr.name} requires a ${key} parameter.`);
    return (Array.isArray(param) ? param : [param]).map((p) => compileValue(p, scope).get(undefined as unknown as Row));
  };
  const temporal = family(property.edmType) === "date";
  const equalsAny = (value: unknown, candidates: unknown[]) => candidates.some((c) => compare("eq", value, normalizeCandidate(c, property.edmType), temporal));
  switch (expr.name) {
    case "In": {
      const candidates = values("PropertyValues");
      return (row) => equalsAny(property.get(row), candidates);
    }
    case "NotIn": {
      const candidates = values("PropertyValues");
      return (row) => property.get(row) != null && !equalsAny(property.get(row), candidates);
    }
    case "Between":
    case "NotBetween": {
      const [low, high] = values("PropertyValues").map((v) => normalizeCandidate(v, property.edmType));
      const inside = (v: unknown) => v != null && compare("ge", v, low, temporal) && compare("le", v, high, temporal);
      return expr.name === "Between" ? (row) => inside(property.get(row)) : (row) => property.get(row) != null && !inside(property.get(row));
    }
    case "EqualUserId":
      return (row) => property.get(row) === scope.currentUserId;
    case "NotEqualUserId":
      return (row) => property.get(row) !== scope.currentUserId;
    case "ContainValues":
    case "DoesNotContainValues": {
      const wanted = values("PropertyValues").map((v) => Number(v));
      const contains = (v: unknown) => Array.isArray(v) && wanted.some((w) => v.includes(w));
      return expr.name === "ContainValues" ? (row) => contains(property.get(row)) : (row) => !contains(property.get(row));
    }
    case "OnOrAfter":
    case "OnOrBefore": {
      const [day] = values("PropertyValue");
      const boundary = String(day).slice(0, 10);
      return (row) => {
        const value = property.get(row);
        if (typeof value !== "string") return false;
        const date = value.slice(0, 10);
        return expr.name === "OnOrAfter" ? date >= boundary : date <= boundary;
      };
    }
    case "LastXHours":
    case "LastXDays": {
      const [count] = values("PropertyValue");
      const span = Number(count) * (expr.name === "LastXHours" ? 3_600_000 : 86_400_000);
      return (row) => {
        const value = property.get(row);
        if (typeof value !== "string") return false;
        const at = Date.parse(value);
        return at >= Date.now() - span && at <= Date.now();
      };
    }
  }
  throw badRequest(`The query function 'Microsoft.Dynamics.CRM.${expr.name}' is not supported by this environment.`);
}

function normalizeCandidate(candidate: unknown, type: EdmType | undefined): unknown {
  if (typeof candidate !== "string") return candidate;
  if (type === "Edm.Int32" || type === "Edm.Int64" || type === "Edm.Decimal" || type === "Edm.Double") return Number(candidate);
  if (type === "Edm.Guid") return candidate.toLowerCase().replace(/[{}]/g, "");
  return candidate;
}

function mapString(value: unknown, map: (s: string) => string): unknown {
  return typeof value === "string" ? map(value) : value;
}

function datePart(value: unknown, part: string): number | null {
  if (typeof value !== "string") return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  switch (part) {
    case "year":
      return date.getUTCFullYear();
    case "month":
      return date.getUTCMonth() + 1;
    case "day":
      return date.getUTCDate();
    case "hour":
      return date.getUTCHours();
    case "minute":
      return date.getUTCMinutes();
    default:
      return date.getUTCSeconds();
  }
}
