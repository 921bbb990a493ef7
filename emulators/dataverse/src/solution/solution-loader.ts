/**
 * Reads a Dataverse solution — a packed zip (`solution.xml`, `customizations.xml`,
 * `environmentvariabledefinitions/…`; dataverse-pcf.md §2.1) or a SolutionPackager source folder
 * (`Other/Solution.xml`, `Entities/*\/Entity.xml`, `Other/Relationships/*.xml`, `OptionSets/*.xml`,
 * `environmentvariabledefinitions/…`; §2.12) — into the tables, columns, keys, relationships,
 * option sets, attribute maps and environment variables it defines.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { strFromU8, unzipSync } from "fflate";
import type { AttributeMetadata, AttributeType, CascadeType, KeyMetadata, ManyToManyRelationship, OptionMetadata } from "../metadata/model";
import { attr, child, children, flag, localizedLabel, numberOf, parseXml, SolutionFormatError, text, type XmlNode } from "./xml";

export { SolutionFormatError };

export interface SolutionTable {
  logicalName: string;
  schemaName: string;
  entitySetName?: string;
  /** True when the solution creates the table (it carries the primary key), false for a shell of an existing table. */
  isNew: boolean;
  ownership?: "UserOwned" | "OrganizationOwned";
  displayName: string;
  displayCollectionName: string;
  isActivity: boolean;
  primaryIdAttribute?: string;
  primaryNameAttribute?: string;
  attributes: AttributeMetadata[];
  keys: KeyMetadata[];
}

export interface SolutionOneToMany {
  schemaName: string;
  referencingEntity: string;
  referencedEntity: string;
  /** As written in the file (often SchemaName-cased, e.g. `cdsify_Account1`). */
  referencingAttribute: string;
  singleNavigation?: string;
  collectionNavigation?: string;
  cascadeDelete: CascadeType;
}

export interface SolutionEnvironmentVariable {
  schemaName: string;
  displayName: string;
  description?: string;
  type: number;
  defaultValue?: string;
  isRequired: boolean;
  secretStore?: number;
  currentValue?: { id?: string; value: string };
}

export interface SolutionPackage {
  uniqueName: string;
  friendlyName: string;
  version: string;
  managed: boolean;
  publisher: { uniqueName: string; friendlyName: string; prefix: string; optionValuePrefix?: number };
  tables: SolutionTable[];
  oneToMany: SolutionOneToMany[];
  manyToMany: ManyToManyRelationship[];
  optionSets: Array<{ name: string; options: OptionMetadata[] }>;
  entityMaps: Array<{ source: string; target: string; maps: Array<{ source: string; target: string }> }>;
  environmentVariables: SolutionEnvironmentVariable[];
}

/** File access over a zip or a folder; paths use '/'. */
interface SolutionFiles {
  paths(): string[];
  read(path: string): string | undefined;
}

const REQUIRED_ZIP_FILES = ["solution.xml", "customizations.xml", "[Content_Types].xml"];

/** The platform's message for a zip that is not a solution. */
export const INVALID_SOLUTION_FILE =
  "The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml. Customization files exported from previous versions of Microsoft Dynamics 365 are also supported.";

/** Reads a solution from a zip file path, a folder path, or zip bytes. */
export function readSolution(source: string | Uint8Array): SolutionPackage {
  if (typeof source !== "string") return readSolutionZip(source);
  if (!existsSync(source)) throw new SolutionFormatError(`No solution at '${source}'.`);
  return statSync(source).isDirectory() ? readSolutionFolder(source) : readSolutionZip(readFileSync(source));
}

export function readSolutionZip(bytes: Uint8Array): SolutionPackage {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes);
  } catch {
    throw new SolutionFormatError(INVALID_SOLUTION_FILE);
  }
  const files = new Map(Object.entries(entries).map(([name, data]) => [name.replace(/\\/g, "/"), data]));
  if (REQUIRED_ZIP_FILES.some((name) => !files.has(name))) throw new SolutionFormatError(INVALID_SOLUTION_FILE);
  return readPacked({
    paths: () => [...files.keys()],
    read: (path) => {
      const data = files.get(path);
      return data ? strFromU8(data) : undefined;
    },
  });
}

