import { extensionOf } from "../content-types";
import { ENVIRONMENT_VARIABLE_TYPES } from "../schema-consistency";
import { attr, child, childText, children, descendants, parseXml, type XmlElement } from "../xml";

/**
 * Structural checks on a packed solution (dataverse-pcf.md §3 item 5): the parts Dataverse resolves
 * by name or id must resolve inside the package, and everything we own carries the publisher's
 * prefixes. Each finding says what is wrong and where.
 */
export interface OpenedPackage {
  entries: Map<string, Uint8Array>;
  solution: XmlElement;
  customizations: XmlElement;
}

const decoder = new TextDecoder("utf-8");
export const textOf = (bytes: Uint8Array): string => decoder.decode(bytes).replace(/^\uFEFF/, "");

const ROOT_PARTS = ["[Content_Types].xml", "solution.xml", "customizations.xml"];

/** Opens the three root parts; returns the findings that make further checks impossible. */
export function openPackage(entries: Map<string, Uint8Array>): { pkg?: OpenedPackage; problems: string[] } {
  const missing = ROOT_PARTS.filter((p) => !entries.has(p));
  if (missing.length) return { problems: missing.map((p) => `${p} is missing at the zip root — not a solution package`) };
  try {
    return {
      pkg: {
        entries,
        solution: parseXml(textOf(entries.get("solution.xml")!), "solution.xml"),
        customizations: parseXml(textOf(entries.get("customizations.xml")!), "customizations.xml"),
      },
      problems: [],
    };
  } catch (error) {
    return { problems: [(error as Error).message] };
  }
}

interface Publisher {
  prefix: string;
  optionValuePrefix: number;
}

function publisherOf(pkg: OpenedPackage): Publisher | undefined {
  const publisher = child(child(pkg.solution, "SolutionManifest") ?? pkg.solution, "Publisher");
  const prefix = publisher && childText(publisher, "CustomizationPrefix");
  const optionValuePrefix = Number(publisher && childText(publisher, "CustomizationOptionValuePrefix"));
  return prefix && Number.isInteger(optionValuePrefix) ? { prefix, optionValuePrefix } : undefined;
}

const section = (pkg: OpenedPackage, name: string): XmlElement | undefined => child(pkg.customizations, name);
const entities = (pkg: OpenedPackage): XmlElement[] => children(section(pkg, "Entities") ?? pkg.customizations, "Entity");
const entityName = (entity: XmlElement): string => childText(entity, "Name") ?? "";
const forms = (pkg: OpenedPackage): Array<{ entity: string; form: XmlElement; id: string }> =>
  entities(pkg).flatMap((e) =>
    descendants(child(e, "FormXml") ?? e, "systemform").map((s) => ({ entity: entityName(e), form: child(s, "form") ?? s, id: childText(s, "formid") ?? "" })),
  );
const webResources = (pkg: OpenedPackage): XmlElement[] => children(section(pkg, "WebResources") ?? pkg.customizations, "WebResource");
const customControls = (pkg: OpenedPackage): XmlElement[] => children(section(pkg, "CustomControls") ?? pkg.customizations, "CustomControl");
const isDiff = (el: XmlElement): boolean => el.attrs.solutionaction !== undefined || el.children.some(isDiff);

function checkSolutionManifest(pkg: OpenedPackage): string[] {
  const manifest = child(pkg.solution, "SolutionManifest");
  if (!manifest) return ["solution.xml: <SolutionManifest> is missing"];
  const problems: string[] = [];
  const managed = childText(manifest, "Managed");
  if (managed !== "0" && managed !== "1") problems.push(`solution.xml: <Managed>${managed}</Managed> must be 0 (unmanaged) or 1 (managed) in a zip; 2 only exists in unpacked source`);
  const version = childText(manifest, "Version") ?? "";
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(version)) problems.push(`solution.xml: <Version>${version}</Version> must have four numeric parts`);
  if (!publisherOf(pkg)) problems.push("solution.xml: the publisher needs <CustomizationPrefix> and a numeric <CustomizationOptionValuePrefix>");
  return problems;
}

