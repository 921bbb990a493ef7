/**
 * A small OData `$filter` builder for the referral list (partner-center-api.md §3.1, §7.11). Values
 * are always rendered as literals (strings quoted with `'` doubled), and property paths are checked,
 * so text taken from a record can never change the shape of the query.
 */

export type ODataValue = string | number | boolean | Date | null;

export class ODataFilter {
  private constructor(readonly expression: string) {}

  /** @internal used by the builder functions below */
  static of(expression: string): ODataFilter {
    return new ODataFilter(expression);
  }

  toString(): string {
    return this.expression;
  }
}

const PROPERTY_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const LAMBDA_VARIABLE = "t";

function property(path: string): string {
  if (!PROPERTY_PATH.test(path)) throw new TypeError(`"${path}" is not an OData property path (letters, digits and "/" only).`);
  return path;
}

/** Renders a literal: `'O''Brien'`, `42`, `true`, `2024-05-01T00:00:00.000Z`, `null`. */
export function literal(value: ODataValue): string {
  if (value === null) return "null";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${value} cannot be used in an OData filter.`);
    return String(value);
  }
  if (Number.isNaN(value.getTime())) throw new TypeError("An invalid date cannot be used in an OData filter.");
  // OData v4 DateTimeOffset literals are unquoted.
  return value.toISOString();
}

type Comparison = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

const compare = (operator: Comparison) => (path: string, value: ODataValue) =>
  ODataFilter.of(`${property(path)} ${operator} ${literal(value)}`);

function join(operator: "and" | "or", filters: ODataFilter[]): ODataFilter {
  if (filters.length === 0) throw new TypeError(`"${operator}" needs at least one condition.`);
  if (filters.length === 1) return filters[0];
  return ODataFilter.of(filters.map((f) => `(${f.expression})`).join(` ${operator} `));
}

export const odata = {
  eq: compare("eq"),
  ne: compare("ne"),
  gt: compare("gt"),
  ge: compare("ge"),
  lt: compare("lt"),
  le: compare("le"),
  and: (...filters: ODataFilter[]) => join("and", filters),
  or: (...filters: ODataFilter[]) => join("or", filters),
  not: (filter: ODataFilter) => ODataFilter.of(`not (${filter.expression})`),
  /** `team/any(t:t/email eq 'x@y')`: some element of a collection has a property equal to a value. */
  any: (collection: string, path: string, value: ODataValue) =>
    ODataFilter.of(`${property(collection)}/any(${LAMBDA_VARIABLE}:${LAMBDA_VARIABLE}/${property(path)} eq ${literal(value)})`),
};