export function readSolutionFolder(folder: string): SolutionPackage {
  const root = [folder, join(folder, "src")].find((candidate) => existsSync(join(candidate, "Other", "Solution.xml")));
  if (root) return readUnpacked(folderFiles(root));
  if (existsSync(join(folder, "customizations.xml")) && existsSync(join(folder, "solution.xml"))) return readPacked(folderFiles(folder));
  throw new SolutionFormatError(`'${folder}' is neither a SolutionPackager folder (Other/Solution.xml) nor an extracted solution (solution.xml and customizations.xml).`);
}

function folderFiles(root: string): SolutionFiles {
  const all: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else all.push(relative(root, full).split(sep).join("/"));
    }
  };
  walk(root);
  return {
    paths: () => all,
    read: (path) => (all.includes(path) ? readFileSync(join(root, path), "utf8") : undefined),
  };
}

function readPacked(files: SolutionFiles): SolutionPackage {
  const manifest = parseXml(files.read("solution.xml")!, "solution.xml");
  const customizations = child(parseXml(files.read("customizations.xml")!, "customizations.xml"), "ImportExportXml");
  const tables = children(child(customizations, "Entities"), "Entity").map(readTable);
  return {
    ...readManifest(manifest, "solution.xml"),
    tables,
    ...readRelationships(children(child(customizations, "EntityRelationships"), "EntityRelationship")),
    optionSets: children(child(customizations, "optionsets"), "optionset").map(readGlobalOptionSet),
    entityMaps: children(child(customizations, "EntityMaps"), "EntityMap").map(readEntityMap),
    environmentVariables: readEnvironmentVariables(files),
  };
}

function readUnpacked(files: SolutionFiles): SolutionPackage {
  const manifest = parseXml(files.read("Other/Solution.xml")!, "Other/Solution.xml");
  const paths = files.paths();
  const parse = (path: string) => parseXml(files.read(path)!, path);
  const tables = paths.filter((p) => /^Entities\/[^/]+\/Entity\.xml$/.test(p)).sort().map((p) => readTable(child(parse(p), "Entity")!));
  const relationshipNodes = paths
    .filter((p) => /^Other\/Relationships\/[^/]+\.xml$/.test(p))
    .sort()
    .flatMap((p) => children(child(parse(p), "EntityRelationships"), "EntityRelationship"));
  const customizations = files.read("Other/Customizations.xml") !== undefined ? child(parse("Other/Customizations.xml"), "ImportExportXml") : undefined;
  relationshipNodes.push(...children(child(customizations, "EntityRelationships"), "EntityRelationship"));
  const optionSets = paths
    .filter((p) => /^OptionSets\/[^/]+\.xml$/.test(p))
    .sort()
    .flatMap((p) => children(parse(p), "optionset"))
    .concat(children(child(customizations, "optionsets"), "optionset"))
    .map(readGlobalOptionSet);
  const mapNodes = files.read("Other/EntityMaps.xml") !== undefined ? children(child(parse("Other/EntityMaps.xml"), "EntityMaps"), "EntityMap") : [];
  mapNodes.push(...children(child(customizations, "EntityMaps"), "EntityMap"));
  return {
    ...readManifest(manifest, "Other/Solution.xml"),
    tables,
    ...readRelationships(relationshipNodes),
    optionSets,
    entityMaps: mapNodes.map(readEntityMap),
    environmentVariables: readEnvironmentVariables(files),
  };
}

function readManifest(document: XmlNode, fileName: string): Pick<SolutionPackage, "uniqueName" | "friendlyName" | "version" | "managed" | "publisher"> {
  const manifest = child(child(document, "ImportExportXml"), "SolutionManifest");
  const uniqueName = text(manifest, "UniqueName");
  if (!manifest || !uniqueName) throw new SolutionFormatError(`${fileName} has no SolutionManifest/UniqueName.`);
  const publisher = child(manifest, "Publisher");
  return {
    uniqueName,
    friendlyName: localizedLabel(children(child(manifest, "LocalizedNames"), "LocalizedName")) ?? uniqueName,
    version: text(manifest, "Version") ?? "1.0.0.0",
    managed: text(manifest, "Managed") === "1",
    publisher: {
      uniqueName: text(publisher, "UniqueName") ?? "",
      friendlyName: localizedLabel(children(child(publisher, "LocalizedNames"), "LocalizedName")) ?? text(publisher, "UniqueName") ?? "",
      prefix: text(publisher, "CustomizationPrefix") ?? "",
      optionValuePrefix: numberOf(publisher, "CustomizationOptionValuePrefix"),
    },
  };
}

