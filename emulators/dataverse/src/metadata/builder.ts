/**
 * Small constructors for table metadata, used for the standard tables and to complete custom
 * tables from a solution with the system columns Dataverse adds to every new table.
 */
import type {
  AttributeMetadata,
  AttributeType,
  CascadeType,
  EntityMetadata,
  KeyMetadata,
  ManyToManyRelationship,
  OneToManyRelationship,
  OptionMetadata,
} from "./model";

type ColumnOptions = Partial<Omit<AttributeMetadata, "logicalName" | "type">>;

function column(logicalName: string, type: AttributeType, options: ColumnOptions = {}): AttributeMetadata {
  return {
    logicalName,
    schemaName: options.schemaName ?? logicalName,
    type,
    displayName: options.displayName ?? logicalName,
    requiredLevel: "None",
    isCustom: false,
    validForCreate: true,
    validForUpdate: true,
    validForRead: true,
    ...options,
  };
}

const readOnly: ColumnOptions = { validForCreate: false, validForUpdate: false };

export const col = {
  id: (name: string, display = "Id") => column(name, "Uniqueidentifier", { displayName: display, isPrimaryId: true, validForUpdate: false, requiredLevel: "SystemRequired" }),
  guid: (name: string, options: ColumnOptions = {}) => column(name, "Uniqueidentifier", options),
  string: (name: string, maxLength: number, options: ColumnOptions = {}) => column(name, "String", { maxLength, format: "Text", ...options }),
  email: (name: string, maxLength = 100, options: ColumnOptions = {}) => column(name, "String", { maxLength, format: "Email", ...options }),
  url: (name: string, maxLength = 200, options: ColumnOptions = {}) => column(name, "String", { maxLength, format: "Url", ...options }),
  phone: (name: string, maxLength = 50, options: ColumnOptions = {}) => column(name, "String", { maxLength, format: "Phone", ...options }),
  memo: (name: string, maxLength = 2000, options: ColumnOptions = {}) => column(name, "Memo", { maxLength, format: "TextArea", ...options }),
  int: (name: string, options: ColumnOptions = {}) => column(name, "Integer", { minValue: -2147483648, maxValue: 2147483647, ...options }),
  bigint: (name: string, options: ColumnOptions = {}) => column(name, "BigInt", options),
  decimal: (name: string, precision = 2, options: ColumnOptions = {}) => column(name, "Decimal", { precision, ...options }),
  double: (name: string, precision = 2, options: ColumnOptions = {}) => column(name, "Double", { precision, ...options }),
  money: (name: string, options: ColumnOptions = {}) => column(name, "Money", { precision: 2, minValue: -922337203685477, maxValue: 922337203685477, ...options }),
  bool: (name: string, labels: [string, string] = ["No", "Yes"], defaultValue = false, options: ColumnOptions = {}) =>
    column(name, "Boolean", { options: [{ value: 0, label: labels[0] }, { value: 1, label: labels[1] }], defaultValue, ...options }),
  datetime: (name: string, options: ColumnOptions = {}) => column(name, "DateTime", { format: "DateAndTime", dateTimeBehavior: "UserLocal", ...options }),
  dateOnly: (name: string, options: ColumnOptions = {}) => column(name, "DateTime", { format: "DateOnly", dateTimeBehavior: "DateOnly", ...options }),
  choice: (name: string, options: OptionMetadata[], extra: ColumnOptions = {}) => column(name, "Picklist", { options, ...extra }),
  multiChoice: (name: string, options: OptionMetadata[], extra: ColumnOptions = {}) => column(name, "MultiSelectPicklist", { options, ...extra }),
  lookup: (name: string, targets: string[], options: ColumnOptions = {}) => column(name, "Lookup", { targets, ...options }),
  customer: (name: string, options: ColumnOptions = {}) => column(name, "Customer", { targets: ["account", "contact"], ...options }),
  entityName: (name: string, options: ColumnOptions = {}) => column(name, "EntityName", options),
  readOnly,
};

