/**
 * Form and control notifications the scripts own. Each has a stable id so a newer message replaces
 * the older one, and rule notifications are tracked per form so a re-check clears exactly those.
 */

export const NotificationId = {
  config: "cosell.config",
  lastSyncError: "cosell.lastSyncError",
  relay: "cosell.relay",
  saveBlocked: "cosell.saveBlocked",
  checks: "cosell.checks",
  referralPending: "cosell.referralPending",
  lead: "cosell.lead",
} as const;

export type FormNotificationLevel = "ERROR" | "WARNING" | "INFO";

export function showFormNotification(fc: Xrm.FormContext, id: string, level: FormNotificationLevel, message: string): void {
  // Cleared first so the text is replaced even where a host keeps the first message for an id.
  fc.ui.clearFormNotification(id);
  fc.ui.setFormNotification(message, level, id);
}

export function clearFormNotification(fc: Xrm.FormContext, id: string): void {
  fc.ui.clearFormNotification(id);
}

export interface RuleProblem {
  /** Stable code of the rule. */
  code: string;
  /** Logical name of the column (or relationship) the problem is about. */
  field: string;
  text: string;
}

interface Shown {
  controls: { control: Xrm.Controls.StandardControl; id: string }[];
  formIds: string[];
}

const shown = new WeakMap<Xrm.FormContext, Shown>();
const watched = new WeakMap<Xrm.FormContext, Set<string>>();

export interface Recheck {
  handler: Xrm.Events.ContextSensitiveHandler;
  /** Columns whose OnChange already runs the check (registered by the solution's form XML). */
  registered: readonly string[];
}

/**
 * One notification per problem: on the column's controls when the column is on the form (an error
 * on a control can keep the platform from saving, so stale ones must go), else on the form. The re-check is hooked to the
 * OnChange of every other column that gets a notification, so fixing the column clears it.
 */
export function showProblems(fc: Xrm.FormContext, problems: RuleProblem[], recheck: Recheck): void {
  clearProblems(fc);
  const record: Shown = { controls: [], formIds: [] };
  for (const problem of problems) {
    const id = `cosell.rule.${problem.code}.${problem.field}`;
    const attribute = fc.getAttribute(problem.field);
    const controls = (attribute?.controls.get() ?? []) as Xrm.Controls.StandardControl[];
    if (controls.length === 0) {
      fc.ui.setFormNotification(problem.text, "ERROR", id);
      record.formIds.push(id);
      continue;
    }
    for (const control of controls) {
      control.addNotification({ messages: [problem.text], notificationLevel: "ERROR", uniqueId: id });
      record.controls.push({ control, id });
    }
    watch(fc, problem.field, recheck);
  }
  shown.set(fc, record);
}

export function clearProblems(fc: Xrm.FormContext): void {
  const record = shown.get(fc);
  if (!record) return;
  for (const { control, id } of record.controls) control.clearNotification(id);
  for (const id of record.formIds) fc.ui.clearFormNotification(id);
  shown.delete(fc);
}

function watch(fc: Xrm.FormContext, column: string, recheck: Recheck): void {
  let columns = watched.get(fc);
  if (!columns) watched.set(fc, (columns = new Set(recheck.registered)));
  if (columns.has(column)) return;
  columns.add(column);
  fc.getAttribute(column)?.addOnChange(recheck.handler);
}