function readTable(node: XmlNode): SolutionTable {
  const info = child(child(node, "EntityInfo"), "entity");
  const schemaName = attr(info, "Name") ?? text(node, "Name");
  if (!schemaName) throw new SolutionFormatError("An Entity element has no name.");
  const logicalName = schemaName.toLowerCase();
  const attributes = children(child(info, "attributes"), "attribute").map((a) => readAttribute(a, logicalName));
  const primaryId = attributes.find((a) => a.isPrimaryId);
  const primaryName = attributes.find((a) => a.isPrimaryName);
  const entitySetName = text(info, "EntitySetName") || undefined;
  const ownership = text(info, "OwnershipTypeMask");
  return {
    logicalName,
    schemaName,
    entitySetName,
    isNew: primaryId !== undefined,
    ownership: ownership === undefined ? undefined : ownership === "UserOwned" || ownership === "TeamOwned" ? "UserOwned" : "OrganizationOwned",
    displayName: localizedLabel(children(child(info, "LocalizedNames"), "LocalizedName")) ?? attr(child(node, "Name"), "LocalizedName") ?? schemaName,
    displayCollectionName: localizedLabel(children(child(info, "LocalizedCollectionNames"), "LocalizedCollectionName")) ?? schemaName,
    isActivity: flag(info, "IsActivity"),
    primaryIdAttribute: primaryId?.logicalName,
    primaryNameAttribute: primaryName?.logicalName,
    attributes,
    keys: children(child(info, "EntityKeys"), "EntityKey").map((key) => {
      const name = text(key, "LogicalName") || text(key, "Name") || "";
      return {
        logicalName: name.toLowerCase(),
        schemaName: text(key, "Name") || name,
        keyAttributes: children(child(key, "EntityKeyAttributes"), "AttributeName").map((a) => (text(a) ?? "").toLowerCase()),
      };
    }),
  };
}

const STRING_FORMATS: Record<string, string> = { email: "Email", url: "Url", phone: "Phone", text: "Text", textarea: "TextArea", tickersymbol: "TickerSymbol" };

function attributeType(crmType: string): AttributeType {
  switch (crmType.toLowerCase()) {
    case "primarykey":
    case "uniqueidentifier":
      return "Uniqueidentifier";
    case "nvarchar":
    case "varchar":
    case "nchar":
    case "char":
      return "String";
    case "ntext":
    case "text":
      return "Memo";
    case "int":
    case "smallint":
    case "tinyint":
      return "Integer";
    case "bigint":
    case "timestamp":
      return "BigInt";
    case "decimal":
    case "numeric":
      return "Decimal";
    case "float":
    case "real":
      return "Double";
    case "money":
    case "smallmoney":
      return "Money";
    case "bit":
      return "Boolean";
    case "datetime":
    case "smalldatetime":
      return "DateTime";
    case "lookup":
      return "Lookup";
    case "customer":
      return "Customer";
    case "owner":
      return "Owner";
    case "picklist":
      return "Picklist";
    case "multiselectpicklist":
      return "MultiSelectPicklist";
    case "state":
      return "State";
    case "status":
      return "Status";
    case "image":
      return "Image";
    case "file":
      return "File";
    default:
      return "Virtual";
  }
}

