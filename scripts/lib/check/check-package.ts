import { readZip } from "../zip";
import { validateCustomizations, type SchemaFinding, type SchemaSet } from "./customizations-schema";
import type { KnownSchemaGap } from "./known-schema-gaps";
import { checkStructure, openPackage, textOf } from "./structure";

export interface PackageReport {
  name: string;
  /** Structural problems; any of them fails the check. */
  structureErrors: string[];
  /** Schema errors no known gap explains; any of them fails the check. */
  schemaErrors: SchemaFinding[];
  /** Schema errors that real exports show too, grouped by gap. */
  knownGaps: Array<{ gap: KnownSchemaGap; count: number; firstLine: number | undefined }>;
  ok: boolean;
}

/** Checks one solution zip: structure first, then customizations.xml against the schema. */
export async function checkSolutionPackage(bytes: Uint8Array, name: string, schemas: SchemaSet): Promise<PackageReport> {
  let entries: Map<string, Uint8Array>;
  try {
    entries = readZip(bytes, name);
  } catch (error) {
    return { name, structureErrors: [(error as Error).message], schemaErrors: [], knownGaps: [], ok: false };
  }
  const { pkg, problems } = openPackage(entries);
  const structureErrors = pkg ? checkStructure(pkg) : problems;
  const findings = pkg ? await validateCustomizations(textOf(entries.get("customizations.xml")!), schemas) : [];
  const schemaErrors = findings.filter((f) => !f.knownGap);
  const grouped = new Map<KnownSchemaGap, { gap: KnownSchemaGap; count: number; firstLine: number | undefined }>();
  for (const finding of findings) {
    if (!finding.knownGap) continue;
    const entry = grouped.get(finding.knownGap) ?? { gap: finding.knownGap, count: 0, firstLine: finding.line };
    entry.count += 1;
    grouped.set(finding.knownGap, entry);
  }
  return { name, structureErrors, schemaErrors, knownGaps: [...grouped.values()], ok: structureErrors.length === 0 && schemaErrors.length === 0 };
}

export function formatReport(report: PackageReport): string {
  const lines = [`${report.ok ? "✔" : "✖"} ${report.name}`];
  if (report.structureErrors.length) {
    lines.push(`  structure: ${report.structureErrors.length} problem(s)`);
    lines.push(...report.structureErrors.map((e) => `    ✖ ${e}`));
  } else lines.push("  structure: ok");
  if (report.schemaErrors.length) {
    lines.push(`  customizations.xml schema: ${report.schemaErrors.length} error(s) not explained by known schema gaps`);
    lines.push(...report.schemaErrors.map((e) => `    ✖ customizations.xml:${e.line ?? "?"}: ${e.message}${e.hidden ? " (found after removing known gaps)" : ""}`));
  } else lines.push("  customizations.xml schema: ok apart from known schema gaps");
  if (report.knownGaps.length) {
    lines.push("  known schema gaps (real Dataverse exports show them too; the 2018 schema predates them):");
    for (const { gap, count, firstLine } of report.knownGaps) {
      lines.push(`    · ${gap.id} ×${count} (first at line ${firstLine ?? "?"}): ${gap.explanation}; seen in ${gap.seenIn.join(", ")}`);
    }
  }
  return lines.join("\n");
}
