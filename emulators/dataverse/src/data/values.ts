/**
 * Column values between their JSON form on the wire and their stored form, per column type
 * (dataverse-pcf.md §5: choices are integers, multi-select values comma-separated strings,
 * two-option columns booleans, date-times ISO-8601 UTC), plus the formatted values returned as
 * `@OData.Community.Display.V1.FormattedValue`.
 */
import { badRequest, DataverseError, ErrorCodes } from "../errors";
import { isGuid, normalizeGuid } from "../ids";
import type { AttributeMetadata, EntityMetadata } from "../metadata/model";
import { isReference, type StoredValue } from "./store";

const invalidValue = (attribute: AttributeMetadata, value: unknown, edmType: string) =>
  badRequest(`Cannot convert the literal '${typeof value === "string" ? value : JSON.stringify(value)}' to the expected type '${edmType}'.`, ErrorCodes.ODataUnknownProperty);

export function edmTypeOf(attribute: AttributeMetadata): string {
  switch (attribute.type) {
    case "String":
    case "Memo":
    case "EntityName":
    case "MultiSelectPicklist":
      return "Edm.String";
    case "Integer":
    case "Picklist":
    case "State":
    case "Status":
      return "Edm.Int32";
    case "BigInt":
      return "Edm.Int64";
    case "Decimal":
    case "Money":
      return "Edm.Decimal";
    case "Double":
      return "Edm.Double";
    case "Boolean":
      return "Edm.Boolean";
    case "DateTime":
      return attribute.format === "DateOnly" ? "Edm.Date" : "Edm.DateTimeOffset";
    case "Uniqueidentifier":
    case "Lookup":
    case "Customer":
    case "Owner":
      return "Edm.Guid";
    default:
      return "Edm.String";
  }
}

/** Validates and converts a JSON body value for a non-lookup column. */
export function toStoredValue(entity: EntityMetadata, attribute: AttributeMetadata, value: unknown): StoredValue {
  if (value === null) return null;
  switch (attribute.type) {
    case "String":
    case "Memo":
    case "EntityName": {
      if (typeof value !== "string") throw invalidValue(attribute, value, "Edm.String");
      if (attribute.maxLength !== undefined && value.length > attribute.maxLength) {
        throw new DataverseError(
          400,
          ErrorCodes.StringLengthTooLong,
          `A validation error occurred.  The length of the '${attribute.logicalName}' attribute of the '${entity.logicalName}' entity exceeded the maximum allowed length of '${attribute.maxLength}'.`,
        );
      }
      return value;
    }
    case "Integer":
    case "BigInt": {
      const number = typeof value === "string" && attribute.type === "BigInt" ? Number(value) : value;
      if (typeof number !== "number" || !Number.isInteger(number)) throw invalidValue(attribute, value, edmTypeOf(attribute));
      checkRange(entity, attribute, number);
      return number;
    }
    case "Decimal":
    case "Double":
    case "Money": {
      const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
      if (typeof number !== "number" || !Number.isFinite(number)) throw invalidValue(attribute, value, edmTypeOf(attribute));
      checkRange(entity, attribute, number);
      return attribute.precision !== undefined ? round(number, attribute.precision) : number;
    }
    case "Boolean":
      if (typeof value !== "boolean") throw invalidValue(attribute, value, "Edm.Boolean");
      return value;
    case "DateTime":
      return toStoredDate(attribute, value);
    case "Picklist":
    case "State":
    case "Status":
      if (typeof value !== "number" || !Number.isInteger(value)) throw invalidValue(attribute, value, "Edm.Int32");
      checkOption(entity, attribute, value);
      return value;
    case "MultiSelectPicklist": {
      if (typeof value !== "string") throw invalidValue(attribute, value, "Edm.String");
      const values = value.split(",").filter((v) => v.trim() !== "").map((v) => Number(v.trim()));
      for (const v of values) {
        if (!Number.isInteger(v)) throw invalidValue(attribute, value, "Edm.String");
        checkOption(entity, attribute, v);
      }
      return [...new Set(values)].sort((a, b) => a - b);
    }
    case "Uniqueidentifier":
      if (!isGuid(value)) throw invalidValue(attribute, value, "Edm.Guid");
      return normalizeGuid(value as string);
    case "Image":
    case "File":
    case "Virtual":
      if (typeof value !== "string") throw invalidValue(attribute, value, "Edm.Binary");
      return value;
    case "Lookup":
    case "Customer":
    case "Owner":
      // A GUID (or object) under a lookup's logical name is the classic mistake; Dataverse rejects it.
      throw badRequest(
        `A 'PrimitiveValue' node with non-null value was found when trying to read the value of the navigation property '${attribute.logicalName}'; however, a 'StartArray' node, a 'StartObject' node, or a 'PrimitiveValue' node with null value was expected.`,
      );
  }
}

