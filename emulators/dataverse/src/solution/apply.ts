/**
 * Applies a read solution to the environment the way an import does: new tables get the system
 * columns Dataverse adds to every table, columns are merged into existing tables, relationships
 * give lookups their targets and navigation properties, environment variable definitions (and
 * shipped current values) become rows, and the solution and its publisher are recorded.
 */
import type { DataverseEnvironment } from "../environment";
import { stableGuid } from "../ids";
import { activeInactive, col, currencyColumns, lookupRelationship, stateColumns, systemColumns, systemRelationships } from "../metadata/builder";
import type { AttributeMetadata, EntityMetadata } from "../metadata/model";
import type { SolutionPackage, SolutionTable } from "./solution-loader";
import { SolutionFormatError } from "./xml";

export interface ImportSummary {
  solutionId: string;
  uniqueName: string;
  version: string;
  tables: string[];
  columns: number;
  relationships: number;
  environmentVariables: string[];
  /** Components skipped because they refer to tables this environment does not have. */
  warnings: string[];
}

export function applySolution(env: DataverseEnvironment, solution: SolutionPackage): ImportSummary {
  const warnings: string[] = [];
  const catalog = env.catalog;
  const tables: string[] = [];
  let columns = 0;
  const newTables: EntityMetadata[] = [];
  for (const table of solution.tables) {
    const existing = catalog.entity(table.logicalName);
    if (!existing && !table.isNew) {
      warnings.push(`Skipped columns of '${table.logicalName}': the table is not part of this environment and the solution does not create it.`);
      continue;
    }
    const metadata = existing ? shellOf(existing, table) : newTable(table, nextObjectTypeCode(env));
    catalog.upsertEntity(metadata);
    if (!existing) newTables.push(catalog.requireEntity(table.logicalName));
    tables.push(table.logicalName);
    columns += table.attributes.filter((a) => a.isCustom).length;
  }
  for (const table of newTables) for (const relationship of systemRelationships(table)) catalog.addOneToMany(relationship);
  for (const table of solution.tables) addMoneySupport(env, table.logicalName);
  for (const optionSet of solution.optionSets) catalog.setGlobalOptionSet(optionSet.name, optionSet.options);
  let relationships = 0;
  for (const relationship of solution.oneToMany) {
    // "Owner" is the platform's polymorphic owner; ownerid is already modelled with its targets.
    if (relationship.referencedEntity === "owner") continue;
    const referencing = catalog.entity(relationship.referencingEntity);
    const referenced = catalog.entity(relationship.referencedEntity);
    if (!referencing || !referenced) {
      warnings.push(`Skipped relationship '${relationship.schemaName}': table '${!referencing ? relationship.referencingEntity : relationship.referencedEntity}' is not part of this environment.`);
      continue;
    }
    const attributeName = relationship.referencingAttribute.toLowerCase();
    const attribute = referencing.attributes.get(attributeName);
    if (!attribute) {
      warnings.push(`Skipped relationship '${relationship.schemaName}': '${relationship.referencingEntity}' has no column '${attributeName}'.`);
      continue;
    }
    catalog.addOneToMany({
      ...lookupRelationship(relationship.schemaName, referencing.logicalName, attributeName, referenced.logicalName, referenced.primaryIdAttribute, {
        single: relationship.singleNavigation ?? (attribute.isCustom ? attribute.schemaName : attributeName),
        collection: relationship.collectionNavigation ?? relationship.schemaName,
      }, relationship.cascadeDelete),
      isCustom: attribute.isCustom,
    });
    relationships++;
  }
  for (const relationship of solution.manyToMany) {
    const missing = [relationship.entity1LogicalName, relationship.entity2LogicalName].find((name) => !catalog.entity(name));
    if (missing) {
      warnings.push(`Skipped relationship '${relationship.schemaName}': table '${missing}' is not part of this environment.`);
      continue;
    }
    catalog.addManyToMany(relationship);
    relationships++;
  }
  for (const map of solution.entityMaps) catalog.addAttributeMaps(map.source, map.target, map.maps);
  for (const table of newTables) env.ensureMessageFilters(table.logicalName);
  const solutionId = recordSolution(env, solution);
  const environmentVariables = recordEnvironmentVariables(env, solution);
  env.recordAppliedSolution(solution);
  return { solutionId, uniqueName: solution.uniqueName, version: solution.version, tables, columns, relationships, environmentVariables, warnings };
}

/** Columns a solution adds to an existing table. */
function shellOf(existing: EntityMetadata, table: SolutionTable): EntityMetadata {
  return {
    ...existing,
    attributes: new Map(table.attributes.filter((a) => a.isCustom || !existing.attributes.has(a.logicalName)).map((a) => [a.logicalName, a])),
    keys: table.keys,
  };
}

