/**
 * The slice of Dataverse table metadata the Web API behaviour depends on: column types and
 * limits, choice options, keys and relationships (which give the navigation property names).
 * Names follow the platform's EntityMetadata / AttributeMetadata / RelationshipMetadata.
 */

/** AttributeMetadata.AttributeType values. */
export type AttributeType =
  | "Uniqueidentifier"
  | "String"
  | "Memo"
  | "Integer"
  | "BigInt"
  | "Decimal"
  | "Double"
  | "Money"
  | "Boolean"
  | "DateTime"
  | "Picklist"
  | "MultiSelectPicklist"
  | "State"
  | "Status"
  | "Lookup"
  | "Customer"
  | "Owner"
  | "EntityName"
  | "Virtual"
  | "Image"
  | "File";

export interface OptionMetadata {
  value: number;
  label: string;
  /** For Status options: the State this status belongs to. */
  state?: number;
  /** For State options: the default Status. */
  defaultStatus?: number;
}

export interface AttributeMetadata {
  logicalName: string;
  schemaName: string;
  type: AttributeType;
  displayName: string;
  /** Lookup targets (logical names); filled from the relationships for solution columns. */
  targets?: string[];
  options?: OptionMetadata[];
  /** Name of a global choice the options come from. */
  optionSetName?: string;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
  precision?: number;
  /** String: Text | Email | Url | Phone | TextArea; DateTime: DateOnly | DateAndTime. */
  format?: string;
  /** DateTime behaviour: UserLocal | DateOnly | TimeZoneIndependent. */
  dateTimeBehavior?: "UserLocal" | "DateOnly" | "TimeZoneIndependent";
  requiredLevel: "None" | "SystemRequired" | "ApplicationRequired" | "Recommended";
  defaultValue?: number | boolean;
  isPrimaryId?: boolean;
  isPrimaryName?: boolean;
  isCustom: boolean;
  validForCreate: boolean;
  validForUpdate: boolean;
  validForRead: boolean;
  /** For `_base` money columns and the like: the column this one is derived from. */
  attributeOf?: string;
}

export interface KeyMetadata {
  logicalName: string;
  schemaName: string;
  keyAttributes: string[];
}

export type CascadeType = "Cascade" | "RemoveLink" | "Restrict" | "NoCascade";

export interface OneToManyRelationship {
  schemaName: string;
  referencedEntity: string;
  referencedAttribute: string;
  referencingEntity: string;
  referencingAttribute: string;
  /** Collection-valued navigation property on the referenced ("one") side. */
  referencedEntityNavigationPropertyName: string;
  /** Single-valued navigation property on the referencing ("many") side. */
  referencingEntityNavigationPropertyName: string;
  cascadeDelete: CascadeType;
  isCustom: boolean;
}

export interface ManyToManyRelationship {
  schemaName: string;
  entity1LogicalName: string;
  entity2LogicalName: string;
  intersectEntityName: string;
  entity1IntersectAttribute: string;
  entity2IntersectAttribute: string;
  entity1NavigationPropertyName: string;
  entity2NavigationPropertyName: string;
  isCustom: boolean;
}

export interface EntityMetadata {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  primaryNameAttribute: string;
  objectTypeCode: number;
  ownershipType: "UserOwned" | "OrganizationOwned" | "BusinessOwned" | "None";
  isCustomEntity: boolean;
  isActivity: boolean;
  displayName: string;
  displayCollectionName: string;
  attributes: Map<string, AttributeMetadata>;
  keys: KeyMetadata[];
}

export const isLookupType = (type: AttributeType): boolean => type === "Lookup" || type === "Customer" || type === "Owner";
