/**
 * Reads tables and columns from the solution source in the SolutionPackager layout
 * (`Entities/<SchemaName>/Entity.xml`, `OptionSets/<name>.xml`, `Other/Relationships/*.xml`;
 * dataverse-pcf.md §2.4, §2.5, §2.12). A system table appears as a shell carrying only the columns
 * we add; a new table carries its settings (`EntitySetName`) and its attributes.
 */
import fs from "node:fs";
import path from "node:path";
import { XMLParser } from "fast-xml-parser";
import type { ColumnKind, ColumnSpec, OptionSetSpec, OptionSpec } from "./model";

export interface SolutionTable {
  logicalName: string;
  schemaName: string;
  displayName: string;
  /** Present for tables the solution creates. */
  entitySetName?: string;
  primaryIdAttribute?: string;
  /** True for user- or team-owned tables (they have an owner); false for organization-owned ones. */
  userOwned: boolean;
  columns: ColumnSpec[];
  /** Entity.xml path relative to the solution folder, for error messages. */
  source: string;
}

type XmlNode = Record<string, unknown>;

const ENGLISH = "1033";
const repeated = new Set(["attribute", "option", "state", "status", "label", "displayname", "Description", "LocalizedName", "EntityRelationship", "optionset"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name) => repeated.has(name),
});

/** System lookups whose target the platform fixes; other lookups take theirs from a 1:N relationship. */
const systemLookupTargets: Record<string, string[]> = {
  createdby: ["systemuser"],
  modifiedby: ["systemuser"],
  createdonbehalfby: ["systemuser"],
  modifiedonbehalfby: ["systemuser"],
  owninguser: ["systemuser"],
  owningteam: ["team"],
  owningbusinessunit: ["businessunit"],
  organizationid: ["organization"],
};

export function readSolutionTables(solutionDir: string): SolutionTable[] {
  const entitiesDir = path.join(solutionDir, "Entities");
  if (!fs.existsSync(entitiesDir)) {
    throw new Error(`No solution source at ${entitiesDir}: the generator reads Entities/<Table>/Entity.xml there (SolutionPackager layout).`);
  }
  const globalOptionSets = readGlobalOptionSets(solutionDir);
  const lookupTargets = readLookupTargets(solutionDir);
  const tables: SolutionTable[] = [];
  for (const folder of fs.readdirSync(entitiesDir).sort()) {
    const file = path.join(entitiesDir, folder, "Entity.xml");
    if (!fs.existsSync(file)) continue;
    const source = path.relative(solutionDir, file).split(path.sep).join("/");
    tables.push(readEntity(parseXml(file), source, globalOptionSets, lookupTargets));
  }
  return tables;
}

function parseXml(file: string): XmlNode {
  return parser.parse(fs.readFileSync(file, "utf8").replace(/^\uFEFF/, "")) as XmlNode;
}

function readEntity(document: XmlNode, source: string, globalOptionSets: Map<string, OptionSetSpec>, lookupTargets: Map<string, string>): SolutionTable {
  const root = node(document.Entity, `${source}: no <Entity> root`);
  const entity = node(node(root.EntityInfo, `${source}: no <EntityInfo>`).entity, `${source}: no <EntityInfo><entity>`);
  const schemaName = text(root.Name) || String(entity["@_Name"] ?? "");
  if (!schemaName) throw new Error(`${source}: the table has no <Name>.`);
  const logicalName = schemaName.toLowerCase();
  const attributes = list(node(entity.attributes ?? {}, "").attribute);
  const columns: ColumnSpec[] = [];
  for (const attribute of attributes) {
    const column = readAttribute(attribute, logicalName, source, globalOptionSets, lookupTargets);
    if (column) columns.push(column);
  }
  const primaryKey = columns.find((c) => c.kind === "primarykey");
  return {
    logicalName,
    schemaName,
    displayName: englishLabel(node(entity.LocalizedNames ?? {}, "").LocalizedName) || String(node(root.Name, "")["@_LocalizedName"] ?? schemaName),
    entitySetName: text(entity.EntitySetName) || undefined,
    primaryIdAttribute: primaryKey?.logicalName,
    userOwned: text(entity.OwnershipTypeMask) !== "OrgOwned",
    columns,
    source,
  };
}

