/**
 * Table and column metadata from the Web API (`EntityDefinitions`), as the web client reads it to
 * build a form: column types and formats, choice options, lookup targets and the navigation
 * property each lookup is written through. Read once per table per page.
 */
import { API_ROOT } from "./webapi";

export type AttributeType =
  | "String" | "Memo" | "Money" | "Decimal" | "Double" | "Integer" | "BigInt" | "Boolean" | "DateTime"
  | "Picklist" | "State" | "Status" | "MultiSelectPicklist" | "Lookup" | "Customer" | "Owner"
  | "Uniqueidentifier" | "EntityName" | "Virtual" | "Image" | "File";

export interface OptionInfo {
  value: number;
  label: string;
}

export interface AttributeInfo {
  logicalName: string;
  type: AttributeType;
  displayName: string;
  requiredLevel: "None" | "SystemRequired" | "ApplicationRequired" | "Recommended";
  validForCreate: boolean;
  validForUpdate: boolean;
  /** DateTime: DateOnly or DateAndTime; String: Text, Url, Email, Phone… */
  format?: string;
  maxLength?: number;
  precision?: number;
  minValue?: number;
  maxValue?: number;
  /** Choice, status and state options; for Boolean, [false, true]. */
  options?: OptionInfo[];
  /** Lookup targets (logical names). */
  targets?: string[];
  /** Lookup: navigation property per target, for `<nav>@odata.bind`. */
  navigation?: Record<string, string>;
}

export interface ManyToManyInfo {
  schemaName: string;
  entity1: string;
  entity2: string;
  entity1Navigation: string;
  entity2Navigation: string;
}

export interface EntityInfo {
  logicalName: string;
  entitySetName: string;
  primaryId: string;
  primaryName: string;
  displayName: string;
  displayCollectionName: string;
  attributes: Map<string, AttributeInfo>;
  manyToMany: ManyToManyInfo[];
}

type Json = Record<string, unknown>;
type Label = { UserLocalizedLabel?: { Label?: string } | null } | null | undefined;

const labelOf = (label: Label, fallback: string): string => label?.UserLocalizedLabel?.Label ?? fallback;

