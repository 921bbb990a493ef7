/**
 * Reads a co-sell solution catalog from an Excel workbook (.xlsx) or a CSV file, the way admins keep
 * it: one header row, one solution per row. Every row is checked before anything is written, and
 * every problem names the row number the person sees in Excel.
 */
import { SolutionKindOptions, type SolutionKind } from "@cosell/core";
import ExcelJS from "exceljs";
import path from "node:path";

export interface CatalogEntry {
  /** Row number in the sheet (1 = first row). */
  row: number;
  /** Partner Center solution id, upper case, e.g. SOL-15974-MQF. */
  identifier: string;
  name: string;
  kind: number;
  publisher?: string;
}

export interface CatalogRowError {
  row: number;
  message: string;
}

export interface CatalogFile {
  entries: CatalogEntry[];
  errors: CatalogRowError[];
}

export class CatalogFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogFileError";
  }
}

/** Co-sell solution ids as Partner Center shows them (partner-center-api.md §2.5). */
const SOLUTION_ID = /^SOL-\d+-[A-Z0-9]+$/;

/** Column lengths of the cosell_solution table (solution/Entities/cosell_solution). */
const MAX_LENGTH = { identifier: 100, name: 200, publisher: 200 } as const;

type Column = "identifier" | "name" | "kind" | "publisher";

const HEADERS: Record<Column, string[]> = {
  identifier: ["solutionid", "solutionidentifier", "id", "cosellsolutionidentifier", "cosell_solutionidentifier"],
  name: ["name", "solutionname", "cosell_name"],
  kind: ["kind", "type", "solutiontype", "solutionkind", "cosell_kind"],
  publisher: ["publisher", "publishername", "cosell_publisher"],
};

const KINDS: Record<string, SolutionKind> = {
  cosellreadypartnersolution: "CoSellReadyPartnerSolution",
  cosellready: "CoSellReadyPartnerSolution",
  partnersolution: "CoSellReadyPartnerSolution",
  partner: "CoSellReadyPartnerSolution",
  "3p": "CoSellReadyPartnerSolution",
  microsoftsolution: "MicrosoftSolution",
  microsoft: "MicrosoftSolution",
  "1p": "MicrosoftSolution",
};
const KIND_NAMES = '"Co-sell ready partner solution" (or "3P") and "Microsoft solution" (or "1P")';

export async function readCatalogFile(file: string): Promise<CatalogFile> {
  const worksheet = await openSheet(file);
  const { headerRow, columns } = findHeader(worksheet, file);
  const entries: CatalogEntry[] = [];
  const errors: CatalogRowError[] = [];
  const seen = new Map<string, number>();

  for (let number = headerRow + 1; number <= worksheet.rowCount; number++) {
    const row = worksheet.getRow(number);
    const cell = (column: Column) => (columns[column] === undefined ? "" : row.getCell(columns[column]!).text.trim());
    const values = { identifier: cell("identifier").toUpperCase(), name: cell("name"), kind: cell("kind"), publisher: cell("publisher") };
    if (!values.identifier && !values.name && !values.kind && !values.publisher) continue;

    const problems: string[] = [];
    if (!values.identifier) problems.push("the solution id is empty");
    else if (!SOLUTION_ID.test(values.identifier)) problems.push(`"${values.identifier}" is not a co-sell solution id (they look like SOL-15974-MQF)`);
    else if (seen.has(values.identifier)) problems.push(`${values.identifier} is already on row ${seen.get(values.identifier)}`);
    if (!values.name) problems.push("the name is empty");
    for (const field of ["identifier", "name", "publisher"] as const) {
      if (values[field].length > MAX_LENGTH[field]) problems.push(`the ${field === "identifier" ? "solution id" : field} is longer than ${MAX_LENGTH[field]} characters`);
    }
    const kind = kindOf(values.kind);
    if (!values.kind) problems.push(`the kind is empty; use ${KIND_NAMES}`);
    else if (kind === undefined) problems.push(`the kind "${values.kind}" is not known; use ${KIND_NAMES}`);

    if (problems.length) {
      errors.push({ row: number, message: problems.join("; ") });
      continue;
    }
    seen.set(values.identifier, number);
    entries.push({ row: number, identifier: values.identifier, name: values.name, kind: kind!, ...(values.publisher ? { publisher: values.publisher } : {}) });
  }
  return { entries, errors };
}

async function openSheet(file: string): Promise<ExcelJS.Worksheet> {
  const workbook = new ExcelJS.Workbook();
  const extension = path.extname(file).toLowerCase();
  try {
    if (extension === ".xlsx") {
      await workbook.xlsx.readFile(file);
      const sheet = workbook.worksheets.find((w) => w.actualRowCount > 0);
      if (!sheet) throw new CatalogFileError(`${file} has no rows.`);
      return sheet;
    }
    if (extension === ".csv") {
      // Keep every value as the text in the file: no number or date guessing.
      return await workbook.csv.readFile(file, { map: (value: unknown) => value } as never);
    }
  } catch (error) {
    if (error instanceof CatalogFileError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CatalogFileError(code === "ENOENT" ? `${file} does not exist.` : `${file} cannot be read as ${extension === ".csv" ? "CSV" : "an Excel workbook"}: ${(error as Error).message}`);
  }
  throw new CatalogFileError(`${file} is neither .xlsx nor .csv; save the catalog as an Excel workbook or as CSV.`);
}

function findHeader(sheet: ExcelJS.Worksheet, file: string): { headerRow: number; columns: Partial<Record<Column, number>> } {
  for (let number = 1; number <= Math.min(sheet.rowCount, 10); number++) {
    const columns: Partial<Record<Column, number>> = {};
    sheet.getRow(number).eachCell((cell, column) => {
      const header = normalize(cell.text);
      for (const [name, aliases] of Object.entries(HEADERS) as [Column, string[]][]) {
        if (aliases.includes(header) && columns[name] === undefined) columns[name] = column;
      }
    });
    if (columns.identifier !== undefined || columns.name !== undefined) {
      const missing = (["identifier", "name", "kind"] as const).filter((c) => columns[c] === undefined);
      if (missing.length) {
        throw new CatalogFileError(`${file}: the header row (row ${number}) has no ${missing.map(label).join(", ")} column. Expected columns: Solution ID, Name, Kind, Publisher.`);
      }
      return { headerRow: number, columns };
    }
  }
  throw new CatalogFileError(`${file} has no header row with Solution ID, Name, Kind (and optionally Publisher) columns in its first 10 rows.`);
}

function kindOf(text: string): number | undefined {
  const key = normalize(text);
  if (/^\d+$/.test(key)) return Object.values(SolutionKindOptions).find((value) => value === Number(key));
  const kind = KINDS[key];
  return kind ? SolutionKindOptions[kind] : undefined;
}

function normalize(text: string): string {
  return text.replace(/^\uFEFF/, "").toLowerCase().replace(/[\s\-.]+/g, "");
}

function label(column: Column): string {
  return { identifier: "Solution ID", name: "Name", kind: "Kind", publisher: "Publisher" }[column];
}
