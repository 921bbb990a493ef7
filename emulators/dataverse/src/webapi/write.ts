/**
 * Turns a create/update JSON body into column values: typed columns, `nav@odata.bind`
 * references (single-valued and collection-valued), deep inserts, and the errors Dataverse
 * returns for undeclared properties (web-api-client-errors).
 */
import { badRequest, DataverseError, ErrorCodes, notFoundRecord, segmentNotFound } from "../errors";
import type { DataverseEnvironment } from "../environment";
import type { EntityRecord, EntityReference } from "../data/store";
import { toStoredValue } from "../data/values";
import type { Navigation } from "../metadata/catalog";
import type { EntityMetadata } from "../metadata/model";
import { parseKey, splitPath } from "../odata/uri";
import type { CallContext } from "./context";

export interface ParsedBody {
  values: EntityRecord;
  /** Work that needs the row's id: collection binds and deep inserts of related rows. */
  afterWrite: Array<(id: string) => void>;
}

const IGNORED_KEYS = new Set(["@odata.type", "@odata.etag", "@odata.context", "@odata.id", "@odata.editLink"]);

export function parseBody(env: DataverseEnvironment, entity: EntityMetadata, body: unknown, context: CallContext, mode: "create" | "update"): ParsedBody {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest("An unexpected 'PrimitiveValue' node was found when reading from the JSON reader. A 'StartObject' node was expected.");
  }
  const values: EntityRecord = {};
  const afterWrite: ParsedBody["afterWrite"] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (IGNORED_KEYS.has(key)) {
      if (key === "@odata.type") checkType(entity, value);
      continue;
    }
    const at = key.indexOf("@");
    if (at > 0) {
      const property = key.slice(0, at);
      const annotation = key.slice(at + 1);
      if (annotation === "odata.bind") {
        bindNavigation(env, entity, property, value, context, values, afterWrite);
        continue;
      }
      // Instance annotations on a declared property are ignored; on an undeclared one they are an error.
      if (entity.attributes.has(property) || env.catalog.navigation(entity.logicalName, property)) continue;
      throw undeclaredProperty(entity, property);
    }
    const navigation = env.catalog.navigation(entity.logicalName, key);
    const attribute = entity.attributes.get(key);
    if (navigation && typeof value === "object" && value !== null) {
      deepInsert(env, entity, navigation, value, context, values, afterWrite);
      continue;
    }
    if (!attribute) throw invalidProperty(entity, key);
    if (attribute.isPrimaryId && mode === "update") continue;
    if (navigation && value === null) {
      values[attribute.logicalName] = null;
      continue;
    }
    const allowed = mode === "create" ? attribute.validForCreate || attribute.logicalName === "statecode" : attribute.validForUpdate;
    const stored = toStoredValue(entity, attribute, value);
    // Columns the platform maintains (createdon, versionnumber…) are silently ignored on write.
    if (allowed) values[attribute.logicalName] = stored;
  }
  return { values, afterWrite };
}