async function get<T>(path: string): Promise<T> {
  const response = await fetch(API_ROOT + path, {
    credentials: "same-origin",
    headers: { Accept: "application/json", "OData-MaxVersion": "4.0", "OData-Version": "4.0" },
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
    throw new Error(`Metadata request ${path} failed (HTTP ${response.status}): ${body.error?.message ?? response.statusText}`);
  }
  return (await response.json()) as T;
}

export class MetadataStore {
  private readonly entities = new Map<string, Promise<EntityInfo>>();

  entity(logicalName: string): Promise<EntityInfo> {
    let entity = this.entities.get(logicalName);
    if (!entity) {
      entity = loadEntity(logicalName);
      entity.catch(() => this.entities.delete(logicalName));
      this.entities.set(logicalName, entity);
    }
    return entity;
  }

  async entitySetName(logicalName: string): Promise<string> {
    return (await this.entity(logicalName)).entitySetName;
  }
}

async function loadEntity(logicalName: string): Promise<EntityInfo> {
  const key = `EntityDefinitions(LogicalName='${logicalName}')`;
  const cast = (type: string, select: string, expand = "") =>
    get<{ value: Json[] }>(`${key}/Attributes/Microsoft.Dynamics.CRM.${type}?$select=${select}${expand ? `&$expand=${expand}` : ""}`).then((r) => r.value);
  const [definition, attributes, picklists, statuses, states, booleans, lookups, dates, strings, money, manyToOne, manyToMany] = await Promise.all([
    get<Json>(`${key}?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,DisplayName,DisplayCollectionName`),
    get<{ value: Json[] }>(`${key}/Attributes?$select=LogicalName,AttributeType,DisplayName,RequiredLevel,IsValidForCreate,IsValidForUpdate,AttributeOf`).then((r) => r.value),
    cast("PicklistAttributeMetadata", "LogicalName", "OptionSet"),
    cast("StatusAttributeMetadata", "LogicalName", "OptionSet"),
    cast("StateAttributeMetadata", "LogicalName", "OptionSet"),
    cast("BooleanAttributeMetadata", "LogicalName", "OptionSet"),
    cast("LookupAttributeMetadata", "LogicalName,Targets"),
    cast("DateTimeAttributeMetadata", "LogicalName,Format"),
    cast("StringAttributeMetadata", "LogicalName,Format,MaxLength"),
    cast("MoneyAttributeMetadata", "LogicalName,Precision,MinValue,MaxValue"),
    get<{ value: Json[] }>(`${key}/ManyToOneRelationships?$select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName`).then((r) => r.value),
    get<{ value: Json[] }>(`${key}/ManyToManyRelationships?$select=SchemaName,Entity1LogicalName,Entity2LogicalName,Entity1NavigationPropertyName,Entity2NavigationPropertyName`).then((r) => r.value),
  ]);

  const map = new Map<string, AttributeInfo>();
  for (const a of attributes) {
    if (a.AttributeOf) continue;
    const name = String(a.LogicalName);
    map.set(name, {
      logicalName: name,
      type: String(a.AttributeType) as AttributeType,
      displayName: labelOf(a.DisplayName as Label, name),
      requiredLevel: ((a.RequiredLevel as { Value?: string } | undefined)?.Value ?? "None") as AttributeInfo["requiredLevel"],
      validForCreate: a.IsValidForCreate !== false,
      validForUpdate: a.IsValidForUpdate !== false,
    });
  }
  const with_ = (rows: Json[], apply: (info: AttributeInfo, row: Json) => void) => {
    for (const row of rows) {
      const info = map.get(String(row.LogicalName));
      if (info) apply(info, row);
    }
  };
  const options = (row: Json): OptionInfo[] =>
    ((row.OptionSet as { Options?: Json[] } | null)?.Options ?? []).map((o) => ({ value: Number(o.Value), label: labelOf(o.Label as Label, String(o.Value)) }));
  with_([...picklists, ...statuses, ...states], (info, row) => (info.options = options(row)));
  with_(booleans, (info, row) => {
    const set = row.OptionSet as { FalseOption?: Json; TrueOption?: Json } | null;
    info.options = [
      { value: 0, label: labelOf(set?.FalseOption?.Label as Label, "No") },
      { value: 1, label: labelOf(set?.TrueOption?.Label as Label, "Yes") },
    ];
  });
  with_(lookups, (info, row) => (info.targets = (row.Targets as string[] | undefined) ?? []));
  with_(dates, (info, row) => (info.format = String(row.Format ?? "DateAndTime")));
  with_(strings, (info, row) => {
    info.format = String(row.Format ?? "Text");
    if (typeof row.MaxLength === "number") info.maxLength = row.MaxLength;
  });
  with_(money, (info, row) => {
    if (typeof row.Precision === "number") info.precision = row.Precision;
    if (typeof row.MinValue === "number") info.minValue = row.MinValue;
    if (typeof row.MaxValue === "number") info.maxValue = row.MaxValue;
  });
  for (const relationship of manyToOne) {
    const info = map.get(String(relationship.ReferencingAttribute));
    if (!info) continue;
    info.navigation ??= {};
    info.navigation[String(relationship.ReferencedEntity)] = String(relationship.ReferencingEntityNavigationPropertyName);
  }

  return {
    logicalName,
    entitySetName: String(definition.EntitySetName),
    primaryId: String(definition.PrimaryIdAttribute),
    primaryName: String(definition.PrimaryNameAttribute),
    displayName: labelOf(definition.DisplayName as Label, logicalName),
    displayCollectionName: labelOf(definition.DisplayCollectionName as Label, logicalName),
    attributes: map,
    manyToMany: manyToMany.map((m) => ({
      schemaName: String(m.SchemaName),
      entity1: String(m.Entity1LogicalName),
      entity2: String(m.Entity2LogicalName),
      entity1Navigation: String(m.Entity1NavigationPropertyName),
      entity2Navigation: String(m.Entity2NavigationPropertyName),
    })),
  };
}
