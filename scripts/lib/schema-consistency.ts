import {
  AUDIT_MAX_LENGTH,
  EnvironmentVariables,
  HelpNeededOptions,
  Languages,
  LeadColumns,
  OpportunityColumns,
  OpportunitySolutionRelationship,
  OPTION_VALUE_PREFIX,
  PUBLISHER_PREFIX,
  SolutionKindOptions,
  SolutionNames,
  SolutionTable,
  SyncStatusOptions,
} from "@cosell/core";
import type { EntitySource, SolutionSource } from "./solution-source";
import { child, childText, children, descendants, type XmlElement } from "./xml";

/** Dataverse environment variable type codes (dataverse-pcf.md §2.6). */
export const ENVIRONMENT_VARIABLE_TYPES: Record<string, string> = {
  String: "100000000",
  Number: "100000001",
  Boolean: "100000002",
  JSON: "100000003",
  "Data source": "100000004",
  Secret: "100000005",
};

const sameSet = (a: Iterable<string | number>, b: Iterable<string | number>): boolean => {
  const x = [...new Set([...a].map(String))].sort();
  const y = [...new Set([...b].map(String))].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
};
const list = (values: Iterable<string | number>): string => [...values].join(", ");

function attributesOf(entity: EntitySource): Map<string, XmlElement> {
  const entityInfo = child(child(entity.entity.xml, "EntityInfo") ?? entity.entity.xml, "entity");
  const attributes = entityInfo ? children(child(entityInfo, "attributes") ?? entityInfo, "attribute") : [];
  return new Map(attributes.map((a) => [childText(a, "LogicalName") ?? "", a]));
}

function optionValues(attribute: XmlElement): number[] {
  const options = child(child(attribute, "optionset") ?? attribute, "options");
  return options ? children(options, "option").map((o) => Number(o.attrs.value)) : [];
}

/**
 * Checks the solution source against the shared names in core/src/crm/schema.ts, so the relay,
 * the controls and the form script address exactly what the solution creates.
 * Returns one actionable message per mismatch (empty when consistent).
 */
