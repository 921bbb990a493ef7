/**
 * Metadata queries: `EntityDefinitions`, `EntityDefinitions(LogicalName='…')` and its
 * `Attributes` (with type casts and `$expand=OptionSet`), `Keys`, `ManyToOneRelationships`,
 * `OneToManyRelationships`, `ManyToManyRelationships`, and `GlobalOptionSetDefinitions(Name='…')`,
 * in the EntityMetadata / AttributeMetadata shapes the Web API returns.
 */
import { badRequest, DataverseError, ErrorCodes, segmentNotFound } from "../errors";
import type { DataverseEnvironment } from "../environment";
import { isGuid, normalizeGuid, stableGuid } from "../ids";
import type { AttributeMetadata, EntityMetadata, ManyToManyRelationship, OneToManyRelationship, OptionMetadata } from "../metadata/model";
import { isLookupType } from "../metadata/model";
import { compileFilter, type FilterScope } from "../odata/evaluate";
import { parseNamedArguments, type QueryOptions, type Segment } from "../odata/uri";
import { jsonResponse, type ApiResponse, type CallContext } from "./context";

type Json = Record<string, unknown>;

const label = (text: string) => {
  const localized = { Label: text, LanguageCode: 1033, IsManaged: false, MetadataId: stableGuid("label", text), HasChanged: null };
  return { LocalizedLabels: [localized], UserLocalizedLabel: localized };
};

const ATTRIBUTE_TYPE_NAMES: Record<string, string> = {
  Uniqueidentifier: "UniqueidentifierType",
  String: "StringType",
  Memo: "MemoType",
  Integer: "IntegerType",
  BigInt: "BigIntType",
  Decimal: "DecimalType",
  Double: "DoubleType",
  Money: "MoneyType",
  Boolean: "BooleanType",
  DateTime: "DateTimeType",
  Picklist: "PicklistType",
  MultiSelectPicklist: "MultiSelectPicklistType",
  State: "StateType",
  Status: "StatusType",
  Lookup: "LookupType",
  Customer: "CustomerType",
  Owner: "OwnerType",
  EntityName: "EntityNameType",
  Virtual: "VirtualType",
  Image: "ImageType",
  File: "FileType",
};

function metadataClass(attribute: AttributeMetadata): string {
  switch (attribute.type) {
    case "Uniqueidentifier":
      return "UniqueIdentifierAttributeMetadata";
    case "Lookup":
    case "Customer":
    case "Owner":
      return "LookupAttributeMetadata";
    case "Virtual":
      return "AttributeMetadata";
    default:
      return `${attribute.type}AttributeMetadata`;
  }
}

function optionSetJson(attribute: AttributeMetadata): Json | null {
  if (!attribute.options) return null;
  const option = (o: OptionMetadata) => ({
    Value: o.value,
    Label: label(o.label),
    ...(o.state !== undefined ? { State: o.state } : {}),
    ...(o.defaultStatus !== undefined ? { DefaultStatus: o.defaultStatus } : {}),
  });
  const base = {
    MetadataId: stableGuid("optionset", attribute.optionSetName ?? attribute.logicalName),
    Name: attribute.optionSetName ?? attribute.logicalName,
    IsGlobal: attribute.optionSetName !== undefined,
  };
  if (attribute.type === "Boolean") {
    const find = (value: number) => attribute.options!.find((o) => o.value === value) ?? { value, label: value ? "Yes" : "No" };
    return { ...base, OptionSetType: "Boolean", TrueOption: option(find(1)), FalseOption: option(find(0)) };
  }
  return { ...base, OptionSetType: attribute.type === "MultiSelectPicklist" ? "Picklist" : attribute.type, Options: attribute.options.map(option) };
}

