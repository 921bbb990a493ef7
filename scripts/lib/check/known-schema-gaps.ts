/**
 * Schema errors that real Dataverse exports produce too, because Microsoft's published
 * CustomizationsSolution.xsd (9.0.0.2090, 2018) predates parts of today's export format
 * (../shared/reference/solutions/INDEX.md, "Schema validation with xmllint"). They are reported as
 * known gaps, not failures. Each gap can also be removed from a copy of the document: libxml2 stops
 * checking an element's remaining children after the first unexpected one, so a second pass over
 * the stripped copy checks what the first pass skipped.
 */
export interface KnownSchemaGap {
  id: string;
  /** Matches the libxml2 message (without file and line). */
  pattern: RegExp;
  explanation: string;
  /** Reference exports showing the same construct. */
  seenIn: string[];
  /** Removes the construct, keeping every line where it was so line numbers stay comparable. */
  strip(xml: string): string;
  /** When set, the gap only explains an error whose line (in the original document) passes this test. */
  appliesTo?(line: string): boolean;
}

/** Elements of today's export format that the 2018 schema does not define, written on one line. */
const NEWER_ELEMENTS = [
  "AutoNumberFormat", "IsSearchable", "IsFilterable", "IsRetrievable", "IsLocalizable", "IsRetrieveAuditEnabled",
  "IsRetrieveMultipleAuditEnabled", "CascadeArchive", "IsAutoAssigned", "IsSolutionAware", "OptimizedFor",
  "EnableCollapsibleGroups", "UClientEnableWhatsNewFilter", "UClientRecordSourcesJSON", "IsMSTeamsIntegrationEnabled", "ShowHome", "ShowPinned", "ShowRecents",
];
/** Top-level sections added to the export format after 2018, written over several lines. */
const NEWER_SECTIONS = ["connectionreferences", "EntityImageConfigs", "AttributeImageConfigs", "AIModels", "appsettings"];
const ROOT_ATTRIBUTES = ["OrganizationVersion", "OrganizationSchemaType", "CRMServerServiceabilityVersion"];

const alternatives = (names: string[]): string => names.join("|");
const keepLines = (match: string): string => match.replace(/[^\n]/g, "");

