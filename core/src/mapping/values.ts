/** Conversions between Dataverse column values and referral values, shared by both mapping directions. */
import type { ColumnValue } from "../crm/model";
import { HelpNeededOptions, type AssistanceRequestCode } from "../crm/schema";
import type { ColumnList } from "../config/field-mapping";

/** First column of the list holding a non-empty value. */
export function readColumn(record: Readonly<Record<string, ColumnValue>> | null | undefined, columns: ColumnList | undefined): ColumnValue {
  if (!record || !columns) return undefined;
  for (const column of columns) {
    const value = record[column];
    if (value !== null && value !== undefined && value !== "") return value;
  }
  return undefined;
}

export function readText(record: Readonly<Record<string, ColumnValue>> | null | undefined, columns: ColumnList | undefined): string | undefined {
  const value = readColumn(record, columns);
  if (value === undefined || value === null) return undefined;
  const text = String(value).trim();
  return text === "" ? undefined : text;
}

/** Writes to the first column of the list; an unmapped field (empty list) is skipped. */
export function writeColumn(target: Record<string, ColumnValue>, columns: ColumnList | undefined, value: ColumnValue): void {
  if (columns && columns.length > 0 && value !== undefined) target[columns[0]] = value;
}

/**
 * The calendar date of a Dataverse date (date-only `YYYY-MM-DD` or an ISO date-time, read in UTC).
 * Undefined when absent or unreadable.
 */
export function toDateOnly(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  const calendar = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(text);
  if (!calendar || !isCalendarDate(Number(calendar[1]), Number(calendar[2]), Number(calendar[3]))) return undefined;
  if (text.length === 10) return text;
  const time = Date.parse(text);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString().slice(0, 10);
}

/** Date.parse rolls 2026-02-30 over to March 2; a real calendar date keeps its parts. */
function isCalendarDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Partner Center's `closingDateTime` for a calendar date: UTC midnight. */
export const toClosingDateTime = (date: string): string => `${date}T00:00:00Z`;

const helpNeededByOption = new Map<number, AssistanceRequestCode>(
  (Object.entries(HelpNeededOptions) as [AssistanceRequestCode, number][]).map(([code, option]) => [option, code]),
);

/** `cosell_helpneeded` option value → assistance request code (undefined = no help asked). */
export function helpNeededCode(option: ColumnValue): AssistanceRequestCode | undefined {
  return typeof option === "number" ? helpNeededByOption.get(option) : undefined;
}

/** Assistance request code → `cosell_helpneeded` option value; `Unknown`/absent → null. */
export function helpNeededOption(code: string | undefined): number | null {
  return code !== undefined && code in HelpNeededOptions ? HelpNeededOptions[code as AssistanceRequestCode] : null;
}

export function toNumber(value: ColumnValue): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value))) return Number(value);
  return undefined;
}
