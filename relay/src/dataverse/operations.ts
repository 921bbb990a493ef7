/**
 * Turns an `Xrm.WebApi.online.execute` request (an object whose `getMetadata()` names the operation,
 * its kind and parameter types) into Web API HTTP requests, the way the platform's own client does:
 * actions are POSTs with a JSON body, functions are GETs with parameter aliases, CRUD requests
 * (Create, Update, Delete, Associate, Disassociate) become their plain REST calls
 * (Xrm.WebApi.online.execute reference; dataverse-pcf.md §5 table).
 */
import type { BatchOperation } from "./batch";

const enum OperationType {
  Action = 0,
  Function = 1,
  Crud = 2,
}

const enum StructuralProperty {
  Unknown = 0,
  PrimitiveType = 1,
  ComplexType = 2,
  EnumerationType = 3,
  Collection = 4,
  EntityType = 5,
}

export interface ParameterType {
  typeName: string;
  structuralProperty: number;
  enumProperties?: { name: string; value: number }[];
}

export interface OperationMetadata {
  boundParameter?: string | null;
  operationName?: string;
  operationType?: number;
  parameterTypes: Record<string, ParameterType>;
}

export interface ExecuteRequest {
  getMetadata(): OperationMetadata;
  [parameter: string]: unknown;
}

export interface RecordReference {
  entityType: string;
  id: string;
}

/** Entity set names and primary keys by logical name (generated metadata first, the server otherwise). */
export interface EntityNames {
  entitySetName(logicalName: string): Promise<string>;
  primaryIdAttribute(logicalName: string): Promise<string>;
}

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** `(guid)` for a GUID, `(key='value')` for an alternate-key expression. */
export function recordKey(id: string): string {
  const guid = GUID.exec(id.trim());
  if (guid) return `(${guid[1].toLowerCase()})`;
  if (/^[A-Za-z_][\w]*\s*=/.test(id.trim())) return `(${id.trim()})`;
  throw new Error(`"${id}" is neither a GUID nor an alternate key such as name='value'.`);
}

/** A string literal inside an OData URL: single quotes doubled (OData ABNF `SQUOTE-in-string`). */
export function odataLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The HTTP requests for one execute request; more than one only for Associate with several targets. */
export async function toOperations(request: ExecuteRequest, names: EntityNames, apiRoot: string): Promise<BatchOperation[]> {
  if (typeof request?.getMetadata !== "function") throw new Error("An execute request needs getMetadata() describing the operation.");
  const metadata = request.getMetadata();
  if (!metadata.operationName) throw new Error("An execute request's metadata has no operationName.");
  switch (metadata.operationType) {
    case OperationType.Crud:
      return crudOperations(metadata.operationName, request, names, apiRoot);
    case OperationType.Action:
      return [await actionOperation(metadata, request, names)];
    case OperationType.Function:
      return [await functionOperation(metadata, request, names)];
    default:
      throw new Error(`Unknown operationType ${metadata.operationType} for ${metadata.operationName}: expected 0 (action), 1 (function) or 2 (CRUD).`);
  }
}

async function crudOperations(name: string, request: ExecuteRequest, names: EntityNames, apiRoot: string): Promise<BatchOperation[]> {
  switch (name) {
    case "Create": {
      const etn = requireString(request.etn, "Create", "etn");
      return [{ method: "POST", path: await names.entitySetName(etn), body: JSON.stringify(normalizeBinds(request.payload)) }];
    }
    case "Update": {
      const etn = requireString(request.etn, "Update", "etn");
      const id = requireString(request.id, "Update", "id");
      return [{ method: "PATCH", path: `${await names.entitySetName(etn)}${recordKey(id)}`, body: JSON.stringify(normalizeBinds(request.payload)) }];
    }
    case "Delete": {
      const target = requireReference(request.entityReference, "Delete", "entityReference");
      return [{ method: "DELETE", path: `${await names.entitySetName(target.entityType)}${recordKey(target.id)}` }];
    }
    case "Associate": {
      const target = requireReference(request.target, "Associate", "target");
      const relationship = requireString(request.relationship, "Associate", "relationship");
      const related = request.relatedEntities;
      if (!Array.isArray(related) || related.length === 0) throw new Error("Associate needs at least one entry in relatedEntities.");
      const path = `${await names.entitySetName(target.entityType)}${recordKey(target.id)}/${relationship}/$ref`;
      const operations: BatchOperation[] = [];
      for (const entry of related) {
        const reference = requireReference(entry, "Associate", "relatedEntities[]");
        const odataId = `${apiRoot}${await names.entitySetName(reference.entityType)}${recordKey(reference.id)}`;
        operations.push({ method: "POST", path, body: JSON.stringify({ "@odata.id": odataId }) });
      }
      return operations;
    }
    case "Disassociate": {
      const target = requireReference(request.target, "Disassociate", "target");
      const relationship = requireString(request.relationship, "Disassociate", "relationship");
      const related = request.relatedEntityId === undefined || request.relatedEntityId === null ? "" : recordKey(String(request.relatedEntityId));
      return [{ method: "DELETE", path: `${await names.entitySetName(target.entityType)}${recordKey(target.id)}/${relationship}${related}/$ref` }];
    }
    default:
      throw new Error(`Unsupported CRUD operation "${name}": expected Create, Update, Delete, Associate or Disassociate.`);
  }
}

