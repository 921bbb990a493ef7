/**
 * ImportSolution / ImportSolutionAsync: a base64 `CustomizationFile` zip is read and applied to
 * the environment (tables, columns, relationships, environment variables). The import job row
 * (`importjobs(<ImportJobId>)`) reports progress and, when done, the result XML in `data`, as
 * deployment tools poll it; a broken file fails with the platform's message and nothing applied.
 */
import { DataverseError, ErrorCodes, badRequest } from "../../errors";
import { isGuid, newGuid, normalizeGuid } from "../../ids";
import { isReference } from "../../data/store";
import type { DataverseEnvironment } from "../../environment";
import { applySolution, type ImportSummary } from "../../solution/apply";
import { readSolutionZip, type SolutionPackage } from "../../solution/solution-loader";
import { SolutionFormatError } from "../../solution/xml";
import { emptyResponse, jsonResponse } from "../context";
import { requireParameter, responseContext, type Operation, type OperationCall } from "./operation";

const yieldToPollers = () => new Promise<void>((resolve) => setImmediate(resolve));

const escapeXml = (value: string) => value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function decodeCustomizationFile(value: string): Uint8Array {
  const compact = value.replace(/\s+/g, "");
  if (compact === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw badRequest("The CustomizationFile parameter is not a valid base64-encoded solution file.", ErrorCodes.SolutionImportFailed);
  }
  return Buffer.from(compact, "base64");
}

function resultXml(outcome: { solution?: SolutionPackage; summary?: ImportSummary; error?: string }, started: string, stopped: string): string {
  const result = outcome.error
    ? `<result result="failure" errorcode="${ErrorCodes.SolutionImportFailed}" errortext="${escapeXml(outcome.error)}" />`
    : `<result result="success" errorcode="0" errortext="" />`;
  const solution = outcome.solution;
  const manifest = solution
    ? `<solutionManifest languagecode="1033" id="${escapeXml(solution.uniqueName)}" LocalizedName="${escapeXml(solution.friendlyName)}" processed="true"><UniqueName>${escapeXml(solution.uniqueName)}</UniqueName><Version>${escapeXml(solution.version)}</Version><Managed>${solution.managed ? 1 : 0}</Managed>${result}</solutionManifest>`
    : `<solutionManifest processed="true">${result}</solutionManifest>`;
  const entities = (outcome.summary?.tables ?? []).map((t) => `<entity id="${t}" LocalizedName="${t}" OriginalName="${t}" processed="true"><result result="success" errorcode="0" errortext="" /></entity>`).join("");
  const variables = (outcome.summary?.environmentVariables ?? []).map((v) => `<environmentvariabledefinition id="${escapeXml(v)}" processed="true"><result result="success" errorcode="0" errortext="" /></environmentvariabledefinition>`).join("");
  const warnings = (outcome.summary?.warnings ?? []).map((w) => `<warning>${escapeXml(w)}</warning>`).join("");
  return `<importexportxml start="${started}" stop="${stopped}" progress="100" processed="true"><solutionManifests>${manifest}</solutionManifests><entities>${entities}</entities><environmentvariabledefinitions>${variables}</environmentvariabledefinitions><warnings>${warnings}</warnings></importexportxml>`;
}

/**
 * Runs an import, keeping the import job row current; rethrows a platform error on failure.
 * `read` parses the solution (a zip from the request, or a folder for in-process imports).
 */
export async function runImport(env: DataverseEnvironment, read: () => SolutionPackage, importJobId: string, componentParameters: unknown = undefined): Promise<ImportSummary> {
  const system = env.systemActor;
  const started = env.timestamp();
  if (env.get("importjob", importJobId)) {
    throw new DataverseError(400, ErrorCodes.DuplicateRecord, `An import job with Id ${importJobId} already exists. Use a new ImportJobId for each import.`);
  }
  env.create("importjob", { importjobid: importJobId, name: "Customizations", progress: 0, startedon: started }, system, { silent: true });
  const progress = (value: number, extra: Record<string, string | number | null> = {}) =>
    env.update("importjob", importJobId, { progress: value, ...extra }, system, { silent: true });
  let solution: SolutionPackage | undefined;
  try {
    await yieldToPollers();
    solution = read();
    refuseManagedStateChange(env, solution);
    progress(40, { solutionname: solution.uniqueName });
    await yieldToPollers();
    const parsed = solution;
    const summary = env.store.transaction(() => {
      const applied = applySolution(env, parsed);
      applyComponentParameters(env, componentParameters);
      return applied;
    });
    progress(100, { solutionid: summary.solutionId, completedon: env.timestamp(), data: resultXml({ solution, summary }, started, env.timestamp()) });
    return summary;
  } catch (error) {
    const message = error instanceof SolutionFormatError ? error.message : error instanceof DataverseError ? error.message : String(error);
    progress(100, { completedon: env.timestamp(), data: resultXml({ solution, error: message }, started, env.timestamp()) });
    if (error instanceof DataverseError) throw error;
    throw new DataverseError(400, ErrorCodes.SolutionImportFailed, error instanceof SolutionFormatError ? message : `The import failed: ${message}`);
  }
}

/**
 * A solution stays managed or unmanaged once installed: the platform refuses an import of the other
 * kind, and the way out is deleting the installed solution (dataverse-pcf.md §2.13 keeps the two
 * apart; the refusal is inferred from the platform's import behaviour and the wording is ours).
 */
