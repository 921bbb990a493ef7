/**
 * Generates the relay's early-bound Dataverse types (`relay/src/dataverse/entities/`) from the
 * solution source plus the standard tables and messages the relay uses, in dataverse-gen's layout.
 *
 *   npm run generate:entities            write the files
 *   npm run generate:entities -- --check exit 1 if the checked-in files are out of date
 */
import fs from "node:fs";
import path from "node:path";
import { LeadColumns, OpportunityColumns, SolutionTable } from "@cosell/core";
import type { ColumnSpec, TableSpec } from "./entities/model";
import { enumName, renderComplexType, renderEntity, renderEnum, renderIndex, renderMetadata, renderOperation } from "./entities/render";
import { readSolutionTables, type SolutionTable as SourceTable } from "./entities/solution-source";
import { customTableSystemColumns, standardOperations, standardTables } from "./entities/standard-tables";

export const ENTITIES_DIR = path.join("relay", "src", "dataverse", "entities");
const GENERATED_FOLDERS = ["entities", "enums", "actions", "functions", "complextypes"];

/** Every generated file, keyed by its path under the entities folder (forward slashes). */
export function generateEntities(repoRoot: string): Map<string, string> {
  const tables = mergeTables(readSolutionTables(path.join(repoRoot, "solution")));
  const files = new Map<string, string>();
  const byName = new Map(tables.map((t) => [t.logicalName, t]));
  for (const table of tables) {
    files.set(`entities/${table.schemaName}.ts`, renderEntity(table));
    for (const column of table.columns) {
      if (!column.optionSet || column.kind === "boolean") continue;
      const name = enumName(table, column.optionSet);
      files.set(`enums/${name}.ts`, renderEnum(name, column.optionSet));
    }
  }
  for (const operation of standardOperations) {
    files.set(`${operation.kind === "action" ? "actions" : "functions"}/${operation.name}.ts`, renderOperation(operation, byName));
    if (operation.response) files.set(`complextypes/${operation.response.name}.ts`, renderComplexType(operation.response, byName));
  }
  files.set("metadata.ts", renderMetadata(tables, standardOperations));
  files.set("index.ts", renderIndex([...files.keys()]));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Standard tables with the solution's columns added, then the tables the solution creates. */
function mergeTables(solution: SourceTable[]): TableSpec[] {
  const standard = new Map(standardTables.map((t) => [t.logicalName, { ...t, columns: [...t.columns] }]));
  const created: TableSpec[] = [];
  for (const table of solution) {
    const existing = standard.get(table.logicalName);
    if (existing) {
      existing.columns = mergeColumns(existing.columns, table.columns);
      continue;
    }
    if (!table.entitySetName || !table.primaryIdAttribute) {
      throw new Error(
        `${table.source}: ${table.schemaName} is neither a table the relay knows (scripts/entities/standard-tables.ts) nor a complete new table (it lacks <EntitySetName> or a primarykey column).`,
      );
    }
    created.push({
      logicalName: table.logicalName,
      schemaName: table.schemaName,
      entitySetName: table.entitySetName,
      primaryIdAttribute: table.primaryIdAttribute,
      displayName: table.displayName,
      columns: mergeColumns(customTableSystemColumns(table.logicalName, table.userOwned), table.columns),
    });
  }
  return [...standard.values(), ...created.sort((a, b) => (a.logicalName < b.logicalName ? -1 : 1))];
}

/** Later columns replace earlier ones of the same logical name. */
function mergeColumns(base: ColumnSpec[], added: ColumnSpec[]): ColumnSpec[] {
  const columns = new Map(base.map((c) => [c.logicalName, c]));
  for (const column of added) columns.set(column.logicalName, column);
  return [...columns.values()];
}

/**
 * Names `@cosell/core` promises that the solution source does not define: the generated types
 * would then offer columns Dataverse rejects.
 */
export function mismatchesWithCore(repoRoot: string): string[] {
  const tables = mergeTables(readSolutionTables(path.join(repoRoot, "solution")));
  const problems: string[] = [];
  const expect = (logicalName: string, columns: string[]) => {
    const table = tables.find((t) => t.logicalName === logicalName);
    if (!table) {
      problems.push(`table ${logicalName}, which is missing`);
      return;
    }
    const have = new Set(table.columns.map((c) => c.logicalName));
    for (const column of columns) if (!have.has(column)) problems.push(`${logicalName}.${column}, which is missing`);
  };
  expect("opportunity", Object.values(OpportunityColumns));
  expect("lead", Object.values(LeadColumns));
  expect(SolutionTable.logicalName, [SolutionTable.primaryId, SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind, SolutionTable.publisher]);
  const catalog = tables.find((t) => t.logicalName === SolutionTable.logicalName);
  if (catalog && catalog.entitySetName !== SolutionTable.entitySetName) {
    problems.push(`entity set ${SolutionTable.entitySetName} for ${SolutionTable.logicalName}, which is ${catalog.entitySetName} there`);
  }
  return problems;
}

/** Files under the entities folder that differ from a fresh generation (added, changed or stale). */
export function outdatedFiles(repoRoot: string, generated: Map<string, string>): string[] {
  const dir = path.join(repoRoot, ENTITIES_DIR);
  const existing = listGenerated(dir);
  const outdated = new Set<string>();
  for (const [file, content] of generated) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== content) outdated.add(file);
  }
  for (const file of existing) if (!generated.has(file)) outdated.add(file);
  return [...outdated].sort();
}

function listGenerated(dir: string): string[] {
  const files: string[] = [];
  if (fs.existsSync(path.join(dir, "metadata.ts"))) files.push("metadata.ts");
  if (fs.existsSync(path.join(dir, "index.ts"))) files.push("index.ts");
  for (const folder of GENERATED_FOLDERS) {
    const sub = path.join(dir, folder);
    if (!fs.existsSync(sub)) continue;
    for (const file of fs.readdirSync(sub)) if (file.endsWith(".ts")) files.push(`${folder}/${file}`);
  }
  return files;
}

function write(repoRoot: string, generated: Map<string, string>): void {
  const dir = path.join(repoRoot, ENTITIES_DIR);
  for (const file of listGenerated(dir)) if (!generated.has(file)) fs.rmSync(path.join(dir, file));
  for (const [file, content] of generated) {
    const target = path.join(dir, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== content) fs.writeFileSync(target, content);
  }
}

function main(): void {
  const repoRoot = path.resolve(__dirname, "..");
  const generated = generateEntities(repoRoot);
  for (const problem of mismatchesWithCore(repoRoot)) console.warn(`warning: core/src/crm/schema.ts names ${problem} in the solution source`);
  if (process.argv.includes("--check")) {
    const outdated = outdatedFiles(repoRoot, generated);
    if (outdated.length > 0) {
      console.error(`Generated Dataverse types are out of date (${outdated.join(", ")}). Run: npm run generate:entities`);
      process.exitCode = 1;
    }
    return;
  }
  write(repoRoot, generated);
  console.log(`Wrote ${generated.size} files to ${ENTITIES_DIR}.`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    console.error((error as Error).message);
    process.exitCode = 1;
  }
}
