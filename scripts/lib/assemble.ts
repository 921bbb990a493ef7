import { exportText, indent } from "./export-text";
import type { EntitySource, SolutionSource } from "./solution-source";

/**
 * Rebuilds customizations.xml from the unpacked source the way SolutionPackager packs it: the
 * Other/Customizations.xml skeleton keeps the sections nobody unpacks (Roles, Templates, Languages…),
 * and Entities, EntityRelationships, WebResources and CustomControls are filled from their own files.
 */

/** Top-level order of customizations.xml in real exports (dataverse-pcf.md §2.3 and the exports in ../shared/reference/solutions/). */
export const CUSTOMIZATIONS_SECTION_ORDER = [
  "Entities", "Roles", "Workflows", "FieldSecurityProfiles", "Templates", "EntityImageConfigs", "AttributeImageConfigs",
  "EntityMaps", "EntityRelationships", "OrganizationSettings", "optionsets", "WebResources", "CustomControls",
  "SolutionPluginAssemblies", "AppModuleSiteMaps", "AppModules", "EntityDataProviders", "connectionreferences", "Languages",
] as const;

/** Splits the skeleton's root content into its top-level sections, keeping each section's own lines. */
function skeletonSections(source: SolutionSource): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of source.customizations.split.inner) {
    const top = /^<([A-Za-z]+)[\s/>]/.exec(line);
    if (top) {
      if (sections.has(top[1])) throw new Error(`${source.customizations.file}: section <${top[1]}> appears twice`);
      current = [line];
      sections.set(top[1], current);
    } else if (current) current.push(line);
  }
  for (const name of sections.keys()) {
    if (!(CUSTOMIZATIONS_SECTION_ORDER as readonly string[]).includes(name)) {
      throw new Error(`${source.customizations.file}: unknown section <${name}>; known sections: ${CUSTOMIZATIONS_SECTION_ORDER.join(", ")}`);
    }
  }
  return sections;
}

const wrap = (name: string, content: string[]): string[] => (content.length ? [`<${name}>`, ...indent(content, 2), `</${name}>`] : [`<${name} />`]);

function entityLines(entity: EntitySource): string[] {
  const { file, split } = entity.entity;
  const formTypes = [...new Set(entity.forms.map((f) => f.type))].sort();
  const forms = formTypes.flatMap((type) => [
    `<forms type="${type}">`,
    ...indent(entity.forms.filter((f) => f.type === type).flatMap((f) => f.split.inner), 2),
    `</forms>`,
  ]);
  const savedQueries = entity.savedQueries.length
    ? ["<savedqueries>", ...indent(entity.savedQueries.flatMap((q) => q.split.inner), 2), "</savedqueries>"]
    : [];
  const ribbon = entity.ribbon ? [entity.ribbon.split.open, ...indent(entity.ribbon.split.inner, 2), entity.ribbon.split.close] : [];
  const fill: Record<string, string[]> = {
    "<FormXml />": forms.length ? wrap("FormXml", forms) : [],
    "<SavedQueries />": savedQueries.length ? wrap("SavedQueries", savedQueries) : [],
    "<RibbonDiffXml />": ribbon,
  };
  const seen = new Set<string>();
  const lines = split.inner.flatMap((line) => {
    const placeholder = fill[line];
    if (!placeholder) return [line];
    seen.add(line);
    return placeholder;
  });
  for (const placeholder of Object.keys(fill)) {
    if (!seen.has(placeholder)) throw new Error(`${file}: expected a ${placeholder} placeholder line for the packer to fill`);
  }
  return ["<Entity>", ...indent(lines, 2), "</Entity>"];
}

export function buildCustomizationsXml(source: SolutionSource): string {
  const sections = skeletonSections(source);
  const filled: Record<string, string[]> = {
    Entities: wrap("Entities", source.entities.flatMap(entityLines)),
    EntityRelationships: wrap("EntityRelationships", source.relationshipOrder.flatMap((name) => source.relationships.get(name)?.lines ?? [])),
    WebResources: source.webResources.length ? wrap("WebResources", source.webResources.flatMap((w) => [w.split.open, ...indent(w.split.inner, 2), w.split.close])) : [],
    CustomControls: wrap("CustomControls", source.controls.flatMap((c) => [c.split.open, ...indent(c.split.inner, 2), c.split.close])),
  };
  const body = CUSTOMIZATIONS_SECTION_ORDER.flatMap((name) => filled[name] ?? sections.get(name) ?? []);
  return exportText([source.customizations.split.documentOpen, ...indent(body, 2), source.customizations.split.close]);
}

/** solution.xml with the package flavour (managed or not) and the given four-part version. */
export function buildSolutionXml(source: SolutionSource, options: { managed: boolean; version: string }): string {
  const { file, split } = source.solution;
  const replaceOnce = (lines: string[], pattern: RegExp, replacement: string, what: string): string[] => {
    const hits = lines.filter((l) => pattern.test(l)).length;
    if (hits !== 1) throw new Error(`${file}: expected exactly one ${what}, found ${hits}`);
    return lines.map((l) => l.replace(pattern, replacement));
  };
  let lines = [split.documentOpen, ...indent(split.inner, 2), split.close];
  // Source keeps <Managed>2</Managed> ("both", SolutionPackager convention); a zip is one or the other.
  lines = replaceOnce(lines, /<Managed>2<\/Managed>/, `<Managed>${options.managed ? 1 : 0}</Managed>`, "<Managed>2</Managed>");
  lines = replaceOnce(lines, /<Version>[^<]*<\/Version>/, `<Version>${options.version}</Version>`, "<Version>");
  return exportText(lines);
}