export const KNOWN_SCHEMA_GAPS: KnownSchemaGap[] = [
  {
    id: "newer-metadata-elements",
    pattern: new RegExp(`^Element '(${alternatives(NEWER_ELEMENTS)})': This element is not expected`),
    explanation: "metadata element added to the export format after the 2018 schema (every current export writes it)",
    seenIn: ["columnlevelsecurity-pair", "codeinterpreter-sample-managed", "polymorphiclookup-managed", "tactec-project-task-unmanaged", "dataverseify-integrationtests-*"],
    strip: (xml) => xml.replace(new RegExp(`<(${alternatives(NEWER_ELEMENTS)})(?:\\s*/>|>[^<]*</\\1>)`, "g"), ""),
  },
  {
    id: "option-is-hidden",
    pattern: /^Element 'option', attribute 'IsHidden': The attribute 'IsHidden' is not allowed/,
    explanation: "choice options carry IsHidden in current exports",
    seenIn: ["codeinterpreter-sample-managed", "transligra-opportunity-diff-unmanaged"],
    strip: (xml) => xml.replace(/(<option\b[^>]*?)\sIsHidden="[^"]*"/g, "$1"),
  },
  {
    id: "newer-app-module-and-role-elements",
    pattern: /^Element '\w+': This element is not expected\. Expected is one of \( (WelcomePageId, FormFactor|URL, AppModuleComponents|IntroducedVersion, RolePrivileges) \)/,
    explanation: "app module and security role elements written by current exports (state, description)",
    seenIn: ["codeinterpreter-sample-managed", "dataverseify-integrationtests-*", "columnlevelsecurity-pair"],
    strip: (xml) =>
      xml
        .replace(/<AppModule>[\s\S]*?<\/AppModule>/g, (block) => block.replace(/<(statecode|statuscode|NavigationType)>[^<]*<\/\1>/g, ""))
        .replace(/<Role\b[\s\S]*?<\/Role>/g, (block) => block.replace(/<Description>[^<]*<\/Description>/g, "")),
  },
  {
    id: "newer-sections",
    pattern: new RegExp(`^Element '(${alternatives(NEWER_SECTIONS)})': This element is not expected`),
    explanation: "customizations.xml section added after the 2018 schema",
    seenIn: ["contoso-envvar-managed", "codeinterpreter-sample-managed", "dataverseify-integrationtests-*"],
    strip: (xml) => xml.replace(new RegExp(`<(${alternatives(NEWER_SECTIONS)})(?:\\s*/>|>[\\s\\S]*?</\\1>)`, "g"), keepLines),
  },
  {
    id: "export-version-attributes",
    pattern: new RegExp(`^Element 'ImportExportXml', attribute '(${alternatives(ROOT_ATTRIBUTES)})': The attribute '\\w+' is not allowed`),
    explanation: "version attributes current exports write on <ImportExportXml>",
    seenIn: ["columnlevelsecurity-pair", "codeinterpreter-sample-managed", "polymorphiclookup-managed"],
    strip: (xml) => xml.replace(new RegExp(`\\s(${alternatives(ROOT_ATTRIBUTES)})="[^"]*"`, "g"), ""),
  },
  {
    id: "form-header-density",
    pattern: /^Element 'form', attribute 'headerdensity': The attribute 'headerdensity' is not allowed/,
    explanation: "Unified Interface form header setting, newer than the schema",
    seenIn: ["isoqar-opportunity-unmanaged", "tactec-project-task-unmanaged", "codeinterpreter-sample-managed"],
    strip: (xml) => xml.replace(/\sheaderdensity="[^"]*"/g, ""),
  },
  {
    id: "form-diff-markup",
    pattern: /^Element '\w+', attribute '(solutionaction|ordinalvalue)': The attribute '\w+' is not allowed|^Element 'column', attribute 'id': The attribute 'id' is not allowed/,
    explanation: "solution-layer diff markup (solutionaction, ordinalvalue, column ids) that exports of changes to existing forms carry; the schema describes full forms only",
    seenIn: ["secondaryrecordsource-account-managed-diff", "transligra-opportunity-diff-unmanaged", "devops-account-managed-diff-both"],
    strip: (xml) => xml.replace(/\s(solutionaction|ordinalvalue)="[^"]*"/g, "").replace(/(<column\b[^>]*?)\sid="[^"]*"/g, "$1"),
  },
  {
    id: "form-diff-empty-tab",
    pattern: /^Element 'tab': Missing child element\(s\)/,
    explanation: "a diff tab that only changes attributes has no children",
    seenIn: ["secondaryrecordsource-account-managed-diff", "devops-account-managed-diff-both"],
    strip: (xml) => xml,
    appliesTo: (line) => /\ssolutionaction="/.test(line),
  },
  {
    id: "file-column-type",
    pattern: /^Element 'Type': \[facet 'enumeration'\] The value '(file|image)' is not an element of the set/,
    explanation: "file and image column types are newer than the schema",
    seenIn: ["dataverseify-integrationtests-*"],
    strip: (xml) => xml.replace(/<Type>(file|image)<\/Type>/g, "<Type>virtual</Type>"),
  },
];

/** The known gap explaining an error, given its message and the text of the line it points at. */
export function knownGapFor(message: string, line: string): KnownSchemaGap | undefined {
  return KNOWN_SCHEMA_GAPS.find((gap) => gap.pattern.test(message) && (!gap.appliesTo || gap.appliesTo(line)));
}

export function stripKnownGaps(xml: string): string {
  return KNOWN_SCHEMA_GAPS.reduce((text, gap) => gap.strip(text), xml);
}