function checkType(entity: EntityMetadata, value: unknown): void {
  const expected = `Microsoft.Dynamics.CRM.${entity.logicalName}`;
  if (typeof value !== "string" || value.replace(/^#/, "") !== expected) {
    throw badRequest(`A resource with type '${String(value).replace(/^#/, "")}' was found, but it is not assignable to the expected type '${expected}'.`);
  }
}

/** POST accounts { "Name": … } — web-api-client-errors "Invalid property … was found in entity". */
export function invalidProperty(entity: EntityMetadata, property: string): DataverseError {
  return new DataverseError(
    400,
    ErrorCodes.ODataUnknownProperty,
    `An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property '${property}' was found in entity 'Microsoft.Dynamics.CRM.${entity.logicalName}'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.`,
  );
}

/** "parentcustomerid@odata.bind" on contact — web-api-client-errors "An undeclared property". */
function undeclaredProperty(entity: EntityMetadata, property: string): DataverseError {
  return new DataverseError(
    400,
    ErrorCodes.PayloadError,
    `Error identified in Payload provided by the user for Entity :'${entity.entitySetName}'  ---->  InnerException : Microsoft.OData.ODataException: An undeclared property '${property}' which only has property annotations in the payload but no property value was found in the payload. In OData, only declared navigation properties and declared named streams can be represented as properties without values.`,
  );
}

function bindNavigation(
  env: DataverseEnvironment,
  entity: EntityMetadata,
  property: string,
  value: unknown,
  context: CallContext,
  values: EntityRecord,
  afterWrite: ParsedBody["afterWrite"],
): void {
  const navigation = env.catalog.navigation(entity.logicalName, property);
  if (!navigation) throw undeclaredProperty(entity, property);
  if (navigation.kind === "single") {
    if (value === null) {
      values[navigation.attribute] = null;
      return;
    }
    if (typeof value !== "string") throw badRequest(`The value of '${property}@odata.bind' must be an entity URL.`);
    const reference = resolveEntityUrl(env, value, context);
    const attribute = entity.attributes.get(navigation.attribute)!;
    const polymorphicByName = navigation.name === navigation.attribute && (attribute.targets ?? []).includes(reference.logicalName);
    if (reference.logicalName !== navigation.target.logicalName && !polymorphicByName) {
      throw badRequest(
        `An entity of type 'Microsoft.Dynamics.CRM.${reference.logicalName}' cannot be bound to the navigation property '${property}' of type 'Microsoft.Dynamics.CRM.${navigation.target.logicalName}'.`,
      );
    }
    values[navigation.attribute] = reference;
    return;
  }
  if (!Array.isArray(value)) throw badRequest(`The value of the collection-valued navigation property '${property}@odata.bind' must be an array of entity URLs.`);
  const references = value.map((item) => {
    if (typeof item !== "string") throw badRequest(`The value of '${property}@odata.bind' must contain entity URLs.`);
    const reference = resolveEntityUrl(env, item, context);
    if (reference.logicalName !== navigation.target.logicalName) {
      throw badRequest(`An entity of type 'Microsoft.Dynamics.CRM.${reference.logicalName}' cannot be bound to the navigation property '${property}'.`);
    }
    return reference;
  });
  afterWrite.push((id) => {
    for (const reference of references) associate(env, entity, id, navigation, reference, context);
  });
}

function deepInsert(
  env: DataverseEnvironment,
  entity: EntityMetadata,
  navigation: Navigation,
  value: object,
  context: CallContext,
  values: EntityRecord,
  afterWrite: ParsedBody["afterWrite"],
): void {
  const target = navigation.target;
  if (navigation.kind === "single") {
    if (Array.isArray(value)) throw badRequest(`The single-valued navigation property '${navigation.name}' cannot hold an array.`);
    const nested = parseBody(env, target, value, context, "create");
    const id = env.create(target.logicalName, nested.values, context.actor, { correlationId: context.correlationId });
    for (const work of nested.afterWrite) work(id);
    values[navigation.attribute] = { logicalName: target.logicalName, id };
    return;
  }
  if (!Array.isArray(value)) throw badRequest(`The collection-valued navigation property '${navigation.name}' must hold an array.`);
  afterWrite.push((parentId) => {
    for (const item of value) {
      const nested = parseBody(env, target, item, context, "create");
      const parent: EntityReference = { logicalName: entity.logicalName, id: parentId };
      if (navigation.kind === "collection") nested.values[navigation.relationship.referencingAttribute] = parent;
      const childId = env.create(target.logicalName, nested.values, context.actor, { correlationId: context.correlationId });
      for (const work of nested.afterWrite) work(childId);
      if (navigation.kind === "manyToMany") associate(env, entity, parentId, navigation, { logicalName: target.logicalName, id: childId }, context);
    }
  });
}

/** Links two rows through a collection-valued navigation property ($ref POST, collection bind). */
export function associate(env: DataverseEnvironment, entity: EntityMetadata, id: string, navigation: Navigation, related: EntityReference, context: CallContext): void {
  env.require(related.logicalName, related.id);
  if (navigation.kind === "manyToMany") {
    const [one, two] = navigation.side === 1 ? [id, related.id] : [related.id, id];
    if (!env.store.associate(navigation.relationship.schemaName, one, two)) {
      throw new DataverseError(412, ErrorCodes.DuplicateRecord, "Cannot insert duplicate key.");
    }
    env.emitMessage("Associate", entity.logicalName, id, { Relationship: navigation.relationship.schemaName, RelatedEntity: related.id }, context.actor, { correlationId: context.correlationId });
    return;
  }
  if (navigation.kind === "collection") {
    env.update(navigation.target.logicalName, related.id, { [navigation.relationship.referencingAttribute]: { logicalName: entity.logicalName, id } }, context.actor, { correlationId: context.correlationId });
    return;
  }
  env.update(entity.logicalName, id, { [navigation.attribute]: related }, context.actor, { correlationId: context.correlationId });
}

export function disassociate(env: DataverseEnvironment, entity: EntityMetadata, id: string, navigation: Navigation, related: EntityReference | undefined, context: CallContext): void {
  if (navigation.kind === "manyToMany") {
    if (!related) throw badRequest(`Specify the related row to disassociate from '${navigation.name}' with '(<id>)/$ref' or '$ref?$id=<url>'.`);
    const [one, two] = navigation.side === 1 ? [id, related.id] : [related.id, id];
    if (env.store.disassociate(navigation.relationship.schemaName, one, two)) {
      env.emitMessage("Disassociate", entity.logicalName, id, { Relationship: navigation.relationship.schemaName, RelatedEntity: related.id }, context.actor, { correlationId: context.correlationId });
    }
    return;
  }
  if (navigation.kind === "collection") {
    if (!related) throw badRequest(`Specify the related row to disassociate from '${navigation.name}'.`);
    const child = env.require(navigation.target.logicalName, related.id);
    const reference = child[navigation.relationship.referencingAttribute];
    if (reference && typeof reference === "object" && "id" in reference && reference.id === id) {
      env.update(navigation.target.logicalName, related.id, { [navigation.relationship.referencingAttribute]: null }, context.actor, { correlationId: context.correlationId });
    }
    return;
  }
  env.update(entity.logicalName, id, { [navigation.attribute]: null }, context.actor, { correlationId: context.correlationId });
}

/**
 * Resolves `/accounts(<id>)`, `accounts(<id>)`, an absolute URL under the service root, an
 * alternate key `accounts(accountnumber='A-1')`, or a change-set reference `$1`.
 */
export function resolveEntityUrl(env: DataverseEnvironment, url: string, context: CallContext): EntityReference {
  let path = url.trim();
  if (path.startsWith("$") && context.contentIds?.has(path.slice(1))) path = context.contentIds.get(path.slice(1))!;
  const root = context.serviceRoot;
  if (path.startsWith(root)) path = path.slice(root.length);
  else if (/^https?:\/\//i.test(path)) path = new URL(path).pathname;
  path = path.replace(/^\/?api\/data\/v\d+\.\d+\//, "").replace(/^\//, "");
  const segments = splitPath(path);
  if (segments.length !== 1 || segments[0].args === undefined) throw badRequest(`'${url}' is not a valid entity URL.`);
  const entity = env.catalog.entityBySetName(segments[0].name);
  if (!entity) throw segmentNotFound(segments[0].name);
  const key = parseKey(segments[0].args);
  if (key.kind === "id") {
    if (!env.get(entity.logicalName, key.id)) throw notFoundRecord(entity.logicalName, key.id);
    return { logicalName: entity.logicalName, id: key.id };
  }
  const found = findByAlternateKey(env, entity, key.values);
  if (!found) throw notFoundRecord(entity.logicalName, Object.values(key.values).join(","));
  return { logicalName: entity.logicalName, id: found };
}

/** Row id for alternate-key values, checking that the columns form a declared key. */
export function findByAlternateKey(env: DataverseEnvironment, entity: EntityMetadata, values: Record<string, unknown>): string | undefined {
  const names = Object.keys(values).sort();
  const declared = entity.keys.some((k) => [...k.keyAttributes].sort().join(",") === names.join(","));
  if (!declared) {
    throw badRequest(`The key '${names.join(",")}' is not a declared alternate key of the entity '${entity.logicalName}'.`, ErrorCodes.InvalidArgument);
  }
  return env.findByKey(entity.logicalName, values)?.[0];
}