function newTable(table: SolutionTable, objectTypeCode: number): EntityMetadata {
  const primaryId = table.primaryIdAttribute ?? `${table.logicalName}id`;
  const ownership = table.ownership ?? "UserOwned";
  const attributes = new Map<string, AttributeMetadata>();
  attributes.set(primaryId, { ...col.id(primaryId), isCustom: true });
  for (const attribute of systemColumns(ownership)) attributes.set(attribute.logicalName, attribute);
  for (const attribute of stateColumns(activeInactive)) attributes.set(attribute.logicalName, attribute);
  for (const attribute of table.attributes) {
    const system = attributes.get(attribute.logicalName);
    // Exported system columns carry their real options/labels; keep our platform semantics (read-only flags) otherwise.
    attributes.set(attribute.logicalName, system ? { ...system, options: attribute.options ?? system.options, displayName: attribute.displayName } : attribute);
  }
  const primaryName = table.primaryNameAttribute ?? [...attributes.values()].find((a) => a.logicalName.endsWith("_name"))?.logicalName;
  if (!primaryName) throw new SolutionFormatError(`Table '${table.logicalName}' has no primary name column (DisplayMask PrimaryName).`);
  const primaryNameAttribute = attributes.get(primaryName);
  if (primaryNameAttribute) primaryNameAttribute.isPrimaryName = true;
  return {
    logicalName: table.logicalName,
    schemaName: table.schemaName,
    entitySetName: table.entitySetName ?? `${table.logicalName}s`,
    primaryIdAttribute: primaryId,
    primaryNameAttribute: primaryName,
    objectTypeCode,
    ownershipType: ownership,
    isCustomEntity: true,
    isActivity: table.isActivity,
    displayName: table.displayName,
    displayCollectionName: table.displayCollectionName,
    attributes,
    keys: table.keys,
  };
}

/** Money columns need a currency lookup, an exchange rate and `_base` twins. */
function addMoneySupport(env: DataverseEnvironment, logicalName: string): void {
  const entity = env.catalog.entity(logicalName);
  if (!entity) return;
  const money = [...entity.attributes.values()].filter((a) => a.type === "Money" && !a.attributeOf && !a.logicalName.endsWith("_base"));
  if (money.length === 0) return;
  for (const attribute of money) {
    const base = `${attribute.logicalName}_base`;
    const existing = entity.attributes.get(base);
    env.catalog.addAttribute(logicalName, { ...(existing ?? col.money(base, { displayName: `${attribute.displayName} (Base)` })), ...col.readOnly, attributeOf: attribute.logicalName, isCustom: attribute.isCustom });
  }
  if (!entity.attributes.has("transactioncurrencyid")) {
    for (const attribute of currencyColumns()) env.catalog.addAttribute(logicalName, attribute);
    env.catalog.addOneToMany(lookupRelationship(`TransactionCurrency_${entity.schemaName}`, logicalName, "transactioncurrencyid", "transactioncurrency", "transactioncurrencyid"));
  }
}

function nextObjectTypeCode(env: DataverseEnvironment): number {
  return Math.max(9999, ...env.catalog.allEntities().map((e) => e.objectTypeCode)) + 1;
}

function recordSolution(env: DataverseEnvironment, solution: SolutionPackage): string {
  const system = env.systemActor;
  const publisherId = stableGuid("publisher", solution.publisher.uniqueName);
  const publisher = {
    uniquename: solution.publisher.uniqueName,
    friendlyname: solution.publisher.friendlyName,
    customizationprefix: solution.publisher.prefix,
    customizationoptionvalueprefix: solution.publisher.optionValuePrefix ?? null,
  };
  if (env.get("publisher", publisherId)) env.update("publisher", publisherId, publisher, system, { silent: true });
  else env.create("publisher", { ...publisher, publisherid: publisherId }, system, { silent: true });
  const existing = env.findByKey("solution", { uniquename: solution.uniqueName });
  const values = {
    uniquename: solution.uniqueName,
    friendlyname: solution.friendlyName,
    version: solution.version,
    ismanaged: solution.managed,
    installedon: env.timestamp(),
    publisherid: { logicalName: "publisher", id: publisherId },
  };
  if (existing) {
    env.update("solution", existing[0], values, system, { silent: true });
    return existing[0];
  }
  return env.create("solution", { ...values, solutionid: stableGuid("solution", solution.uniqueName) }, system, { silent: true });
}

function recordEnvironmentVariables(env: DataverseEnvironment, solution: SolutionPackage): string[] {
  const system = env.systemActor;
  for (const variable of solution.environmentVariables) {
    const values = {
      schemaname: variable.schemaName,
      displayname: variable.displayName,
      description: variable.description ?? null,
      defaultvalue: variable.defaultValue ?? null,
      type: variable.type,
      isrequired: variable.isRequired,
      ...(variable.secretStore !== undefined ? { secretstore: variable.secretStore } : {}),
    };
    const existing = env.findByKey("environmentvariabledefinition", { schemaname: variable.schemaName });
    const definitionId = existing?.[0] ?? stableGuid("environmentvariabledefinition", variable.schemaName);
    if (existing) env.update("environmentvariabledefinition", definitionId, values, system);
    else env.create("environmentvariabledefinition", { ...values, environmentvariabledefinitionid: definitionId }, system);
    if (variable.currentValue) {
      const valueId = variable.currentValue.id ?? stableGuid("environmentvariablevalue", variable.schemaName);
      const value = {
        schemaname: variable.schemaName,
        value: variable.currentValue.value,
        environmentvariabledefinitionid: { logicalName: "environmentvariabledefinition", id: definitionId },
      };
      if (env.get("environmentvariablevalue", valueId)) env.update("environmentvariablevalue", valueId, value, system);
      else env.create("environmentvariablevalue", { ...value, environmentvariablevalueid: valueId }, system);
    }
  }
  return solution.environmentVariables.map((v) => v.schemaName);
}