function attributeJson(entity: EntityMetadata, attribute: AttributeMetadata): Json {
  const json: Json = {
    "@odata.type": `#Microsoft.Dynamics.CRM.${metadataClass(attribute)}`,
    MetadataId: stableGuid("attribute", entity.logicalName, attribute.logicalName),
    LogicalName: attribute.logicalName,
    SchemaName: attribute.schemaName,
    EntityLogicalName: entity.logicalName,
    AttributeType: attribute.type,
    AttributeTypeName: { Value: ATTRIBUTE_TYPE_NAMES[attribute.type] },
    AttributeOf: attribute.attributeOf ?? null,
    DisplayName: label(attribute.displayName),
    RequiredLevel: { Value: attribute.requiredLevel, CanBeChanged: true, ManagedPropertyLogicalName: "canmodifyrequirementlevelsettings" },
    IsCustomAttribute: attribute.isCustom,
    IsPrimaryId: attribute.isPrimaryId ?? false,
    IsPrimaryName: attribute.isPrimaryName ?? false,
    IsValidForCreate: attribute.validForCreate,
    IsValidForUpdate: attribute.validForUpdate,
    IsValidForRead: attribute.validForRead,
  };
  if (attribute.maxLength !== undefined) json.MaxLength = attribute.maxLength;
  if (attribute.type === "String") json.Format = attribute.format ?? "Text";
  if (attribute.minValue !== undefined) json.MinValue = attribute.minValue;
  if (attribute.maxValue !== undefined) json.MaxValue = attribute.maxValue;
  if (attribute.precision !== undefined) json.Precision = attribute.precision;
  if (attribute.type === "DateTime") {
    json.Format = attribute.format;
    json.DateTimeBehavior = { Value: attribute.dateTimeBehavior ?? "UserLocal" };
  }
  if (isLookupType(attribute.type)) json.Targets = attribute.targets ?? [];
  if (attribute.type === "Boolean") json.DefaultValue = attribute.defaultValue === true;
  if (attribute.type === "Picklist") json.DefaultFormValue = -1;
  if (attribute.options) json.OptionSet = optionSetJson(attribute);
  return json;
}

function oneToManyJson(relationship: OneToManyRelationship): Json {
  return {
    MetadataId: stableGuid("relationship", relationship.schemaName),
    SchemaName: relationship.schemaName,
    RelationshipType: "OneToManyRelationship",
    IsCustomRelationship: relationship.isCustom,
    ReferencedAttribute: relationship.referencedAttribute,
    ReferencedEntity: relationship.referencedEntity,
    ReferencingAttribute: relationship.referencingAttribute,
    ReferencingEntity: relationship.referencingEntity,
    ReferencedEntityNavigationPropertyName: relationship.referencedEntityNavigationPropertyName,
    ReferencingEntityNavigationPropertyName: relationship.referencingEntityNavigationPropertyName,
    CascadeConfiguration: { Assign: "NoCascade", Delete: relationship.cascadeDelete, Merge: "NoCascade", Reparent: "NoCascade", Share: "NoCascade", Unshare: "NoCascade", RollupView: "NoCascade" },
  };
}

function manyToManyJson(relationship: ManyToManyRelationship): Json {
  return {
    MetadataId: stableGuid("relationship", relationship.schemaName),
    SchemaName: relationship.schemaName,
    RelationshipType: "ManyToManyRelationship",
    IsCustomRelationship: relationship.isCustom,
    Entity1LogicalName: relationship.entity1LogicalName,
    Entity2LogicalName: relationship.entity2LogicalName,
    IntersectEntityName: relationship.intersectEntityName,
    Entity1IntersectAttribute: relationship.entity1IntersectAttribute,
    Entity2IntersectAttribute: relationship.entity2IntersectAttribute,
    Entity1NavigationPropertyName: relationship.entity1NavigationPropertyName,
    Entity2NavigationPropertyName: relationship.entity2NavigationPropertyName,
  };
}

/** Navigation collections of an EntityMetadata item, computed when expanded or addressed. */
function entityCollections(env: DataverseEnvironment, entity: EntityMetadata): Record<string, () => Json[]> {
  return {
    Attributes: () => [...entity.attributes.values()].map((a) => attributeJson(entity, a)),
    Keys: () =>
      entity.keys.map((k) => ({
        MetadataId: stableGuid("key", entity.logicalName, k.logicalName),
        LogicalName: k.logicalName,
        SchemaName: k.schemaName,
        EntityLogicalName: entity.logicalName,
        KeyAttributes: k.keyAttributes,
        EntityKeyIndexStatus: "Active",
        DisplayName: label(k.schemaName),
      })),
    ManyToOneRelationships: () => env.catalog.oneToManyRelationships().filter((r) => r.referencingEntity === entity.logicalName).map(oneToManyJson),
    OneToManyRelationships: () => env.catalog.oneToManyRelationships().filter((r) => r.referencedEntity === entity.logicalName).map(oneToManyJson),
    ManyToManyRelationships: () =>
      env.catalog.manyToManyRelationships().filter((r) => r.entity1LogicalName === entity.logicalName || r.entity2LogicalName === entity.logicalName).map(manyToManyJson),
  };
}