export function checkSourceAgainstSchema(source: SolutionSource): string[] {
  const problems: string[] = [];
  const where = (file: string, message: string): void => void problems.push(`${file}: ${message}`);
  const manifest = child(source.solution.xml, "SolutionManifest");
  const solutionFile = source.solution.file;
  if (!manifest) return [`${solutionFile}: <SolutionManifest> is missing`];
  const publisher = child(manifest, "Publisher");

  if (childText(manifest, "UniqueName") !== SolutionNames.uniqueName) where(solutionFile, `UniqueName must be ${SolutionNames.uniqueName}`);
  if (publisher && childText(publisher, "CustomizationPrefix") !== PUBLISHER_PREFIX) where(solutionFile, `CustomizationPrefix must be ${PUBLISHER_PREFIX}`);
  if (publisher && childText(publisher, "CustomizationOptionValuePrefix") !== String(OPTION_VALUE_PREFIX)) {
    where(solutionFile, `CustomizationOptionValuePrefix must be ${OPTION_VALUE_PREFIX}`);
  }

  const entity = (name: string): EntitySource | undefined => source.entities.find((e) => e.name.toLowerCase() === name);
  const checkColumns = (table: string, expected: Record<string, string>): void => {
    const found = entity(table);
    if (!found) return where("Entities/", `table ${table} is missing`);
    const ours = [...attributesOf(found).keys()].filter((n) => n.startsWith(`${PUBLISHER_PREFIX}_`));
    if (!sameSet(ours, Object.values(expected))) {
      where(found.entity.file, `custom columns are [${list(ours)}] but schema.ts expects [${list(Object.values(expected))}]`);
    }
  };
  checkColumns("opportunity", OpportunityColumns);
  checkColumns("lead", LeadColumns);

  const checkOptions = (table: string, column: string, expected: Record<string, number>): void => {
    const found = entity(table);
    const attribute = found && attributesOf(found).get(column);
    if (!found || !attribute) return;
    const values = optionValues(attribute);
    if (values.join() !== Object.values(expected).join()) {
      where(found.entity.file, `${column} options are [${list(values)}] but schema.ts has [${list(Object.values(expected))}] in that order`);
    }
  };
  for (const table of ["opportunity", "lead"]) {
    checkOptions(table, OpportunityColumns.helpNeeded, HelpNeededOptions);
    checkOptions(table, OpportunityColumns.syncStatus, SyncStatusOptions);
  }
  checkOptions(SolutionTable.logicalName, SolutionTable.kind, SolutionKindOptions);
  for (const table of ["opportunity", "lead"]) {
    const found = entity(table);
    const audit = found && attributesOf(found).get(OpportunityColumns.audit);
    if (found && audit && childText(audit, "MaxLength") !== String(AUDIT_MAX_LENGTH)) {
      where(found.entity.file, `${OpportunityColumns.audit} MaxLength must be ${AUDIT_MAX_LENGTH} (AUDIT_MAX_LENGTH; the audit renderer trims to it)`);
    }
  }

  const catalog = entity(SolutionTable.logicalName);
  if (!catalog) where("Entities/", `table ${SolutionTable.logicalName} is missing`);
  else {
    const info = child(child(catalog.entity.xml, "EntityInfo") ?? catalog.entity.xml, "entity");
    const attributes = attributesOf(catalog);
    if (info && childText(info, "EntitySetName") !== SolutionTable.entitySetName) where(catalog.entity.file, `EntitySetName must be ${SolutionTable.entitySetName}`);
    const primaryName = [...attributes].find(([, a]) => (childText(a, "DisplayMask") ?? "").split("|").includes("PrimaryName"))?.[0];
    if (primaryName !== SolutionTable.name) where(catalog.entity.file, `primary name column must be ${SolutionTable.name}, found ${primaryName ?? "none"}`);
    const primaryKey = attributes.get(SolutionTable.primaryId);
    if (!primaryKey || childText(primaryKey, "Type") !== "primarykey") where(catalog.entity.file, `${SolutionTable.primaryId} must be the primary key`);
    for (const column of [SolutionTable.solutionIdentifier, SolutionTable.kind, SolutionTable.publisher]) {
      if (!attributes.has(column)) where(catalog.entity.file, `column ${column} is missing`);
    }
    const key = info ? descendants(info, "EntityKey").find((k) => childText(k, "LogicalName") === SolutionTable.alternateKey) : undefined;
    const keyColumns = key ? descendants(key, "AttributeName").map((a) => a.text) : [];
    if (keyColumns.join() !== SolutionTable.solutionIdentifier) {
      where(catalog.entity.file, `alternate key ${SolutionTable.alternateKey} on (${SolutionTable.solutionIdentifier}) is missing`);
    }
  }

  const nn = source.relationships.get(OpportunitySolutionRelationship.schemaName);
  if (!nn) where("Other/Relationships/", `N:N relationship ${OpportunitySolutionRelationship.schemaName} is missing`);
  else {
    if (childText(nn.xml, "IntersectEntityName") !== OpportunitySolutionRelationship.intersectEntity) where(nn.file, `IntersectEntityName must be ${OpportunitySolutionRelationship.intersectEntity}`);
    const navigation = descendants(nn.xml, "NavigationPropertyName").map((n) => n.text);
    if (navigation.length !== 2 || navigation.some((n) => n !== OpportunitySolutionRelationship.navigationProperty)) {
      where(nn.file, `both roles must use navigation property ${OpportunitySolutionRelationship.navigationProperty}`);
    }
    const ends = [childText(nn.xml, "FirstEntityName"), childText(nn.xml, "SecondEntityName")].map((n) => n?.toLowerCase());
    if (!sameSet(ends.filter((e): e is string => !!e), ["opportunity", SolutionTable.logicalName])) where(nn.file, `must relate opportunity and ${SolutionTable.logicalName}`);
  }

  const expectedVariables = Object.values(EnvironmentVariables);
  if (!sameSet(source.environmentVariables.map((v) => v.name), expectedVariables.map((v) => v.schemaName))) {
    where("environmentvariabledefinitions/", `definitions are [${list(source.environmentVariables.map((v) => v.name))}] but schema.ts has [${list(expectedVariables.map((v) => v.schemaName))}]`);
  }
  for (const variable of expectedVariables) {
    const found = source.environmentVariables.find((v) => v.name === variable.schemaName);
    if (!found) continue;
    if (childText(found.xml, "type") !== ENVIRONMENT_VARIABLE_TYPES[variable.type]) where(found.file, `type must be ${ENVIRONMENT_VARIABLE_TYPES[variable.type]} (${variable.type})`);
    if ((childText(found.xml, "defaultvalue") ?? "") !== variable.defaultValue) where(found.file, `default value must be "${variable.defaultValue}"`);
  }

  const webResources = source.webResources.map((w) => w.name);
  const expectedWebResources = [
    SolutionNames.opportunityFormScript, SolutionNames.leadFormScript, SolutionNames.coSellLibrary, SolutionNames.msalLibrary, SolutionNames.authRedirectPage,
    ...Languages.map((lcid) => `${SolutionNames.formScriptStrings}.${lcid}.resx`),
  ];
  if (!sameSet(webResources, expectedWebResources)) {
    where("WebResources/", `web resources are [${list(webResources)}] but schema.ts names [${list(expectedWebResources)}]`);
  }
  const expectedControls = SolutionNames.controls.map((c) => `${PUBLISHER_PREFIX}_${SolutionNames.pcfNamespace}.${c}`);
  if (!sameSet(source.controls.map((c) => c.name), expectedControls)) {
    where("Controls/", `controls are [${list(source.controls.map((c) => c.name))}] but schema.ts has [${list(expectedControls)}]`);
  }
  for (const table of ["opportunity", "lead"]) {
    const form = entity(table)?.forms.find((f) => f.type === "main");
    if (form && !descendants(form.xml, "section").some((s) => s.attrs.name === SolutionNames.formSectionName)) {
      where(form.file, `the ${SolutionNames.formSectionName} section is missing`);
    }
  }

  const languages = descendants(child(source.customizations.xml, "Languages") ?? source.customizations.xml, "Language").map((l) => l.text);
  if (!sameSet(languages, Languages)) where(source.customizations.file, `<Languages> must list ${list(Languages)}`);
  problems.push(...checkLabelLanguages(source));
  return problems;
}

