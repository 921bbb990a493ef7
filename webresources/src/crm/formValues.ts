/**
 * Reading the form the way the Web API returns rows, so form state and saved rows can be merged
 * and handed to the co-sell rules in one shape (plain values keyed by logical name).
 */
import type { ColumnValue } from "@cosell/core";
import { bareGuid } from "./ids";

/** A lookup column's Web API name: `parentaccountid` → `_parentaccountid_value`. */
export const lookupValueName = (column: string): string => `_${column}_value`;

/** The column's value on the form, or undefined when the column is not on the form. */
export function formValue(fc: Xrm.FormContext, column: string): ColumnValue {
  const attribute = fc.getAttribute(column);
  if (!attribute) return undefined;
  const value: unknown = attribute.getValue();
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return dateOnly(value);
  if (Array.isArray(value)) return value.length > 0 ? bareGuid(String((value[0] as Xrm.LookupValue).id)) : null;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return null;
}

/** The first record a lookup on the form points at, if the lookup is on the form and set. */
export function formLookup(fc: Xrm.FormContext, column: string): Xrm.LookupValue | null | undefined {
  const attribute = fc.getAttribute<Xrm.Attributes.LookupAttribute>(column);
  if (!attribute) return undefined;
  return attribute.getValue()?.[0] ?? null;
}

/** `YYYY-MM-DD` in the user's time zone: what a date-only column such as `estimatedclosedate` holds. */
function dateOnly(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** The record's id without braces, or "" while the record is not saved yet. */
export function recordId(fc: Xrm.FormContext): string {
  return bareGuid(fc.data.entity.getId() ?? "");
}

/** Sets a column's controls (body, header, business process flow) read-only or visible. */
export function forEachControl(fc: Xrm.FormContext, column: string, apply: (control: Xrm.Controls.StandardControl) => void): void {
  const attribute = fc.getAttribute(column);
  attribute?.controls.forEach((control) => apply(control as Xrm.Controls.StandardControl));
}