const kinds: Record<string, ColumnKind | null> = {
  primarykey: "primarykey",
  uniqueidentifier: "uniqueidentifier",
  nvarchar: "string",
  ntext: "memo",
  bit: "boolean",
  int: "integer",
  bigint: "bigint",
  decimal: "decimal",
  float: "double",
  money: "money",
  datetime: "datetime",
  picklist: "picklist",
  multiselectpicklist: "multiselect",
  state: "state",
  status: "status",
  lookup: "lookup",
  customer: "customer",
  owner: "owner",
  // Platform-computed companions (names of lookups, multi-select labels): not part of the API surface.
  virtual: null,
};

function readAttribute(attribute: XmlNode, table: string, source: string, globalOptionSets: Map<string, OptionSetSpec>, lookupTargets: Map<string, string>): ColumnSpec | undefined {
  const schemaName = String(attribute["@_PhysicalName"] ?? "");
  const logicalName = text(attribute.LogicalName) || text(attribute.Name) || schemaName.toLowerCase();
  const type = text(attribute.Type).toLowerCase();
  if (!(type in kinds)) throw new Error(`${source}: column ${logicalName} has type "${type}", which the generator does not know; add it to scripts/entities/solution-source.ts.`);
  const kind = kinds[type];
  if (!kind) return undefined;
  const required = ["applicationrequired", "systemrequired"].includes(text(attribute.RequiredLevel).toLowerCase()) && kind !== "primarykey";
  const column: ColumnSpec = {
    logicalName,
    schemaName: schemaName || logicalName,
    kind,
    displayName: englishLabel(node(attribute.displaynames ?? {}, "").displayname) || schemaName,
    ...(required ? { required } : {}),
  };
  const description = englishLabel(node(attribute.Descriptions ?? {}, "").Description);
  if (description) column.description = description;

  if (kind === "datetime") {
    column.dateFormat = dateFormat(text(attribute.Format), text(attribute.Behavior));
  } else if (kind === "picklist" || kind === "multiselect" || kind === "state" || kind === "status") {
    column.optionSet = optionSetOf(attribute, kind, logicalName, source, globalOptionSets);
  } else if (kind === "lookup") {
    const target = lookupTargets.get(`${table}.${logicalName}`);
    const targets = target ? [target] : systemLookupTargets[logicalName];
    if (!targets) throw new Error(`${source}: lookup ${logicalName} has no target; add its 1:N relationship under Other/Relationships.`);
    column.targets = targets;
    // Custom lookups bind through a navigation property named like the column's schema name (§5).
    if (!(logicalName in systemLookupTargets) && schemaName) column.navigationProperty = schemaName;
  } else if (kind === "customer") {
    column.targets = ["account", "contact"];
  } else if (kind === "owner") {
    column.targets = ["systemuser", "team"];
  }
  return column;
}

/** dataverse-ify's `<DateOnly|DateAndTime>:<behaviour>` from the export's Format and Behavior (1 user local, 2 date only, 3 time-zone independent). */
function dateFormat(format: string, behavior: string): string {
  const kind = format.toLowerCase() === "date" ? "DateOnly" : "DateAndTime";
  const behaviour = behavior === "2" ? "DateOnly" : behavior === "3" ? "TimeZoneIndependent" : "UserLocal";
  return `${kind}:${behaviour}`;
}