function readAttribute(node: XmlNode, entity: string): AttributeMetadata {
  const physicalName = attr(node, "PhysicalName") ?? text(node, "Name") ?? "";
  const logicalName = (text(node, "LogicalName") || physicalName).toLowerCase();
  const crmType = text(node, "Type") ?? "virtual";
  const type = attributeType(crmType);
  const displayMask = text(node, "DisplayMask") ?? "";
  const format = (text(node, "Format") ?? "").toLowerCase();
  const behavior = numberOf(node, "Behavior");
  const attribute: AttributeMetadata = {
    logicalName,
    schemaName: physicalName,
    type,
    displayName: localizedLabel(children(child(node, "displaynames"), "displayname")) ?? physicalName,
    requiredLevel: readRequiredLevel(text(node, "RequiredLevel")),
    isCustom: flag(node, "IsCustomField"),
    validForCreate: flag(node, "ValidForCreateApi", true),
    validForUpdate: flag(node, "ValidForUpdateApi", true),
    validForRead: flag(node, "ValidForReadApi", true),
  };
  if (crmType.toLowerCase() === "primarykey") attribute.isPrimaryId = true;
  if (displayMask.split("|").includes("PrimaryName")) attribute.isPrimaryName = true;
  const maxLength = numberOf(node, "MaxLength");
  if (maxLength !== undefined && (type === "String" || type === "Memo")) attribute.maxLength = maxLength;
  if (type === "String") attribute.format = STRING_FORMATS[format] ?? "Text";
  if (type === "Memo") attribute.format = "TextArea";
  const minValue = numberOf(node, "MinValue");
  const maxValue = numberOf(node, "MaxValue");
  if (["Integer", "BigInt", "Decimal", "Double", "Money"].includes(type)) {
    if (minValue !== undefined) attribute.minValue = minValue;
    if (maxValue !== undefined) attribute.maxValue = maxValue;
    const accuracy = numberOf(node, "Accuracy");
    attribute.precision = accuracy ?? (type === "Money" || type === "Decimal" || type === "Double" ? 2 : undefined);
  }
  if (type === "DateTime") {
    const dateOnly = format === "date" || behavior === 2;
    attribute.format = dateOnly ? "DateOnly" : "DateAndTime";
    attribute.dateTimeBehavior = behavior === 2 ? "DateOnly" : behavior === 3 ? "TimeZoneIndependent" : "UserLocal";
  }
  const optionSet = child(node, "optionset");
  const globalName = text(node, "OptionSetName");
  if (globalName) attribute.optionSetName = globalName;
  if (optionSet) attribute.options = readOptions(optionSet);
  if (type === "Boolean") {
    attribute.options ??= [{ value: 0, label: "No" }, { value: 1, label: "Yes" }];
    const fallback = numberOf(node, "AppDefaultValue");
    attribute.defaultValue = fallback === 1;
  }
  if (type === "Lookup" || type === "Customer" || type === "Owner") {
    const lookupTypes = children(child(node, "LookupTypes"), "LookupType").map((t) => (text(t) ?? "").toLowerCase()).filter(Boolean);
    attribute.targets = lookupTypes;
  }
  if (logicalName === `${entity}id` && type === "Uniqueidentifier") attribute.isPrimaryId = true;
  return attribute;
}

function readRequiredLevel(value: string | undefined): AttributeMetadata["requiredLevel"] {
  switch ((value ?? "").toLowerCase()) {
    case "systemrequired":
      return "SystemRequired";
    case "required":
    case "applicationrequired":
      return "ApplicationRequired";
    case "recommended":
      return "Recommended";
    default:
      return "None";
  }
}

function readOptions(optionSet: XmlNode): OptionMetadata[] {
  const labelOf = (node: XmlNode) => localizedLabel(children(child(node, "labels"), "label")) ?? "";
  const states = children(child(optionSet, "states"), "state");
  if (states.length > 0) {
    return states.map((s) => ({ value: Number(attr(s, "value")), label: labelOf(s), defaultStatus: Number(attr(s, "defaultstatus")) }));
  }
  const statuses = children(child(optionSet, "statuses"), "status");
  if (statuses.length > 0) {
    return statuses.map((s) => ({ value: Number(attr(s, "value")), label: labelOf(s), state: Number(attr(s, "state")) }));
  }
  return children(child(optionSet, "options"), "option").map((o) => ({ value: Number(attr(o, "value")), label: labelOf(o) }));
}

function readGlobalOptionSet(node: XmlNode): { name: string; options: OptionMetadata[] } {
  const name = attr(node, "Name");
  if (!name) throw new SolutionFormatError("A global option set has no Name.");
  return { name, options: readOptions(node) };
}

function readEntityMap(node: XmlNode) {
  return {
    source: (text(node, "EntitySource") ?? "").toLowerCase(),
    target: (text(node, "EntityTarget") ?? "").toLowerCase(),
    maps: children(child(node, "AttributeMaps"), "AttributeMap").map((m) => ({
      source: (text(m, "AttributeSource") ?? "").toLowerCase(),
      target: (text(m, "AttributeTarget") ?? "").toLowerCase(),
    })),
  };
}

const CASCADES = new Set<CascadeType>(["Cascade", "RemoveLink", "Restrict", "NoCascade"]);

