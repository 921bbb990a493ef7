import { EnvironmentVariables, parseSyncConfig, type ConfigResult, type EnvironmentValues } from "@cosell/core";

const DEFINITION = "environmentvariabledefinition";
const VALUES = "environmentvariabledefinition_environmentvariablevalue";

const cache = new WeakMap<Xrm.WebApi, Promise<ConfigResult>>();

/**
 * The connector configuration from its environment variables, read in one Web API request once per
 * page (a failed read is not cached, so the next form event tries again) and parsed by core.
 */
export function loadSyncConfig(): Promise<ConfigResult> {
  const webApi = Xrm.WebApi;
  let config = cache.get(webApi);
  if (config === undefined) {
    config = readEnvironmentVariables(webApi).then(parseSyncConfig);
    config.catch(() => cache.delete(webApi));
    cache.set(webApi, config);
  }
  return config;
}

/** Effective value per schema name; variables missing from the environment are left to core's defaults. */
async function readEnvironmentVariables(webApi: Xrm.WebApi): Promise<EnvironmentValues> {
  const filter = Object.values(EnvironmentVariables)
    .map((v) => `schemaname eq '${v.schemaName}'`)
    .join(" or ");
  const result = await webApi.retrieveMultipleRecords(
    DEFINITION,
    `?$select=schemaname,defaultvalue&$filter=${filter}&$expand=${VALUES}($select=value)`,
  );
  const values: Record<string, string | null> = {};
  for (const row of result.entities) {
    if (typeof row.schemaname !== "string") continue;
    const current = (row[VALUES] as { value?: unknown }[] | undefined)?.find((v) => typeof v.value === "string");
    // dataverse-pcf.md §2.6: the current value wins over the default.
    const value = current?.value ?? row.defaultvalue;
    values[row.schemaname] = typeof value === "string" ? value : null;
  }
  return values;
}