/** Options from `[value, label]` pairs. */
export const options = (...pairs: Array<[number, string]>): OptionMetadata[] => pairs.map(([value, label]) => ({ value, label }));

export interface StateModel {
  states: Array<{ value: number; label: string; defaultStatus: number }>;
  statuses: Array<{ value: number; label: string; state: number }>;
}

export const activeInactive: StateModel = {
  states: [
    { value: 0, label: "Active", defaultStatus: 1 },
    { value: 1, label: "Inactive", defaultStatus: 2 },
  ],
  statuses: [
    { value: 1, label: "Active", state: 0 },
    { value: 2, label: "Inactive", state: 1 },
  ],
};

export function stateColumns(model: StateModel): AttributeMetadata[] {
  return [
    column("statecode", "State", {
      displayName: "Status",
      requiredLevel: "SystemRequired",
      validForCreate: false,
      options: model.states.map((s) => ({ value: s.value, label: s.label, defaultStatus: s.defaultStatus })),
    }),
    column("statuscode", "Status", {
      displayName: "Status Reason",
      options: model.statuses.map((s) => ({ value: s.value, label: s.label, state: s.state })),
    }),
  ];
}

export type Ownership = EntityMetadata["ownershipType"];

/** Audit and ownership columns Dataverse puts on every table. */
export function systemColumns(ownership: Ownership): AttributeMetadata[] {
  const columns = [
    col.datetime("createdon", { ...readOnly, displayName: "Created On" }),
    col.lookup("createdby", ["systemuser"], { ...readOnly, displayName: "Created By" }),
    col.lookup("createdonbehalfby", ["systemuser"], { ...readOnly, displayName: "Created By (Delegate)" }),
    col.datetime("modifiedon", { ...readOnly, displayName: "Modified On" }),
    col.lookup("modifiedby", ["systemuser"], { ...readOnly, displayName: "Modified By" }),
    col.lookup("modifiedonbehalfby", ["systemuser"], { ...readOnly, displayName: "Modified By (Delegate)" }),
    col.bigint("versionnumber", { ...readOnly, displayName: "Version Number" }),
    col.int("importsequencenumber", { validForUpdate: false, displayName: "Import Sequence Number" }),
    col.datetime("overriddencreatedon", { validForUpdate: false, displayName: "Record Created On", format: "DateOnly" }),
    col.int("timezoneruleversionnumber", { displayName: "Time Zone Rule Version Number" }),
    col.int("utcconversiontimezonecode", { displayName: "UTC Conversion Time Zone Code" }),
  ];
  if (ownership === "UserOwned") {
    columns.push(
      { ...col.lookup("ownerid", ["systemuser", "team"], { displayName: "Owner", requiredLevel: "SystemRequired" }), type: "Owner" },
      col.lookup("owningbusinessunit", ["businessunit"], { ...readOnly, displayName: "Owning Business Unit" }),
      col.lookup("owninguser", ["systemuser"], { ...readOnly, displayName: "Owning User" }),
      col.lookup("owningteam", ["team"], { ...readOnly, displayName: "Owning Team" }),
    );
  }
  return columns;
}

export interface TableSpec {
  logicalName: string;
  schemaName?: string;
  entitySetName: string;
  primaryId: string;
  primaryName: string;
  objectTypeCode: number;
  ownership: Ownership;
  displayName: string;
  displayCollectionName: string;
  isActivity?: boolean;
  isCustom?: boolean;
  /** Omit for tables without a state model (systemuser, team, businessunit, importjob). */
  stateModel?: StateModel;
  columns: AttributeMetadata[];
  keys?: KeyMetadata[];
}

