/**
 * The ✔ / ✖ the connector appends to an opportunity's name after a sync
 * (cosell-connectors.md §1.2, switch: cosell_DisplayCheckMark).
 */

export const SUCCESS_MARK = "✔";
export const FAILURE_MARK = "✖";

// Marks written by this connector, plus look-alikes other tools append, so re-marking never stacks.
const TRAILING_MARKS = /(?:\s*[✔✓☑✅✖✗✘❌❎✕])+\s*$/u;

/** The name without trailing sync marks. */
export function stripNameMark(name: string): string {
  return name.replace(TRAILING_MARKS, "").trimEnd();
}

/**
 * The name carrying exactly one mark for the outcome (or none when the check mark is switched off
 * or there is no outcome). Idempotent: applying it to its own result changes nothing.
 */
export function applyNameMark(name: string, outcome: "success" | "error" | undefined, displayCheckMark: boolean): string {
  const bare = stripNameMark(name);
  if (!displayCheckMark || outcome === undefined || bare === "") return bare;
  return `${bare} ${outcome === "success" ? SUCCESS_MARK : FAILURE_MARK}`;
}
