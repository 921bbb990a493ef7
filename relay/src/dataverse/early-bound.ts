/**
 * Web API rows to dataverse-ify's early-bound objects. dataverse-ify 2.0.7 turns a null date column
 * into `Invalid Date` (`new Date(Date.parse(null))`); a missing date must stay null, so the sync
 * engine can tell "no close date" from a date.
 */
import { sdkify, type IEntity } from "dataverse-ify";

export function withoutInvalidDates<T extends IEntity>(row: T): T {
  for (const [key, value] of Object.entries(row)) {
    if (value instanceof Date && Number.isNaN(value.getTime())) (row as Record<string, unknown>)[key] = null;
  }
  return row;
}

/** One Web API row (with annotations) as an early-bound object of the given table. */
export async function earlyBound<T extends IEntity>(row: Record<string, unknown>, logicalName: string): Promise<T> {
  return withoutInvalidDates((await sdkify(row, logicalName)) as T);
}
