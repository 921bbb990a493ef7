/**
 * RetrieveEnvironmentVariableValue(DefinitionSchemaName='…'): the current value when one exists,
 * else the definition's default (dataverse-pcf.md §2.6).
 */
import { DataverseError, ErrorCodes } from "../../errors";
import { isReference } from "../../data/store";
import type { DataverseEnvironment } from "../../environment";
import { jsonResponse } from "../context";
import { requireParameter, responseContext, type Operation } from "./operation";

export function environmentVariableValue(env: DataverseEnvironment, schemaName: string): string | null | undefined {
  const definition = env.findByKey("environmentvariabledefinition", { schemaname: schemaName });
  if (!definition) return undefined;
  const [definitionId, row] = definition;
  for (const value of env.store.rows("environmentvariablevalue").values()) {
    const parent = value.environmentvariabledefinitionid;
    if (isReference(parent) && parent.id === definitionId && typeof value.value === "string") return value.value;
  }
  return typeof row.defaultvalue === "string" ? row.defaultvalue : null;
}

export const retrieveEnvironmentVariableValue: Operation = {
  name: "RetrieveEnvironmentVariableValue",
  kind: "function",
  invoke: ({ env, context, parameters }) => {
    const schemaName = requireParameter(parameters, "DefinitionSchemaName", "RetrieveEnvironmentVariableValue", (v): v is string => typeof v === "string");
    const value = environmentVariableValue(env, schemaName);
    if (value === undefined) {
      throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Environment variable definition with schema name '${schemaName}' does not exist.`);
    }
    return jsonResponse(200, { "@odata.context": responseContext(context, "RetrieveEnvironmentVariableValueResponse"), Value: value });
  },
};
