/**
 * Which CRM column holds each referral field. The built-in mapping follows the Microsoft connector
 * (cosell-connectors.md §3); the `cosell_FieldMapping` environment variable overrides any entry.
 *
 * Field-mapping JSON (every part optional):
 * {
 *   "opportunity": { "details.notes": "cosell_partnernotes" },        referral path → column
 *   "account":     { "customerProfile.address.postalCode": ["address1_postalcode", "address2_postalcode"] },
 *   "lead": {…}, "contact": {…}, "owner": {…},                         null = do not map
 *   "fields":      { "notes": { "direction": "toPartnerCenter", "owner": "crm" } },
 *   "accountMatch": ["name", "address1_postalcode"]
 * }
 * A list of columns means "the first one with a value" when reading, and the first one when writing.
 */
import {
  AccountTable,
  ContactTable,
  LeadColumns,
  LeadTable,
  OpportunityColumns,
  OpportunityTable,
  SystemUserTable,
} from "../crm/schema";
import { FieldDirections, SyncFields, SyncSides, type FieldRule, type SyncField } from "../sync/fields";

export const MappingSections = ["opportunity", "lead", "account", "contact", "owner"] as const;
export type MappingSection = (typeof MappingSections)[number];

const address = (prefix: string) => ({
  [`${prefix}addressLine1`]: [AccountTable.line1],
  [`${prefix}addressLine2`]: [AccountTable.line2],
  [`${prefix}city`]: [AccountTable.city],
  [`${prefix}state`]: [AccountTable.stateOrProvince],
  [`${prefix}postalCode`]: [AccountTable.postalCode],
  [`${prefix}country`]: [AccountTable.country],
});

/** Built-in mapping: referral path (or member field) → candidate columns. */
export const BuiltInMapping: Readonly<Record<MappingSection, Readonly<Record<string, readonly string[]>>>> = {
  opportunity: {
    name: [OpportunityTable.name],
    "details.dealValue": [OpportunityTable.estimatedValue],
    "details.closingDateTime": [OpportunityTable.estimatedCloseDate],
    "details.notes": [OpportunityTable.description],
    "trackingInfo.microsoftMsxId": [OpportunityColumns.microsoftCrmId],
  },
  lead: {
    // The 2019 Microsoft sample flow wrote the deal value to budgetamount (cosell-connectors.md §3).
    name: [LeadTable.topic],
    "details.dealValue": [LeadTable.budgetAmount],
    "details.closingDateTime": [LeadTable.estimatedCloseDate],
    "details.notes": [LeadTable.description],
    "trackingInfo.microsoftMsxId": [LeadColumns.microsoftCrmId],
    "customerProfile.name": [LeadTable.companyName],
    ...address("customerProfile.address."),
    "contact.firstName": [LeadTable.firstName],
    "contact.lastName": [LeadTable.lastName],
    "contact.email": [LeadTable.email],
    "contact.phoneNumber": [LeadTable.phone],
  },
  account: {
    "customerProfile.name": [AccountTable.name],
    ...address("customerProfile.address."),
  },
  contact: {
    firstName: [ContactTable.firstName],
    lastName: [ContactTable.lastName],
    email: [ContactTable.email],
    phoneNumber: [ContactTable.phone, ContactTable.mobilePhone],
  },
  owner: {
    firstName: [SystemUserTable.firstName],
    lastName: [SystemUserTable.lastName],
    email: [SystemUserTable.email],
    phoneNumber: [SystemUserTable.phone, SystemUserTable.mobilePhone],
  },
};

export type ColumnList = readonly string[];

/** The parsed `cosell_FieldMapping` value. */
export interface FieldMappingOverrides {
  opportunity?: Readonly<Record<string, ColumnList>>;
  lead?: Readonly<Record<string, ColumnList>>;
  account?: Readonly<Record<string, ColumnList>>;
  contact?: Readonly<Record<string, ColumnList>>;
  owner?: Readonly<Record<string, ColumnList>>;
  fields?: Readonly<Partial<Record<SyncField, Partial<FieldRule>>>>;
  /** Account columns that identify an existing account (default: name + postal code). */
  accountMatch?: ColumnList;
}

const LOGICAL_NAME = /^[a-z][a-z0-9_]{0,49}$/;

/**
 * Normalises a column name as an admin may type it (logical or schema name) to its logical name,
 * or explains what is wrong with it.
 */