function entityJson(entity: EntityMetadata): Json {
  return {
    MetadataId: stableGuid("entity", entity.logicalName),
    LogicalName: entity.logicalName,
    SchemaName: entity.schemaName,
    EntitySetName: entity.entitySetName,
    LogicalCollectionName: entity.entitySetName,
    CollectionSchemaName: entity.entitySetName,
    PrimaryIdAttribute: entity.primaryIdAttribute,
    PrimaryNameAttribute: entity.primaryNameAttribute,
    ObjectTypeCode: entity.objectTypeCode,
    OwnershipType: entity.ownershipType,
    IsCustomEntity: entity.isCustomEntity,
    IsActivity: entity.isActivity,
    IsIntersect: false,
    DisplayName: label(entity.displayName),
    DisplayCollectionName: label(entity.displayCollectionName),
  };
}

class JsonScope implements FilterScope<Json> {
  constructor(private readonly typeName: string, private readonly sample: Json | undefined) {}

  bindProperty(path: string[]) {
    if (this.sample && !(path[0] in this.sample)) {
      throw new DataverseError(400, ErrorCodes.ODataUnknownProperty, `Could not find a property named '${path[0]}' on type 'Microsoft.Dynamics.CRM.${this.typeName}'.`);
    }
    return {
      get: (row: Json) => path.reduce<unknown>((value, key) => (value && typeof value === "object" ? (value as Json)[key] : undefined), row) ?? null,
    };
  }

  bindCollection(path: string[]): never {
    throw badRequest(`Lambda operators are not supported on '${path.join("/")}' in metadata queries.`);
  }

  alias(): undefined {
    return undefined;
  }
}

function shape(items: Json[], options: QueryOptions, typeName: string, expandable: (item: Json) => Record<string, () => Json[]> = () => ({})): Json[] {
  let result = items;
  if (options.filter) {
    const predicate = compileFilter(options.filter, new JsonScope(typeName, items[0]));
    result = result.filter((item) => predicate(item));
  }
  if (options.top !== undefined) result = result.slice(0, options.top);
  return result.map((item) => {
    const collections = expandable(item);
    const projected: Json = {};
    if (options.select) {
      for (const name of options.select) {
        if (!(name in item) && !(name in collections)) {
          throw new DataverseError(400, ErrorCodes.ODataUnknownProperty, `Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${typeName}'.`);
        }
        if (name in item) projected[name] = item[name];
      }
      if ("@odata.type" in item) projected["@odata.type"] = item["@odata.type"];
      projected.MetadataId = item.MetadataId;
    } else {
      Object.assign(projected, item);
      // OptionSet is a navigation property: only returned when expanded.
      delete projected.OptionSet;
    }
    for (const expand of options.expand ?? []) {
      if (expand.navigation === "OptionSet" || expand.navigation === "GlobalOptionSet") {
        projected[expand.navigation] = expand.navigation === "OptionSet" ? (item.OptionSet ?? null) : null;
        continue;
      }
      const collection = collections[expand.navigation];
      if (!collection) throw new DataverseError(400, ErrorCodes.ODataUnknownProperty, `Could not find a property named '${expand.navigation}' on type 'Microsoft.Dynamics.CRM.${typeName}'.`);
      projected[expand.navigation] = shape(collection(), expand.options, expand.navigation === "Attributes" ? "AttributeMetadata" : "MetadataBase");
    }
    return projected;
  });
}