function checkFileNames(pkg: OpenedPackage): string[] {
  return descendants(pkg.customizations, "FileName")
    .map((f) => f.text.replace(/^\//, ""))
    .filter((file) => !pkg.entries.has(file))
    .map((file) => `customizations.xml refers to /${file}, which is not in the zip`);
}

function checkContentTypes(pkg: OpenedPackage): string[] {
  let types: XmlElement;
  try {
    types = parseXml(textOf(pkg.entries.get("[Content_Types].xml")!), "[Content_Types].xml");
  } catch (error) {
    return [(error as Error).message];
  }
  const defaults = new Set(children(types, "Default").map((d) => (d.attrs.Extension ?? "").toLowerCase()));
  const overrides = new Set(children(types, "Override").map((o) => (o.attrs.PartName ?? "").toLowerCase()));
  return [...pkg.entries.keys()]
    .filter((part) => part !== "[Content_Types].xml" && !part.endsWith("/"))
    .filter((part) => !overrides.has(`/${part}`.toLowerCase()) && !defaults.has(extensionOf(part) ?? "\0"))
    .map((part) => `${part} has no content type in [Content_Types].xml (add a Default for its extension or an Override for the part)`);
}

function checkRootComponents(pkg: OpenedPackage): string[] {
  const roots = descendants(child(pkg.solution, "SolutionManifest") ?? pkg.solution, "RootComponent");
  const ofType = (type: string): string[] => roots.filter((r) => r.attrs.type === type).map((r) => (r.attrs.schemaName ?? "").toLowerCase());
  const problems: string[] = [];
  const compare = (what: string, type: string, inSection: string[], sectionName: string): void => {
    const declared = ofType(type);
    const present = inSection.map((n) => n.toLowerCase());
    for (const name of present.filter((n) => !declared.includes(n))) problems.push(`customizations.xml ${sectionName} has ${name}, but solution.xml has no RootComponent type="${type}" for it`);
    for (const name of declared.filter((n) => !present.includes(n))) problems.push(`solution.xml declares ${what} ${name} (RootComponent type="${type}"), but customizations.xml ${sectionName} does not contain it`);
  };
  compare("table", "1", entities(pkg).map(entityName), "<Entities>");
  compare("web resource", "61", webResources(pkg).map((w) => childText(w, "Name") ?? ""), "<WebResources>");
  compare("custom control", "66", customControls(pkg).map((c) => childText(c, "Name") ?? ""), "<CustomControls>");
  compare("choice", "9", children(section(pkg, "optionsets") ?? pkg.customizations, "optionset").map((o) => o.attrs.Name ?? ""), "<optionsets>");
  return problems;
}

function checkUniqueIds(pkg: OpenedPackage): string[] {
  const owners = new Map<string, string[]>();
  const note = (id: string | undefined, what: string): void => {
    if (!id) return;
    const key = id.replace(/[{}]/g, "").toLowerCase();
    owners.set(key, [...(owners.get(key) ?? []), what]);
  };
  for (const { entity, form, id } of forms(pkg)) {
    note(id, `form ${id} (${entity})`);
    for (const tab of descendants(form, "tab")) note(tab.attrs.id, `tab ${tab.attrs.name ?? ""} in form ${id}`);
    for (const s of descendants(form, "section")) note(s.attrs.id, `section ${s.attrs.name ?? ""} in form ${id}`);
    for (const cell of descendants(form, "cell")) note(cell.attrs.id, `cell in form ${id}`);
    for (const control of descendants(form, "control")) note(control.attrs.uniqueid, `control ${control.attrs.id ?? ""} in form ${id}`);
    for (const handler of descendants(form, "Handler")) note(handler.attrs.handlerUniqueId, `handler ${handler.attrs.functionName ?? ""} in form ${id}`);
    for (const library of descendants(form, "Library")) note(library.attrs.libraryUniqueId, `library ${library.attrs.name ?? ""} in form ${id}`);
  }
  for (const query of descendants(pkg.customizations, "savedquery")) note(childText(query, "savedqueryid"), "saved query");
  for (const resource of webResources(pkg)) note(childText(resource, "WebResourceId"), `web resource ${childText(resource, "Name") ?? ""}`);
  return [...owners].filter(([, what]) => what.length > 1).map(([id, what]) => `id {${id}} is used ${what.length} times: ${what.join("; ")}`);
}

/** System relationships Dataverse creates for a new table are named after it, e.g. lk_cosell_solution_createdby. */
const systemRelationship = (name: string, prefix: string): boolean =>
  new RegExp(`^(lk|user|team|owner|business_unit|organization|transactioncurrency)_${prefix}_`, "i").test(name);

function checkPrefixes(pkg: OpenedPackage, publisher: Publisher): string[] {
  const { prefix } = publisher;
  const problems: string[] = [];
  const ours = (name: string): boolean => name.toLowerCase().startsWith(`${prefix}_`);
  const require = (name: string, what: string): void => {
    if (!ours(name)) problems.push(`${what} "${name}" does not start with the publisher prefix ${prefix}_`);
  };
  const newTables = descendants(pkg.solution, "RootComponent").filter((r) => r.attrs.type === "1" && r.attrs.behavior === "0").map((r) => r.attrs.schemaName?.toLowerCase());
  for (const entity of entities(pkg)) {
    const name = entityName(entity);
    if (newTables.includes(name.toLowerCase())) require(name, "table");
    for (const attribute of descendants(entity, "attribute").filter((a) => childText(a, "IsCustomField") === "1")) {
      require(childText(attribute, "LogicalName") ?? attribute.attrs.PhysicalName ?? "", `column of ${name}`);
      for (const optionset of children(attribute, "optionset")) require(optionset.attrs.Name ?? "", `choice of ${name}`);
    }
    for (const key of descendants(entity, "EntityKey")) require(childText(key, "LogicalName") ?? "", `alternate key of ${name}`);
    for (const s of descendants(child(entity, "FormXml") ?? entity, "section").filter((s) => s.attrs.solutionaction === "Added")) {
      require(s.attrs.name ?? "", `section added to a form of ${name}`);
    }
    for (const action of descendants(entity, "CustomAction")) {
      if (!action.attrs.Id?.toLowerCase().startsWith(`${prefix}.`)) problems.push(`command bar action "${action.attrs.Id}" on ${name} does not start with ${prefix}.`);
    }
  }
  for (const relationship of children(section(pkg, "EntityRelationships") ?? pkg.customizations, "EntityRelationship")) {
    const name = relationship.attrs.Name ?? "";
    if (!ours(name) && !systemRelationship(name, prefix)) problems.push(`relationship "${name}" does not start with the publisher prefix ${prefix}_`);
  }
  for (const resource of webResources(pkg)) require(childText(resource, "Name") ?? "", "web resource");
  for (const control of customControls(pkg)) require(childText(control, "Name") ?? "", "custom control");
  for (const variable of environmentVariables(pkg)) require(variable.xml.attrs.schemaname ?? "", "environment variable");
  return problems;
}

function checkOptionValues(pkg: OpenedPackage, publisher: Publisher): string[] {
  const problems: string[] = [];
  for (const entity of entities(pkg)) {
    for (const attribute of descendants(entity, "attribute").filter((a) => childText(a, "IsCustomField") === "1")) {
      for (const optionset of children(attribute, "optionset").filter((o) => childText(o, "OptionSetType") === "picklist")) {
        for (const option of descendants(optionset, "option")) {
          const value = Number(option.attrs.value);
          if (Math.floor(value / 10000) !== publisher.optionValuePrefix) {
            problems.push(`${entityName(entity)}.${childText(attribute, "LogicalName")}: option value ${option.attrs.value} does not use the option value prefix ${publisher.optionValuePrefix} (expected ${publisher.optionValuePrefix}0000–${publisher.optionValuePrefix}9999)`);
          }
        }
      }
    }
  }
  return problems;
}

function checkLibrariesAndControls(pkg: OpenedPackage): string[] {
  const problems: string[] = [];
  const resourceNames = new Set(webResources(pkg).map((w) => childText(w, "Name")));
  const controlNames = new Set(customControls(pkg).map((c) => childText(c, "Name")));
  const publisher = publisherOf(pkg);
  for (const { entity, form, id } of forms(pkg)) {
    const where = `form ${id} (${entity})`;
    const libraries = descendants(child(form, "formLibraries") ?? form, "Library");
    const libraryNames = new Set(libraries.map((l) => l.attrs.name));
    for (const handler of descendants(form, "Handler")) {
      if (!libraryNames.has(handler.attrs.libraryName)) problems.push(`${where}: handler ${handler.attrs.functionName} uses library ${handler.attrs.libraryName}, which is not in the form's <formLibraries>`);
    }
    // A library this package adds to a form must ship in the package; existing libraries of a stock form are the platform's.
    const librariesAdded = child(form, "formLibraries")?.attrs.solutionaction === "Added";
    const added = isDiff(form) && !librariesAdded ? libraries.filter((l) => l.attrs.solutionaction === "Added") : libraries;
    for (const library of added) {
      if (!resourceNames.has(library.attrs.name)) problems.push(`${where}: form library ${library.attrs.name} is not a web resource in this solution`);
    }
    const uniqueIds = new Set(descendants(form, "control").map((c) => (c.attrs.uniqueid ?? "").toLowerCase()));
    for (const description of descendants(form, "controlDescription")) {
      const forControl = (description.attrs.forControl ?? "").toLowerCase();
      if (description.attrs.solutionaction !== "Removed" && !uniqueIds.has(forControl)) {
        problems.push(`${where}: controlDescription for ${description.attrs.forControl} matches no control uniqueid on the form`);
      }
      for (const custom of children(description, "customControl").filter((c) => c.attrs.name)) {
        const name = custom.attrs.name;
        const ours = publisher && name.toLowerCase().startsWith(`${publisher.prefix}_`);
        if (ours && !controlNames.has(name)) problems.push(`${where}: customControl ${name} is not a <CustomControl> in this solution`);
      }
    }
  }
  for (const entity of entities(pkg)) {
    for (const library of [...descendants(entity, "JavaScriptFunction"), ...descendants(entity, "CustomRule")].map((f) => f.attrs.Library ?? "")) {
      const name = library.replace(/^\$webresource:/, "");
      if (publisher && name.startsWith(`${publisher.prefix}_`) && !resourceNames.has(name)) {
        problems.push(`command bar of ${entityName(entity)} uses ${library}, which is not a web resource in this solution`);
      }
    }
  }
  return problems;
}

interface PcfManifest {
  name: string;
  properties: Map<string, string>;
  dataSets: Set<string>;
}

function pcfManifests(pkg: OpenedPackage): { manifests: Map<string, PcfManifest>; problems: string[] } {
  const manifests = new Map<string, PcfManifest>();
  const problems: string[] = [];
  for (const control of customControls(pkg)) {
    const name = childText(control, "Name") ?? "";
    const file = (childText(control, "FileName") ?? "").replace(/^\//, "");
    const bytes = pkg.entries.get(file);
    if (!bytes) continue;
    try {
      const manifest = child(parseXml(textOf(bytes), file), "control");
      if (!manifest) throw new Error(`${file}: no <control> element`);
      const declared = `${attr(manifest, "namespace")}.${attr(manifest, "constructor")}`;
      if (!name.endsWith(`_${declared}`)) {
        problems.push(`${file}: declares ${declared}, which does not match the custom control name ${name}`);
      }
      const code = descendants(manifest, "code")[0]?.attrs.path;
      if (!code || !pkg.entries.has(`${file.slice(0, file.lastIndexOf("/") + 1)}${code}`)) problems.push(`${file}: its code file ${code ?? "(none)"} is not in the zip`);
      manifests.set(name, {
        name,
        properties: new Map(children(manifest, "property").map((p) => [p.attrs.name, p.attrs["of-type"] ?? p.attrs["of-type-group"] ?? ""])),
        dataSets: new Set(children(manifest, "data-set").map((d) => d.attrs.name)),
      });
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return { manifests, problems };
}

/** Form parameters of our PCF controls name properties the manifest declares, with the same type, bound to columns that exist. */
function checkControlParameters(pkg: OpenedPackage): string[] {
  const { manifests, problems } = pcfManifests(pkg);
  const publisher = publisherOf(pkg);
  for (const { entity, form, id } of forms(pkg)) {
    const table = entities(pkg).find((e) => entityName(e) === entity);
    const columns = new Set(table ? descendants(table, "attribute").map((a) => childText(a, "LogicalName")) : []);
    for (const custom of descendants(form, "customControl")) {
      const manifest = manifests.get(custom.attrs.name ?? "");
      if (!manifest) continue;
      const where = `form ${id} (${entity}), ${manifest.name}`;
      for (const parameter of child(custom, "parameters")?.children ?? []) {
        if (parameter.name === "data-set") {
          if (!manifest.dataSets.has(parameter.attrs.name)) problems.push(`${where}: data-set "${parameter.attrs.name}" is not declared by the control (it has ${[...manifest.dataSets].join(", ") || "none"})`);
          continue;
        }
        const type = manifest.properties.get(parameter.name);
        if (type === undefined) {
          problems.push(`${where}: parameter "${parameter.name}" is not a property of the control (it has ${[...manifest.properties.keys()].join(", ")})`);
          continue;
        }
        if (parameter.attrs.type && parameter.attrs.type !== type) problems.push(`${where}: parameter "${parameter.name}" is typed ${parameter.attrs.type}, the control declares ${type}`);
        const bound = parameter.attrs.static !== "true";
        if (bound && publisher && parameter.text.startsWith(`${publisher.prefix}_`) && !columns.has(parameter.text)) {
          problems.push(`${where}: parameter "${parameter.name}" is bound to ${parameter.text}, which is not a column of ${entity} in this solution`);
        }
      }
    }
  }
  return problems;
}

function environmentVariables(pkg: OpenedPackage): Array<{ path: string; xml: XmlElement }> {
  return [...pkg.entries.keys()]
    .filter((p) => /^environmentvariabledefinitions\/[^/]+\/environmentvariabledefinition\.xml$/.test(p))
    .map((p) => ({ path: p, xml: parseXml(textOf(pkg.entries.get(p)!), p) }));
}

function checkEnvironmentVariables(pkg: OpenedPackage): string[] {
  const problems: string[] = [];
  const typeCodes = new Map(Object.entries(ENVIRONMENT_VARIABLE_TYPES).map(([name, code]) => [code, name]));
  for (const { path, xml } of environmentVariables(pkg)) {
    const schema = xml.attrs.schemaname ?? "";
    if (path.split("/")[1] !== schema) problems.push(`${path}: folder name must equal schemaname "${schema}"`);
    const type = typeCodes.get(childText(xml, "type") ?? "");
    if (!type) problems.push(`${path}: <type>${childText(xml, "type")}</type> is not an environment variable type (${[...typeCodes.keys()].join(", ")})`);
    const value = childText(xml, "defaultvalue");
    if (value !== undefined && value !== "") {
      if (type === "Boolean" && value !== "yes" && value !== "no") problems.push(`${path}: a Boolean default must be "yes" or "no", not "${value}"`);
      if (type === "Number" && !Number.isFinite(Number(value))) problems.push(`${path}: default "${value}" is not a number`);
      if (type === "JSON") {
        try {
          JSON.parse(value);
        } catch {
          problems.push(`${path}: default value is not valid JSON`);
        }
      }
    }
    if (!child(xml, "displayname")) problems.push(`${path}: <displayname> is missing`);
  }
  return problems;
}

function checkXmlParts(pkg: OpenedPackage): string[] {
  const problems: string[] = [];
  for (const [part, bytes] of pkg.entries) {
    if (extensionOf(part) !== "xml" || ROOT_PARTS.includes(part)) continue;
    try {
      parseXml(textOf(bytes), part);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  return problems;
}

/** Runs every structural check; each message is one concrete problem. */
export function checkStructure(pkg: OpenedPackage): string[] {
  const publisher = publisherOf(pkg);
  return [
    ...checkSolutionManifest(pkg),
    ...checkXmlParts(pkg),
    ...checkFileNames(pkg),
    ...checkContentTypes(pkg),
    ...checkRootComponents(pkg),
    ...checkUniqueIds(pkg),
    ...(publisher ? [...checkPrefixes(pkg, publisher), ...checkOptionValues(pkg, publisher)] : []),
    ...checkLibrariesAndControls(pkg),
    ...checkControlParameters(pkg),
    ...checkEnvironmentVariables(pkg),
  ];
}