export function table(spec: TableSpec): EntityMetadata {
  const attributes = new Map<string, AttributeMetadata>();
  const add = (attribute: AttributeMetadata) => attributes.set(attribute.logicalName, attribute);
  add(col.id(spec.primaryId));
  for (const attribute of systemColumns(spec.ownership)) add(attribute);
  if (spec.stateModel) for (const attribute of stateColumns(spec.stateModel)) add(attribute);
  for (const attribute of spec.columns) add(attribute);
  const primaryName = attributes.get(spec.primaryName);
  if (primaryName) primaryName.isPrimaryName = true;
  return {
    logicalName: spec.logicalName,
    schemaName: spec.schemaName ?? spec.logicalName,
    entitySetName: spec.entitySetName,
    primaryIdAttribute: spec.primaryId,
    primaryNameAttribute: spec.primaryName,
    objectTypeCode: spec.objectTypeCode,
    ownershipType: spec.ownership,
    isCustomEntity: spec.isCustom ?? false,
    isActivity: spec.isActivity ?? false,
    displayName: spec.displayName,
    displayCollectionName: spec.displayCollectionName,
    attributes,
    keys: spec.keys ?? [],
  };
}

/** Money columns come with a `_base` twin in the organisation's base currency. */
export function moneyWithBase(name: string, displayName: string): AttributeMetadata[] {
  return [
    col.money(name, { displayName }),
    col.money(`${name}_base`, { ...readOnly, displayName: `${displayName} (Base)`, attributeOf: name }),
  ];
}

export function currencyColumns(): AttributeMetadata[] {
  return [
    col.lookup("transactioncurrencyid", ["transactioncurrency"], { displayName: "Currency" }),
    col.decimal("exchangerate", 10, { ...readOnly, displayName: "Exchange Rate" }),
  ];
}

export function lookupRelationship(
  schemaName: string,
  referencingEntity: string,
  referencingAttribute: string,
  referencedEntity: string,
  referencedAttribute: string,
  navigation: { single?: string; collection?: string } = {},
  cascadeDelete: CascadeType = "RemoveLink",
): OneToManyRelationship {
  return {
    schemaName,
    referencedEntity,
    referencedAttribute,
    referencingEntity,
    referencingAttribute,
    referencedEntityNavigationPropertyName: navigation.collection ?? schemaName,
    referencingEntityNavigationPropertyName: navigation.single ?? referencingAttribute,
    cascadeDelete,
    isCustom: false,
  };
}

/** The relationships behind the audit and ownership lookups of a table. */
export function systemRelationships(entity: EntityMetadata): OneToManyRelationship[] {
  const name = entity.logicalName;
  const userLookup = (attribute: string, schemaName: string) =>
    lookupRelationship(schemaName, name, attribute, "systemuser", "systemuserid");
  const relationships = [
    userLookup("createdby", `lk_${name}_createdby`),
    userLookup("createdonbehalfby", `lk_${name}_createdonbehalfby`),
    userLookup("modifiedby", `lk_${name}_modifiedby`),
    userLookup("modifiedonbehalfby", `lk_${name}_modifiedonbehalfby`),
  ];
  if (entity.ownershipType === "UserOwned") {
    relationships.push(
      userLookup("ownerid", `owner_${name}`),
      userLookup("owninguser", `user_${name}`),
      lookupRelationship(`team_${name}`, name, "owningteam", "team", "teamid"),
      lookupRelationship(`business_unit_${name}`, name, "owningbusinessunit", "businessunit", "businessunitid"),
    );
  }
  return relationships;
}

export function manyToMany(
  schemaName: string,
  entity1: string,
  entity2: string,
  intersectEntityName = schemaName,
  navigation: { entity1?: string; entity2?: string } = {},
  isCustom = false,
): ManyToManyRelationship {
  const selfReferencing = entity1 === entity2;
  return {
    schemaName,
    entity1LogicalName: entity1,
    entity2LogicalName: entity2,
    intersectEntityName,
    entity1IntersectAttribute: selfReferencing ? `${entity1}idone` : `${entity1}id`,
    entity2IntersectAttribute: selfReferencing ? `${entity2}idtwo` : `${entity2}id`,
    entity1NavigationPropertyName: navigation.entity1 ?? schemaName,
    entity2NavigationPropertyName: navigation.entity2 ?? schemaName,
    isCustom,
  };
}