/**
 * Every localizable label on a component we own names all product languages. The diff of a stock form
 * (it carries solutionaction markup) restates only the form's English name: those names belong to
 * the platform and are left as they are.
 */
function checkLabelLanguages(source: SolutionSource): string[] {
  const problems: string[] = [];
  const expected = Languages.map(String);
  const files = [
    source.solution, ...source.entities.flatMap((e) => [e.entity, ...e.forms, ...e.savedQueries, ...(e.ribbon ? [e.ribbon] : [])]),
    ...source.webResources, ...source.environmentVariables, ...[...source.relationships.values()].map((r) => ({ file: r.file, xml: r.xml })),
  ];
  for (const { file, xml } of files) {
    const isStockFormDiff = descendants(xml, "tab").some((t) => t.attrs.solutionaction === "Modified");
    const visit = (el: XmlElement, parent?: XmlElement): void => {
      const coded = el.children.filter((c) => c.attrs.languagecode !== undefined);
      const skip = isStockFormDiff && el.name === "LocalizedNames" && parent?.name === "systemform";
      if (coded.length && !skip && !(el.name === "Descriptions" && coded.every((c) => c.attrs.description === ""))) {
        const codes = coded.map((c) => c.attrs.languagecode);
        if (!sameSet(codes, expected)) {
          const label = coded[0].attrs.description ?? el.name;
          problems.push(`${file}: <${el.name}> "${label}" has languages [${list(codes)}], expected [${list(expected)}]`);
        }
      }
      for (const c of el.children) visit(c, el);
    };
    visit(xml);
  }
  return problems;
}