async function actionOperation(metadata: OperationMetadata, request: ExecuteRequest, names: EntityNames): Promise<BatchOperation> {
  const body: Record<string, unknown> = {};
  for (const [parameter, type] of Object.entries(metadata.parameterTypes ?? {})) {
    if (parameter === metadata.boundParameter || !(parameter in request)) continue;
    const value = request[parameter];
    if (value === undefined) continue;
    body[parameter] = await actionParameter(value, type, names);
  }
  return { method: "POST", path: await operationPath(metadata, request, names, ""), body: JSON.stringify(body) };
}

async function actionParameter(value: unknown, type: ParameterType, names: EntityNames): Promise<unknown> {
  if (value === null) return null;
  if (type.structuralProperty === StructuralProperty.EntityType && isReference(value)) {
    // An entity parameter given as a reference travels as the typed key (Web API "entity type parameters").
    return { "@odata.type": `Microsoft.Dynamics.CRM.${value.entityType}`, [await names.primaryIdAttribute(value.entityType)]: bareGuid(value.id) };
  }
  if (isWrappedGuid(value)) return value.guid;
  return normalizeBinds(value);
}

async function functionOperation(metadata: OperationMetadata, request: ExecuteRequest, names: EntityNames): Promise<BatchOperation> {
  const declarations: string[] = [];
  const aliases: string[] = [];
  let index = 0;
  for (const [parameter, type] of Object.entries(metadata.parameterTypes ?? {})) {
    if (parameter === metadata.boundParameter || !(parameter in request)) continue;
    const value = request[parameter];
    if (value === undefined) continue;
    const alias = `@p${index++}`;
    declarations.push(`${parameter}=${alias}`);
    aliases.push(`${alias}=${encodeURIComponent(await functionParameter(value, type, names))}`);
  }
  const path = await operationPath(metadata, request, names, `(${declarations.join(",")})`);
  return { method: "GET", path: aliases.length ? `${path}?${aliases.join("&")}` : path };
}

/** A function parameter value in URL syntax (Web API "pass parameters to a function"). */
async function functionParameter(value: unknown, type: ParameterType, names: EntityNames): Promise<string> {
  if (value === null) return "null";
  if (isWrappedGuid(value)) return value.guid;
  if (type.structuralProperty === StructuralProperty.EntityType && isReference(value)) {
    return JSON.stringify({ "@odata.id": `${await names.entitySetName(value.entityType)}${recordKey(value.id)}` });
  }
  if (type.structuralProperty === StructuralProperty.EnumerationType) {
    return `${type.typeName.replace(/^mscrm\./, "Microsoft.Dynamics.CRM.")}${odataLiteral(String(value))}`;
  }
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "string") return type.typeName === "Edm.Guid" ? bareGuid(value) : odataLiteral(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

async function operationPath(metadata: OperationMetadata, request: ExecuteRequest, names: EntityNames, parameters: string): Promise<string> {
  const operation = `${metadata.operationName}${parameters}`;
  const bound = metadata.boundParameter;
  if (!bound) return operation;
  if (bound === "entityset") {
    const type = metadata.parameterTypes?.entityset?.typeName;
    if (!type) throw new Error(`${metadata.operationName} is bound to an entity set but declares no "entityset" parameter type.`);
    return `${await names.entitySetName(type.replace(/^mscrm\./, ""))}/Microsoft.Dynamics.CRM.${operation}`;
  }
  const target = requireReference(request[bound], metadata.operationName ?? "", bound);
  return `${await names.entitySetName(target.entityType)}${recordKey(target.id)}/Microsoft.Dynamics.CRM.${operation}`;
}

/**
 * `@odata.bind` values written relative to the service root (`accounts(…)`) get the leading slash
 * the Web API documents (`/accounts(…)`); nested objects and arrays are walked.
 */
export function normalizeBinds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalizeBinds);
  if (value === null || typeof value !== "object" || value instanceof Date) return value;
  const output: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (key.endsWith("@odata.bind") && typeof entry === "string" && !entry.startsWith("/") && !/^https?:\/\//i.test(entry)) {
      output[key] = `/${entry}`;
    } else {
      output[key] = normalizeBinds(entry);
    }
  }
  return output;
}

function isReference(value: unknown): value is RecordReference {
  return typeof value === "object" && value !== null && typeof (value as RecordReference).entityType === "string" && typeof (value as RecordReference).id === "string";
}

function isWrappedGuid(value: unknown): value is { guid: string } {
  return typeof value === "object" && value !== null && Object.keys(value).length === 1 && typeof (value as { guid?: unknown }).guid === "string";
}

function bareGuid(id: string): string {
  return id.replace(/[{}]/g, "");
}

function requireString(value: unknown, operation: string, name: string): string {
  if (typeof value !== "string" || value === "") throw new Error(`${operation} needs "${name}".`);
  return value;
}

function requireReference(value: unknown, operation: string, name: string): RecordReference {
  if (!isReference(value)) throw new Error(`${operation} needs "${name}" as { entityType, id }.`);
  return value;
}
