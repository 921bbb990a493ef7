/**
 * What the entity generator knows about a table, a column and a message: the subset of Dataverse
 * metadata that dataverse-gen turns into early-bound types and that dataverse-ify reads at run time
 * (entity set name, primary key, attribute types for conversion, single-valued navigation).
 */

export type ColumnKind =
  | "primarykey"
  | "uniqueidentifier"
  | "string"
  | "memo"
  | "entityname"
  | "boolean"
  | "integer"
  | "bigint"
  | "decimal"
  | "double"
  | "money"
  | "datetime"
  | "picklist"
  | "multiselect"
  | "state"
  | "status"
  | "lookup"
  | "customer"
  | "owner";

export interface OptionSpec {
  value: number;
  label: string;
}

export interface OptionSetSpec {
  /** Option set name: `<table>_<column>` style for local sets, the global set's name otherwise. */
  name: string;
  global: boolean;
  options: OptionSpec[];
}

export interface ColumnSpec {
  logicalName: string;
  schemaName: string;
  kind: ColumnKind;
  displayName: string;
  description?: string;
  required?: boolean;
  /** dataverse-ify date format, `<DateOnly|DateAndTime>:<UserLocal|DateOnly|TimeZoneIndependent>`. */
  dateFormat?: string;
  /** Target tables of a lookup (several for customer, owner and polymorphic lookups). */
  targets?: string[];
  /** Single-valued navigation property used in `@odata.bind`; the logical name unless set. */
  navigationProperty?: string;
  optionSet?: OptionSetSpec;
}

export interface TableSpec {
  logicalName: string;
  schemaName: string;
  entitySetName: string;
  primaryIdAttribute: string;
  displayName: string;
  columns: ColumnSpec[];
}

export type StructuralKind = "PrimitiveType" | "ComplexType" | "EnumerationType" | "Collection" | "EntityType";

export interface ParameterSpec {
  name: string;
  /** OData type, e.g. `Edm.Int32` or `mscrm.opportunityclose`. */
  typeName: string;
  structural: StructuralKind;
  required: boolean;
}

export interface ComplexTypeSpec {
  name: string;
  properties: { name: string; typeName: string }[];
}

export interface OperationSpec {
  name: string;
  kind: "action" | "function";
  /** Logical name of the table an entity-bound operation runs on (its `entity` parameter). */
  boundTo?: string;
  description: string;
  parameters: ParameterSpec[];
  response?: ComplexTypeSpec;
}