function readRelationships(nodes: XmlNode[]): Pick<SolutionPackage, "oneToMany" | "manyToMany"> {
  const oneToMany: SolutionOneToMany[] = [];
  const manyToMany: ManyToManyRelationship[] = [];
  for (const node of nodes) {
    const schemaName = attr(node, "Name");
    if (!schemaName) throw new SolutionFormatError("An EntityRelationship has no Name.");
    const roles = children(child(node, "EntityRelationshipRoles"), "EntityRelationshipRole");
    const type = text(node, "EntityRelationshipType");
    if (type === "ManyToMany") {
      const first = (text(node, "FirstEntityName") ?? "").toLowerCase();
      const second = (text(node, "SecondEntityName") ?? "").toLowerCase();
      const navigationFor = (ordinal: string) => text(roles.find((r) => text(r, "AssociationRoleOrdinal") === ordinal), "NavigationPropertyName") ?? schemaName;
      const self = first === second;
      manyToMany.push({
        schemaName,
        entity1LogicalName: first,
        entity2LogicalName: second,
        intersectEntityName: (text(node, "IntersectEntityName") ?? schemaName).toLowerCase(),
        entity1IntersectAttribute: self ? `${first}idone` : `${first}id`,
        entity2IntersectAttribute: self ? `${second}idtwo` : `${second}id`,
        entity1NavigationPropertyName: navigationFor("1"),
        entity2NavigationPropertyName: navigationFor("2"),
        isCustom: true,
      });
      continue;
    }
    const cascade = text(node, "CascadeDelete") as CascadeType | undefined;
    oneToMany.push({
      schemaName,
      referencingEntity: (text(node, "ReferencingEntityName") ?? "").toLowerCase(),
      referencedEntity: (text(node, "ReferencedEntityName") ?? "").toLowerCase(),
      referencingAttribute: text(node, "ReferencingAttributeName") ?? "",
      singleNavigation: text(roles.find((r) => text(r, "RelationshipRoleType") === "1"), "NavigationPropertyName"),
      collectionNavigation: text(roles.find((r) => text(r, "RelationshipRoleType") === "0"), "NavigationPropertyName"),
      cascadeDelete: cascade && CASCADES.has(cascade) ? cascade : "RemoveLink",
    });
  }
  return { oneToMany, manyToMany };
}

function readEnvironmentVariables(files: SolutionFiles): SolutionEnvironmentVariable[] {
  const definitions = files.paths().filter((p) => /^environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/.test(p)).sort();
  return definitions.map((path) => {
    const node = child(parseXml(files.read(path)!, path), "environmentvariabledefinition");
    const schemaName = attr(node, "schemaname");
    if (!node || !schemaName) throw new SolutionFormatError(`${path} has no environmentvariabledefinition/@schemaname.`);
    const type = numberOf(node, "type");
    if (type === undefined) throw new SolutionFormatError(`${path} has no <type>.`);
    const variable: SolutionEnvironmentVariable = {
      schemaName,
      displayName: attr(child(node, "displayname"), "default") ?? localizedLabel(children(child(node, "displayname"), "label")) ?? schemaName,
      description: attr(child(node, "description"), "default"),
      type,
      defaultValue: text(node, "defaultvalue"),
      isRequired: flag(node, "isrequired"),
      secretStore: numberOf(node, "secretstore"),
    };
    const valuesPath = path.replace(/environmentvariabledefinition\.xml$/, "environmentvariablevalues.json");
    const valuesText = files.read(valuesPath);
    if (valuesText !== undefined) variable.currentValue = readCurrentValue(valuesText, valuesPath);
    return variable;
  });
}

function readCurrentValue(json: string, path: string): SolutionEnvironmentVariable["currentValue"] {
  let document: unknown;
  try {
    document = JSON.parse(json.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new SolutionFormatError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  const container = (document as { environmentvariablevalues?: { environmentvariablevalue?: unknown } }).environmentvariablevalues?.environmentvariablevalue;
  const entry = (Array.isArray(container) ? container[0] : container) as Record<string, unknown> | undefined;
  if (!entry || typeof entry.value !== "string") return undefined;
  return { id: typeof entry["@environmentvariablevalueid"] === "string" ? entry["@environmentvariablevalueid"] : undefined, value: entry.value };
}
