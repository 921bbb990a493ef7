import { EnvironmentVariables } from "../crm/schema";
import { DefaultFieldRules, type FieldRule, type SyncField } from "../sync/fields";
import {
  BuiltInMapping,
  normalizeColumnName,
  parseFieldMapping,
  type ColumnList,
  type FieldMappingOverrides,
  type MappingSection,
} from "./field-mapping";

/** The connector's configuration: the environment variables of PRODUCT.md §1, parsed. */
export interface SyncConfig {
  /** Append ✔ / ✖ to the opportunity name after a sync. */
  displayCheckMark: boolean;
  /** Opportunity column synced with `details.dealValue` (logical name). */
  dealValueField: string;
  /** Account column holding the ISO 3166-1 alpha-2 country code (logical name). */
  countryCodeField: string;
  /** Base URL of the relay, empty when not configured. */
  relayUrl: string;
  /** Overrides of the built-in mapping; empty = built-in mapping. */
  fieldMapping: FieldMappingOverrides;
}

/** Equal to the environment variables' default values. */
export const DEFAULT_SYNC_CONFIG: Readonly<SyncConfig> = Object.freeze({
  displayCheckMark: true,
  dealValueField: EnvironmentVariables.dealValueField.defaultValue,
  countryCodeField: EnvironmentVariables.countryCodeField.defaultValue,
  relayUrl: EnvironmentVariables.relayUrl.defaultValue,
  fieldMapping: Object.freeze({}),
});

/** A configuration problem, addressed to the CRM admin who sets environment variables. */
export interface ConfigIssue {
  /** Environment variable schema name. */
  variable: string;
  message: string;
  fix: string;
}

export type ConfigResult = { ok: true; config: SyncConfig } | { ok: false; errors: ConfigIssue[] };

/** Environment variable values by schema name; null/undefined/"" = no current value (use the default). */
export type EnvironmentValues = Readonly<Record<string, string | null | undefined>>;

const valueOf = (values: EnvironmentValues, schemaName: string): string | undefined => {
  const key = Object.keys(values).find((k) => k.toLowerCase() === schemaName.toLowerCase());
  const raw = key === undefined ? undefined : values[key];
  return raw === null || raw === undefined || raw.trim() === "" ? undefined : raw.trim();
};

function parseYesNo(value: string): boolean | undefined {
  // Dataverse stores Yes/No environment variables as "yes"/"no"; accept the other usual spellings too.
  if (/^(yes|true|1)$/i.test(value)) return true;
  if (/^(no|false|0)$/i.test(value)) return false;
  return undefined;
}

function parseRelayUrl(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) return undefined;
  if (url.search || url.hash) return undefined;
  return url.href.replace(/\/+$/, "");
}

/**
 * Builds the configuration from environment variable values (schema name → current value).
 * Never throws: every bad value comes back as an issue saying which variable and how to fix it.
 */
export function parseSyncConfig(values: EnvironmentValues): ConfigResult {
  const errors: ConfigIssue[] = [];
  const config: SyncConfig = { ...DEFAULT_SYNC_CONFIG };
  const vars = EnvironmentVariables;

  const checkMark = valueOf(values, vars.displayCheckMark.schemaName);
  if (checkMark !== undefined) {
    const parsed = parseYesNo(checkMark);
    if (parsed === undefined) {
      errors.push({
        variable: vars.displayCheckMark.schemaName,
        message: `"${checkMark}" is not a Yes/No value.`,
        fix: "Set the current value to yes or no.",
      });
    } else config.displayCheckMark = parsed;
  }

  for (const [key, variable, example] of [
    ["dealValueField", vars.dealValueField, "estimatedvalue"],
    ["countryCodeField", vars.countryCodeField, "address1_country"],
  ] as const) {
    const raw = valueOf(values, variable.schemaName);
    if (raw === undefined) continue;
    const column = normalizeColumnName(raw);
    if (column.ok) config[key] = column.column;
    else {
      errors.push({
        variable: variable.schemaName,
        message: `The column name ${column.problem}.`,
        fix: `Enter the column's logical name as shown in the table's column properties (for example ${example}), not its display name.`,
      });
    }
  }

  const relayUrl = valueOf(values, vars.relayUrl.schemaName);
  if (relayUrl !== undefined) {
    const parsed = parseRelayUrl(relayUrl);
    if (parsed === undefined) {
      errors.push({
        variable: vars.relayUrl.schemaName,
        message: `"${relayUrl}" is not a usable relay address.`,
        fix: "Enter the relay's https:// base address without query string, e.g. https://cosell-relay.contoso.com (http:// only for localhost).",
      });
    } else config.relayUrl = parsed;
  }

  const mapping = valueOf(values, vars.fieldMapping.schemaName);
  if (mapping !== undefined) {
    const parsed = parseFieldMapping(mapping);
    if (parsed.ok) config.fieldMapping = parsed.value;
    else {
      for (const problem of parsed.errors) {
        errors.push({
          variable: vars.fieldMapping.schemaName,
          message: `Field mapping: ${problem}`,
          fix: "Correct the JSON or clear the current value to use the built-in mapping.",
        });
      }
    }
  }

  return errors.length ? { ok: false, errors } : { ok: true, config };
}

export type ResolvedMapping = Readonly<Record<MappingSection, Readonly<Record<string, ColumnList>>>>;

const resolvedCache = new WeakMap<SyncConfig, ResolvedMapping>();

/**
 * The effective column mapping: built-in, then the deal value and country code variables, then
 * the field-mapping JSON (the most specific setting wins).
 */
export function resolveMapping(config: SyncConfig): ResolvedMapping {
  const cached = resolvedCache.get(config);
  if (cached) return cached;
  const overrides = config.fieldMapping;
  const section = (name: MappingSection, variables: Record<string, ColumnList> = {}) => ({
    ...BuiltInMapping[name],
    ...variables,
    ...overrides[name],
  });
  const resolved: ResolvedMapping = {
    opportunity: section("opportunity", { "details.dealValue": [config.dealValueField] }),
    lead: section("lead"),
    account: section("account", { "customerProfile.address.country": [config.countryCodeField] }),
    contact: section("contact"),
    owner: section("owner"),
  };
  resolvedCache.set(config, resolved);
  return resolved;
}

/** Direction and owner of every sync field after the field-mapping JSON's `fields` overrides. */
export function fieldRules(config: SyncConfig): Readonly<Record<SyncField, FieldRule>> {
  const overrides = config.fieldMapping.fields ?? {};
  const rules = { ...DefaultFieldRules };
  for (const [field, rule] of Object.entries(overrides) as [SyncField, Partial<FieldRule>][]) {
    rules[field] = { ...rules[field], ...rule };
  }
  return rules;
}

/** Account columns that identify an existing account: the mapped name and postal code columns by default. */
export function accountMatchColumns(config: SyncConfig): ColumnList {
  if (config.fieldMapping.accountMatch) return config.fieldMapping.accountMatch;
  const account = resolveMapping(config).account;
  return [account["customerProfile.name"]?.[0], account["customerProfile.address.postalCode"]?.[0]].filter(
    (column): column is string => Boolean(column),
  );
}