function optionSetOf(attribute: XmlNode, kind: ColumnKind, column: string, source: string, globalOptionSets: Map<string, OptionSetSpec>): OptionSetSpec {
  const globalName = text(attribute.OptionSetName);
  if (globalName) {
    const global = globalOptionSets.get(globalName.toLowerCase());
    if (!global) throw new Error(`${source}: column ${column} uses global choice ${globalName}, but OptionSets/${globalName}.xml is missing.`);
    return global;
  }
  const local = list(attribute.optionset)[0];
  if (!local) throw new Error(`${source}: choice column ${column} has neither <optionset> nor <OptionSetName>.`);
  return { name: String(local["@_Name"] ?? column), global: false, options: readOptions(local, kind) };
}

function readOptions(optionSet: XmlNode, kind: ColumnKind): OptionSpec[] {
  const entries =
    kind === "state" ? list(node(optionSet.states ?? {}, "").state) : kind === "status" ? list(node(optionSet.statuses ?? {}, "").status) : list(node(optionSet.options ?? {}, "").option);
  return entries.map((entry) => {
    const value = Number(entry["@_value"]);
    if (!Number.isInteger(value)) throw new Error(`Option with value "${String(entry["@_value"])}" is not an integer.`);
    const label = englishLabel(node(entry.labels ?? {}, "").label) || String(entry["@_invariantname"] ?? "");
    return { value, label };
  });
}

function readGlobalOptionSets(solutionDir: string): Map<string, OptionSetSpec> {
  const sets = new Map<string, OptionSetSpec>();
  const dir = path.join(solutionDir, "OptionSets");
  if (!fs.existsSync(dir)) return sets;
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).sort()) {
    for (const optionSet of list(parseXml(path.join(dir, file)).optionset)) {
      const name = String(optionSet["@_Name"] ?? path.basename(file, ".xml"));
      const kind: ColumnKind = text(optionSet.OptionSetType).toLowerCase() === "multiselectpicklist" ? "multiselect" : "picklist";
      sets.set(name.toLowerCase(), { name, global: true, options: readOptions(optionSet, kind) });
    }
  }
  return sets;
}

/** `<table>.<lookup column>` → referenced table, from the 1:N relationships. */
function readLookupTargets(solutionDir: string): Map<string, string> {
  const targets = new Map<string, string>();
  const files: string[] = [];
  const single = path.join(solutionDir, "Other", "Relationships.xml");
  if (fs.existsSync(single)) files.push(single);
  const dir = path.join(solutionDir, "Other", "Relationships");
  if (fs.existsSync(dir)) files.push(...fs.readdirSync(dir).filter((f) => f.endsWith(".xml")).sort().map((f) => path.join(dir, f)));
  for (const file of files) {
    const document = parseXml(file);
    const container = node(document.EntityRelationships ?? {}, "");
    for (const relationship of list(container.EntityRelationship)) {
      if (text(relationship.EntityRelationshipType) !== "OneToMany") continue;
      const referencing = text(relationship.ReferencingEntityName).toLowerCase();
      const attribute = text(relationship.ReferencingAttributeName).toLowerCase();
      const referenced = text(relationship.ReferencedEntityName).toLowerCase();
      if (referencing && attribute && referenced) targets.set(`${referencing}.${attribute}`, referenced);
    }
  }
  return targets;
}

function englishLabel(labels: unknown): string {
  const entries = list(labels);
  const english = entries.find((l) => String(l["@_languagecode"]) === ENGLISH) ?? entries[0];
  return english ? String(english["@_description"] ?? "") : "";
}

function node(value: unknown, missing: string): XmlNode {
  if (value && typeof value === "object" && !Array.isArray(value)) return value as XmlNode;
  if (Array.isArray(value) && value[0] && typeof value[0] === "object") return value[0] as XmlNode;
  if (missing) throw new Error(missing);
  return {};
}

function list(value: unknown): XmlNode[] {
  if (value === undefined || value === null || value === "") return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is XmlNode => typeof v === "object" && v !== null);
}

function text(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return String((value as XmlNode)["#text"] ?? "");
  return String(value).trim();
}