function findEntity(env: DataverseEnvironment, segment: Segment): EntityMetadata {
  const args = segment.args ?? "";
  let entity: EntityMetadata | undefined;
  if (isGuid(args.trim())) {
    const id = normalizeGuid(args.trim());
    entity = env.catalog.allEntities().find((e) => stableGuid("entity", e.logicalName) === id);
  } else {
    const key = parseNamedArguments(args);
    const logicalName = key.LogicalName ?? key.logicalname;
    if (typeof logicalName !== "string") throw badRequest(`EntityDefinitions is keyed by MetadataId or LogicalName, not '${args}'.`);
    entity = env.catalog.entity(logicalName);
  }
  if (!entity) throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Could not find entity with the key '${args}'.`);
  return entity;
}

/** Handles a GET below EntityDefinitions or GlobalOptionSetDefinitions. */
export function handleMetadata(env: DataverseEnvironment, method: string, segments: Segment[], options: QueryOptions, context: CallContext): ApiResponse {
  if (method !== "GET") throw new DataverseError(405, "", `The requested resource does not support http method '${method}'.`);
  const root = context.serviceRoot;
  const [first, ...rest] = segments;
  if (first.name === "GlobalOptionSetDefinitions") {
    const name = first.args ? parseNamedArguments(first.args).Name : undefined;
    const options = typeof name === "string" ? env.catalog.globalOptionSet(name) : undefined;
    if (!options) throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Could not find optionset with the key '${first.args ?? ""}'.`);
    return jsonResponse(200, {
      "@odata.context": `${root}$metadata#GlobalOptionSetDefinitions/$entity`,
      "@odata.type": "#Microsoft.Dynamics.CRM.OptionSetMetadata",
      ...optionSetJson({ logicalName: String(name), schemaName: String(name), type: "Picklist", displayName: String(name), requiredLevel: "None", isCustom: true, validForCreate: false, validForUpdate: false, validForRead: true, options, optionSetName: String(name) }),
    });
  }
  if (first.args === undefined) {
    if (rest.length > 0) throw segmentNotFound(rest[0].name);
    const entities = env.catalog.allEntities();
    const byName = new Map(entities.map((e) => [stableGuid("entity", e.logicalName), e]));
    const value = shape(entities.map(entityJson), options, "EntityMetadata", (item) => entityCollections(env, byName.get(item.MetadataId as string)!));
    return jsonResponse(200, { "@odata.context": `${root}$metadata#EntityDefinitions${selectFragment(options)}`, value });
  }
  const entity = findEntity(env, first);
  const collections = entityCollections(env, entity);
  if (rest.length === 0) {
    const [item] = shape([entityJson(entity)], options, "EntityMetadata", () => collections);
    return jsonResponse(200, { "@odata.context": `${root}$metadata#EntityDefinitions${selectFragment(options)}/$entity`, ...item });
  }
  const [collectionSegment, ...more] = rest;
  const collection = collections[collectionSegment.name];
  if (!collection) throw segmentNotFound(collectionSegment.name);
  let items = collection();
  const typeName = collectionSegment.name === "Attributes" ? "AttributeMetadata" : collectionSegment.name === "Keys" ? "EntityKeyMetadata" : "RelationshipMetadataBase";
  let cast: string | undefined;
  for (const segment of more) {
    if (segment.name.startsWith("Microsoft.Dynamics.CRM.")) {
      cast = segment.name.slice("Microsoft.Dynamics.CRM.".length);
      items = items.filter((item) => item["@odata.type"] === `#Microsoft.Dynamics.CRM.${cast}`);
    } else throw segmentNotFound(segment.name);
  }
  const contextBase = `${root}$metadata#EntityDefinitions('${entity.logicalName}')/${collectionSegment.name}${cast ? `/Microsoft.Dynamics.CRM.${cast}` : ""}`;
  if (collectionSegment.args !== undefined) {
    const key = parseNamedArguments(collectionSegment.args);
    const keyName = Object.keys(key)[0];
    const wanted = key[keyName];
    const match = items.find((item) => (keyName === "MetadataId" ? item.MetadataId === wanted : item[keyName] === wanted));
    if (!match) throw new DataverseError(404, ErrorCodes.ObjectDoesNotExist, `Could not find ${collectionSegment.name} with the key '${collectionSegment.args}'.`);
    const [item] = shape([match], options, cast ?? typeName);
    return jsonResponse(200, { "@odata.context": `${contextBase}/$entity`, ...item });
  }
  return jsonResponse(200, { "@odata.context": contextBase, value: shape(items, options, cast ?? typeName) });
}

const selectFragment = (options: QueryOptions) => (options.select ? `(${options.select.join(",")})` : "");