function checkRange(entity: EntityMetadata, attribute: AttributeMetadata, value: number): void {
  const below = attribute.minValue !== undefined && value < attribute.minValue;
  const above = attribute.maxValue !== undefined && value > attribute.maxValue;
  if (below || above) {
    throw new DataverseError(
      400,
      ErrorCodes.InvalidArgument,
      `A validation error occurred.  The value ${value} of '${attribute.logicalName}' on record of type '${entity.logicalName}' is outside the valid range. Accepted Values: ${attribute.minValue} to ${attribute.maxValue}.`,
    );
  }
}

function checkOption(entity: EntityMetadata, attribute: AttributeMetadata, value: number): void {
  if (!attribute.options || attribute.options.length === 0) return;
  if (!attribute.options.some((o) => o.value === value)) {
    throw new DataverseError(
      400,
      ErrorCodes.OptionValueOutOfRange,
      `A validation error occurred.  The value ${value} of '${attribute.logicalName}' on record of type '${entity.logicalName}' is outside the valid range. Accepted Values: ${attribute.options.map((o) => o.value).join(",")}`,
    );
  }
}

function toStoredDate(attribute: AttributeMetadata, value: unknown): string {
  if (typeof value !== "string") throw invalidValue(attribute, value, edmTypeOf(attribute));
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (attribute.format === "DateOnly") {
    if (dateOnly) return value;
    const parsed = Date.parse(value);
    if (Number.isNaN(parsed)) throw invalidValue(attribute, value, "Edm.Date");
    return new Date(parsed).toISOString().slice(0, 10);
  }
  if (dateOnly) return `${value}T00:00:00Z`;
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) throw invalidValue(attribute, value, "Edm.DateTimeOffset");
  const parsed = Date.parse(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
  if (Number.isNaN(parsed)) throw invalidValue(attribute, value, "Edm.DateTimeOffset");
  // Dataverse stores date-times to the second.
  return `${new Date(Math.floor(parsed / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** The JSON value of a stored non-lookup column. */
export function toJsonValue(attribute: AttributeMetadata, stored: StoredValue | undefined): unknown {
  if (stored === undefined || stored === null) return null;
  if (attribute.type === "MultiSelectPicklist" && Array.isArray(stored)) return stored.join(",");
  if (isReference(stored)) return stored.id;
  return stored;
}

export interface FormatContext {
  currencySymbol?: string;
  currencyPrecision?: number;
}

/** The `@OData.Community.Display.V1.FormattedValue` text, as an en-US user in UTC sees it. */
export function formattedValue(attribute: AttributeMetadata, stored: StoredValue | undefined, context: FormatContext = {}): string | undefined {
  if (stored === undefined || stored === null) return undefined;
  switch (attribute.type) {
    case "Boolean":
      return attribute.options?.find((o) => o.value === (stored ? 1 : 0))?.label ?? (stored ? "Yes" : "No");
    case "Picklist":
    case "State":
    case "Status":
      return attribute.options?.find((o) => o.value === stored)?.label;
    case "MultiSelectPicklist":
      return Array.isArray(stored) ? stored.map((v) => attribute.options?.find((o) => o.value === v)?.label ?? String(v)).join("; ") : undefined;
    case "Money": {
      const digits = context.currencyPrecision ?? attribute.precision ?? 2;
      const amount = Math.abs(stored as number).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
      return `${(stored as number) < 0 ? "-" : ""}${context.currencySymbol ?? "$"}${amount}`;
    }
    case "Integer":
    case "BigInt":
      return (stored as number).toLocaleString("en-US");
    case "Decimal":
    case "Double": {
      const digits = attribute.precision ?? 2;
      return (stored as number).toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
    }
    case "DateTime":
      return formatDate(String(stored), attribute.format === "DateOnly");
    default:
      return undefined;
  }
}

function formatDate(iso: string, dateOnly: boolean): string {
  const date = new Date(dateOnly ? `${iso}T00:00:00Z` : iso);
  const day = `${date.getUTCMonth() + 1}/${date.getUTCDate()}/${date.getUTCFullYear()}`;
  if (dateOnly) return day;
  const hours = date.getUTCHours();
  const minutes = String(date.getUTCMinutes()).padStart(2, "0");
  return `${day} ${hours % 12 === 0 ? 12 : hours % 12}:${minutes} ${hours < 12 ? "AM" : "PM"}`;
}

/** The name Dataverse reports for a lookup property: `_parentaccountid_value`. */
export const lookupPropertyName = (attribute: string) => `_${attribute}_value`;
