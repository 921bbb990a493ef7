/**
 * A small schema reader: walks JSON against a declared shape, matching property names
 * case-insensitively (docs samples mix PascalCase and camelCase, partner-center-api.md §2) and
 * returning canonical camelCase. Unknown properties are kept, with their first letter lower-cased.
 */

export type Shape =
  | { kind: "string" }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "enum"; values: readonly string[]; open: boolean }
  | { kind: "object"; fields: Readonly<Record<string, Shape>> }
  /** `fromObject`: a lone object where an array is expected is read as a one-item array (`{}` as empty). */
  | { kind: "array"; of: Shape; fromObject?: boolean }
  | { kind: "any" };

export const str: Shape = { kind: "string" };
export const num: Shape = { kind: "number" };
export const bool: Shape = { kind: "boolean" };
export const any: Shape = { kind: "any" };
export const closedEnum = (values: readonly string[]): Shape => ({ kind: "enum", values, open: false });
export const openEnum = (values: readonly string[]): Shape => ({ kind: "enum", values, open: true });
export const obj = (fields: Record<string, Shape>): Shape => ({ kind: "object", fields });
export const arr = (of: Shape, fromObject = false): Shape => ({ kind: "array", of, fromObject });

/** Thrown when a payload does not fit the documented shape; `path` names the offending field. */
export class PayloadFormatError extends Error {
  constructor(
    readonly what: string,
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${what}${path ? ` field "${path}"` : ""} ${problem}`);
    this.name = "PayloadFormatError";
  }
}

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "string" ? JSON.stringify(value) : typeof value;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const lowerFirst = (key: string): string => (key ? key[0].toLowerCase() + key.slice(1) : key);

/** Copies a value of unknown shape, camel-casing object keys (OData annotations keep their name). */
function camelDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(camelDeep);
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === null || item === undefined) continue;
    out[key.startsWith("@") ? key : lowerFirst(key)] = camelDeep(item);
  }
  return out;
}

function readNumber(value: unknown, what: string, path: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  // The PATCH sample sends deal values as strings ("10000"); §3.4.
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  throw new PayloadFormatError(what, path, `must be a number, got ${describe(value)}.`);
}

function readBoolean(value: unknown, what: string, path: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === "true";
  throw new PayloadFormatError(what, path, `must be true or false, got ${describe(value)}.`);
}

function readEnum(value: unknown, shape: { values: readonly string[]; open: boolean }, what: string, path: string): string {
  if (typeof value !== "string") throw new PayloadFormatError(what, path, `must be a string, got ${describe(value)}.`);
  const canonical = shape.values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
  if (canonical) return canonical;
  if (shape.open) return value;
  throw new PayloadFormatError(what, path, `must be one of ${shape.values.join(", ")}; got ${describe(value)}.`);
}

export function readShape(value: unknown, shape: Shape, what: string, path = ""): unknown {
  switch (shape.kind) {
    case "any":
      return camelDeep(value);
    case "string":
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      throw new PayloadFormatError(what, path, `must be a string, got ${describe(value)}.`);
    case "number":
      return readNumber(value, what, path);
    case "boolean":
      return readBoolean(value, what, path);
    case "enum":
      return readEnum(value, shape, what, path);
    case "array": {
      let items: unknown[];
      if (Array.isArray(value)) items = value;
      else if (shape.fromObject && isRecord(value)) items = Object.keys(value).length === 0 ? [] : [value];
      else throw new PayloadFormatError(what, path, `must be an array, got ${describe(value)}.`);
      return items
        .filter((item) => item !== null && item !== undefined)
        .map((item, i) => readShape(item, shape.of, what, `${path}[${i}]`));
    }
    case "object": {
      if (!isRecord(value)) throw new PayloadFormatError(what, path, `must be an object, got ${describe(value)}.`);
      const byLowerName = new Map(Object.keys(shape.fields).map((name) => [name.toLowerCase(), name]));
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        if (item === null || item === undefined) continue;
        const known = byLowerName.get(key.toLowerCase());
        if (known) {
          out[known] = readShape(item, shape.fields[known], what, path ? `${path}.${known}` : known);
        } else {
          out[key.startsWith("@") ? key : lowerFirst(key)] = camelDeep(item);
        }
      }
      return out;
    }
  }
}
