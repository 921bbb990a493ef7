/**
 * The Microsoft Partner Center section as the seller should see it: the columns the relay owns are
 * read-only, columns that only mean something once a referral exists stay hidden until then, and
 * the last failed sync is on top of the form with its fix.
 */
import { SyncStatusOptions, parseAuditLog, type AuditLogItem } from "@cosell/core";
import { forEachControl } from "../crm/formValues";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, showFormNotification } from "../ui/notifications";

const SECTION_KEYS = ["referralId", "referralLink", "microsoftCrmId", "audit", "syncStatus", "referralStatus", "lastSyncedOn"] as const;

export type SectionColumns = Record<(typeof SECTION_KEYS)[number], string>;

/** The section's columns out of a table's co-sell columns (Opportunity and Lead name them alike). */
export function sectionColumns(columns: SectionColumns): SectionColumns {
  return Object.fromEntries(SECTION_KEYS.map((key) => [key, columns[key]])) as SectionColumns;
}

export function applySectionLayout(fc: Xrm.FormContext, columns: SectionColumns): void {
  for (const column of Object.values(columns)) forEachControl(fc, column, (c) => c.setDisabled(true));

  const hasValue = (column: string) => {
    const value: unknown = fc.getAttribute(column)?.getValue();
    return value !== null && value !== undefined && value !== "";
  };
  const referralExists = hasValue(columns.referralId);
  for (const column of [columns.referralLink, columns.referralStatus, columns.lastSyncedOn]) {
    forEachControl(fc, column, (c) => c.setVisible(referralExists));
  }
  forEachControl(fc, columns.microsoftCrmId, (c) => c.setVisible(hasValue(columns.microsoftCrmId)));

  showLastSyncError(fc, columns);
}

function showLastSyncError(fc: Xrm.FormContext, columns: SectionColumns): void {
  const status: unknown = fc.getAttribute(columns.syncStatus)?.getValue();
  if (status !== SyncStatusOptions.Error) {
    clearFormNotification(fc, NotificationId.lastSyncError);
    return;
  }
  const audit = fc.getAttribute(columns.audit)?.getValue() as string | null | undefined;
  const items = parseAuditLog(audit);
  // Newest first: the first error is the one that set the status.
  const error = items.find((i): i is Extract<AuditLogItem, { kind: "entry" }> => i.kind === "entry" && i.outcome === "error");
  const foreign = items.find((i): i is Extract<AuditLogItem, { kind: "text" }> => i.kind === "text");
  const message = error?.message ?? foreign?.text.split("\n")[0] ?? "";
  let text = t("lastSyncError", { message });
  if (error?.fix) text += ` ${t("fixHint", { fix: error.fix })}`;
  showFormNotification(fc, NotificationId.lastSyncError, "ERROR", text);
}
