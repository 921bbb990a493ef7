import { OpportunityColumns, type SyncConfig } from "@cosell/core";
import type { CheckOutcome } from "../crm/coSellChecks";
import { errorText } from "../errorText";
import { loadCoSellLibrary } from "../library/load";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, clearProblems, showFormNotification, showProblems } from "../ui/notifications";
import { loadConfiguration } from "./configuration";

/** Columns whose OnChange the solution registers to run the check (PRODUCT.md §3). */
export const CHECKED_COLUMNS = [
  OpportunityColumns.syncWithPartnerCenter,
  OpportunityColumns.helpNeeded,
  OpportunityColumns.visibility,
] as const;

const latest = new WeakMap<Xrm.FormContext, number>();

/**
 * Runs the co-sell rules and shows the result; when checks overlap (quick edits), only the newest
 * one may change the notifications.
 */
export async function checkAndShow(fc: Xrm.FormContext, config: SyncConfig): Promise<CheckOutcome> {
  const run = (latest.get(fc) ?? 0) + 1;
  latest.set(fc, run);
  const outcome = await runCheck(fc, config);
  if (latest.get(fc) !== run) return outcome;
  if (outcome.kind === "invalid") {
    showProblems(fc, outcome.problems, { handler: recheck, registered: CHECKED_COLUMNS });
  } else {
    clearProblems(fc);
  }
  if (outcome.kind === "unavailable") {
    showFormNotification(fc, NotificationId.checks, "WARNING", t("checksUnavailable", { detail: outcome.detail }));
  } else {
    clearFormNotification(fc, NotificationId.checks);
  }
  if (outcome.kind !== "invalid") clearFormNotification(fc, NotificationId.saveBlocked);
  return outcome;
}

async function runCheck(fc: Xrm.FormContext, config: SyncConfig): Promise<CheckOutcome> {
  let library;
  try {
    library = await loadCoSellLibrary();
  } catch (e) {
    return { kind: "unavailable", detail: errorText(e) };
  }
  return library.checkOpportunity(fc, config);
}

/** OnChange of a column that carries a rule notification: check again, so a fix clears it. */
export async function recheck(context: Xrm.Events.EventContext): Promise<void> {
  const fc = context.getFormContext();
  const config = await loadConfiguration(fc);
  if (config) await checkAndShow(fc, config);
}