export function normalizeColumnName(value: string): { ok: true; column: string } | { ok: false; problem: string } {
  const trimmed = value.trim();
  const column = trimmed.toLowerCase();
  if (LOGICAL_NAME.test(column)) return { ok: true, column };
  if (trimmed === "") return { ok: false, problem: "is empty" };
  if (/\s/.test(trimmed)) return { ok: false, problem: `"${trimmed}" contains spaces, so it looks like a display name` };
  if (/^_.*_value$/i.test(trimmed)) return { ok: false, problem: `"${trimmed}" is a Web API lookup property, not a column name` };
  return { ok: false, problem: `"${trimmed}" is not a column logical name (letters, digits and _ only, starting with a letter, at most 50 characters)` };
}

function parseColumns(value: unknown, where: string, errors: string[]): ColumnList | undefined {
  if (value === null) return [];
  const items = typeof value === "string" ? [value] : Array.isArray(value) ? value : undefined;
  if (!items || items.length === 0 || items.some((item) => typeof item !== "string")) {
    errors.push(`${where} must be a column logical name, a non-empty list of them, or null; got ${JSON.stringify(value)}.`);
    return undefined;
  }
  const columns: string[] = [];
  for (const item of items as string[]) {
    const result = normalizeColumnName(item);
    if (result.ok) columns.push(result.column);
    else errors.push(`${where}: ${result.problem}.`);
  }
  return columns.length === items.length ? columns : undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function parseFieldRules(value: unknown, errors: string[]): FieldMappingOverrides["fields"] {
  if (!isRecord(value)) {
    errors.push(`"fields" must be an object keyed by sync field (${SyncFields.join(", ")}).`);
    return undefined;
  }
  const rules: Partial<Record<SyncField, Partial<FieldRule>>> = {};
  for (const [field, rule] of Object.entries(value)) {
    if (!(SyncFields as readonly string[]).includes(field)) {
      errors.push(`"fields.${field}" is not a sync field; use one of ${SyncFields.join(", ")}.`);
      continue;
    }
    if (!isRecord(rule)) {
      errors.push(`"fields.${field}" must be an object like {"direction":"both","owner":"crm"}.`);
      continue;
    }
    const parsed: Partial<FieldRule> = {};
    for (const [key, item] of Object.entries(rule)) {
      if (key === "direction" && (FieldDirections as readonly unknown[]).includes(item)) parsed.direction = item as FieldRule["direction"];
      else if (key === "owner" && (SyncSides as readonly unknown[]).includes(item)) parsed.owner = item as FieldRule["owner"];
      else if (key === "direction") errors.push(`"fields.${field}.direction" must be one of ${FieldDirections.join(", ")}.`);
      else if (key === "owner") errors.push(`"fields.${field}.owner" must be "crm" or "partnerCenter".`);
      else errors.push(`"fields.${field}.${key}" is not a setting; use "direction" and "owner".`);
    }
    rules[field as SyncField] = parsed;
  }
  return rules;
}

/**
 * Parses the field-mapping JSON. Errors are complete sentences naming the offending entry, so an
 * admin can fix the environment variable from the message alone.
 */
export function parseFieldMapping(text: string): { ok: true; value: FieldMappingOverrides } | { ok: false; errors: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, errors: [`It is not valid JSON (${(error as Error).message}).`] };
  }
  if (!isRecord(json)) return { ok: false, errors: ["It must be a JSON object, e.g. {\"opportunity\":{\"details.notes\":\"description\"}}."] };

  const errors: string[] = [];
  const value: {
    -readonly [K in keyof FieldMappingOverrides]: FieldMappingOverrides[K];
  } = {};
  for (const [key, item] of Object.entries(json)) {
    if ((MappingSections as readonly string[]).includes(key)) {
      const section = key as MappingSection;
      if (!isRecord(item)) {
        errors.push(`"${section}" must be an object mapping referral fields to columns.`);
        continue;
      }
      const entries: Record<string, ColumnList> = {};
      for (const [path, columns] of Object.entries(item)) {
        if (!(path in BuiltInMapping[section])) {
          errors.push(`"${section}.${path}" is not a mappable field; use one of ${Object.keys(BuiltInMapping[section]).join(", ")}.`);
          continue;
        }
        const parsed = parseColumns(columns, `"${section}.${path}"`, errors);
        if (parsed) entries[path] = parsed;
      }
      value[section] = entries;
    } else if (key === "fields") {
      value.fields = parseFieldRules(item, errors);
    } else if (key === "accountMatch") {
      const parsed = parseColumns(item, `"accountMatch"`, errors);
      if (parsed?.length === 0) errors.push(`"accountMatch" needs at least one column.`);
      else if (parsed) value.accountMatch = parsed;
    } else {
      errors.push(`"${key}" is not a setting; use ${[...MappingSections, "fields", "accountMatch"].join(", ")}.`);
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value };
}