function refuseManagedStateChange(env: DataverseEnvironment, solution: SolutionPackage): void {
  const installed = env.findByKey("solution", { uniquename: solution.uniqueName })?.[1];
  if (!installed || installed.ismanaged === solution.managed) return;
  const [was, is] = installed.ismanaged ? ["managed", "unmanaged"] : ["unmanaged", "managed"];
  throw new DataverseError(
    400,
    ErrorCodes.SolutionImportFailed,
    `Solution '${solution.uniqueName}' is already installed in this environment as a ${was} solution, and the package being imported is ${is}. Delete the installed solution before importing the ${is} one.`,
  );
}

/**
 * ComponentParameters: environment variable values to set with the import, so a staging and a
 * production environment get their own values from the same solution.
 */
function applyComponentParameters(env: DataverseEnvironment, parameters: unknown): void {
  if (parameters === undefined || parameters === null) return;
  if (!Array.isArray(parameters)) throw badRequest("ComponentParameters must be a collection of entities.", ErrorCodes.InvalidArgument);
  for (const parameter of parameters as Array<Record<string, unknown>>) {
    const type = String(parameter["@odata.type"] ?? "").replace(/^#?Microsoft\.Dynamics\.CRM\./, "");
    if (type !== "environmentvariablevalue") {
      throw badRequest(`ComponentParameters of type '${type || "(none)"}' are not supported; pass environmentvariablevalue entities.`, ErrorCodes.InvalidArgument);
    }
    const schemaName = parameter.schemaname;
    const value = parameter.value;
    if (typeof schemaName !== "string" || typeof value !== "string") {
      throw badRequest("An environmentvariablevalue component parameter needs 'schemaname' and 'value'.", ErrorCodes.InvalidArgument);
    }
    const definition = env.findByKey("environmentvariabledefinition", { schemaname: schemaName });
    if (!definition) throw badRequest(`ComponentParameters name '${schemaName}', which is not an environment variable of this environment or solution.`, ErrorCodes.InvalidArgument);
    const reference = { logicalName: "environmentvariabledefinition", id: definition[0] };
    const existing = [...env.store.rows("environmentvariablevalue")].find(([, row]) => isReference(row.environmentvariabledefinitionid) && row.environmentvariabledefinitionid.id === definition[0]);
    if (existing) env.update("environmentvariablevalue", existing[0], { value }, env.systemActor);
    else env.create("environmentvariablevalue", { schemaname: schemaName, value, environmentvariabledefinitionid: reference }, env.systemActor);
  }
}

function importJobIdOf(parameters: Record<string, unknown>): string {
  const value = parameters.ImportJobId;
  if (value === undefined || value === null) return newGuid();
  if (!isGuid(value)) throw badRequest("ImportJobId must be a GUID.", ErrorCodes.InvalidArgument);
  return normalizeGuid(value as string);
}

export const importSolution: Operation = {
  name: "ImportSolution",
  kind: "action",
  invoke: async ({ env, parameters }: OperationCall) => {
    const file = requireParameter(parameters, "CustomizationFile", "ImportSolution", (v): v is string => typeof v === "string");
    const bytes = decodeCustomizationFile(file);
    await runImport(env, () => readSolutionZip(bytes), importJobIdOf(parameters), parameters.ComponentParameters);
    return emptyResponse(204);
  },
};

/**
 * StageAndUpgrade: import and apply as the new version in one step. Components are merged as on
 * import; components a new version drops are not removed.
 */
export const stageAndUpgrade: Operation = {
  name: "StageAndUpgrade",
  kind: "action",
  invoke: async ({ env, context, parameters }: OperationCall) => {
    const file = requireParameter(parameters, "CustomizationFile", "StageAndUpgrade", (v): v is string => typeof v === "string");
    const bytes = decodeCustomizationFile(file);
    const summary = await runImport(env, () => readSolutionZip(bytes), importJobIdOf(parameters), parameters.ComponentParameters);
    return jsonResponse(200, { "@odata.context": responseContext(context, "StageAndUpgradeResponse"), SolutionId: summary.solutionId });
  },
};

export const importSolutionAsync: Operation = {
  name: "ImportSolutionAsync",
  kind: "action",
  invoke: ({ env, context, parameters }: OperationCall) => {
    const file = requireParameter(parameters, "CustomizationFile", "ImportSolutionAsync", (v): v is string => typeof v === "string");
    const bytes = decodeCustomizationFile(file);
    const importJobId = importJobIdOf(parameters);
    const asyncOperationId = env.create("asyncoperation", { name: "ImportSolution", operationtype: 58, statecode: 2, statuscode: 20, startedon: env.timestamp() }, context.actor, { silent: true });
    runImport(env, () => readSolutionZip(bytes), importJobId, parameters.ComponentParameters).then(
      () => env.update("asyncoperation", asyncOperationId, { statecode: 3, statuscode: 30, completedon: env.timestamp() }, env.systemActor, { silent: true }),
      (error: Error) => env.update("asyncoperation", asyncOperationId, { statecode: 3, statuscode: 31, completedon: env.timestamp(), message: error.message, friendlymessage: error.message }, env.systemActor, { silent: true }),
    );
    return jsonResponse(200, { "@odata.context": responseContext(context, "ImportSolutionAsyncResponse"), AsyncOperationId: asyncOperationId, ImportJobKey: importJobId });
  },
};
