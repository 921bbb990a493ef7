/**
 * Reads client JSON into the canonical referral shape. Property names match in any casing and come
 * out camelCase (partner-center-api.md §2, §7.2); enum values match in any casing and come out as
 * documented. Numbers may arrive as numeric strings: the PATCH example sends
 * `"/details/dealValue"` as `"10000"` (§3.4, §7.7), and the service's JSON reader converts it.
 * Unknown properties are dropped, as a typed model binder would.
 */
import { invalidRequest } from "../errors";
import { fieldOf, type Shape } from "./schema";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `path` is a JSON pointer used as the error `target`, so the caller sees which field is wrong. */
export function readAs(value: unknown, shape: Shape, path: string): Json {
  if (value === null || value === undefined) return null;
  switch (shape.kind) {
    case "any":
      return structuredClone(value) as Json;
    case "string":
      return readString(value, shape.values, path);
    case "number":
      return readNumber(value, path);
    case "boolean":
      return readBoolean(value, path);
    case "datetime":
      return readDateTime(value, path);
    case "array": {
      if (!Array.isArray(value)) throw invalidRequest(`${label(path)} must be an array.`, path);
      return value.map((item, index) => readAs(item, shape.items, `${path}/${index}`));
    }
    case "object": {
      if (!isObject(value)) throw invalidRequest(`${label(path)} must be an object.`, path || "referral");
      const out: JsonObject = {};
      for (const [key, item] of Object.entries(value)) {
        const field = fieldOf(shape, key);
        if (field) out[field.name] = readAs(item, field.shape, `${path}/${field.name}`);
      }
      return out;
    }
  }
}

function readString(value: unknown, values: readonly string[] | undefined, path: string): string {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw invalidRequest(`${label(path)} must be a string.`, path);
  }
  const text = String(value);
  if (!values) return text;
  const match = values.find((v) => v.toLowerCase() === text.toLowerCase());
  if (match === undefined) throw invalidRequest(`${label(path)} must be one of ${values.join(", ")}; got '${text}'.`, path);
  return match;
}

function readNumber(value: unknown, path: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^\s*-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return Number(value);
  throw invalidRequest(`${label(path)} must be a number; got ${JSON.stringify(value)}.`, path);
}

function readBoolean(value: unknown, path: string): boolean {
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && /^(true|false)$/i.test(value)) return value.toLowerCase() === "true";
  throw invalidRequest(`${label(path)} must be true or false; got ${JSON.stringify(value)}.`, path);
}

const isoDateTime = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** UTC with `Z`, keeping the client's precision when it already sent UTC (§2.1). */
function readDateTime(value: unknown, path: string): string {
  const match = typeof value === "string" ? isoDateTime.exec(value.trim()) : null;
  const [, date, time, zone] = match ?? [];
  const clock = time ? (time.length === 5 ? `${time}:00` : time) : "00:00:00";
  const offset = !zone || zone.toUpperCase() === "Z" ? "Z" : zone.replace(/^([+-]\d{2})(\d{2})$/, "$1:$2");
  const instant = match ? Date.parse(`${date}T${clock}${offset}`) : NaN;
  if (Number.isNaN(instant)) {
    throw invalidRequest(`${label(path)} must be an ISO 8601 date-time in UTC, e.g. 2025-06-30T00:00:00Z; got ${JSON.stringify(value)}.`, path);
  }
  if (offset === "Z") return `${date}T${clock}Z`;
  return new Date(instant).toISOString().replace(".000Z", "Z");
}

function label(path: string): string {
  return path ? `'${path}'` : "The referral";
}
