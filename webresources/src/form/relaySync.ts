/**
 * Asks the relay to sync the opportunity now (after a save with Sync = Yes, or from the command)
 * and shows what happened; then reloads the form so the referral id, link, status and Audit the
 * relay wrote are visible.
 */
import type { SyncConfig } from "@cosell/core";
import { recordId } from "../crm/formValues";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, showFormNotification, showProblems } from "../ui/notifications";
import { CHECKED_COLUMNS, recheck } from "./checks";
import { loadCoSellLibrary, type CoSellLibrary } from "../library/load";
import type { SyncResponse } from "../relay/contract";
import type { RelayResult } from "../relay/relayClient";
import { describeFailure, libraryUnavailable, type RelayFailure } from "./relayFailure";

export type SyncTrigger = "save" | "command";

export async function syncWithRelay(fc: Xrm.FormContext, config: SyncConfig, trigger: SyncTrigger): Promise<void> {
  const id = recordId(fc);
  if (id === "" || config.relayUrl === "") return;
  clearFormNotification(fc, NotificationId.relay);
  // The command waits for the answer, so it blocks the form; after a save the seller keeps working.
  if (trigger === "command") Xrm.Utility.showProgressIndicator(t("syncing"));
  else showFormNotification(fc, NotificationId.relay, "INFO", t("syncing"));
  let library: CoSellLibrary | undefined;
  let result: RelayResult<SyncResponse> | RelayFailure;
  try {
    library = await loadCoSellLibrary();
    result = await library.relayClientFor(config.relayUrl).syncOpportunity(id);
  } catch (e) {
    result = libraryUnavailable(e);
  } finally {
    if (trigger === "command") Xrm.Utility.closeProgressIndicator();
  }

  switch (result.kind) {
    case "ok": {
      const body = result.body;
      if (body.outcome === "synced") {
        showFormNotification(fc, NotificationId.relay, "INFO", t("synced", { referralId: body.referralId ?? "" }));
      } else if (body.outcome === "noop") {
        showFormNotification(fc, NotificationId.relay, "INFO", t("noop"));
      } else if (body.outcome === "invalid") {
        showFormNotification(fc, NotificationId.relay, "ERROR", t("invalid"));
        const problems = library?.relayProblems(body.violations ?? [], body.message) ?? [];
        showProblems(fc, problems, { handler: recheck, registered: CHECKED_COLUMNS });
      } else {
        clearFormNotification(fc, NotificationId.relay);
        // Same id as the section's "last sync error", so the reload below replaces it, not repeats it.
        showFormNotification(fc, NotificationId.lastSyncError, "ERROR", t("syncFailed", { message: body.message }));
      }
      break;
    }
    case "queued":
      showFormNotification(fc, NotificationId.relay, "INFO", t("queued"));
      break;
    default:
      showFormNotification(fc, NotificationId.relay, failureLevel(result.kind), describeFailure(result, true));
      return;
  }
  await fc.data.refresh(false);
}

/** Unreachable is a warning (the background sync still delivers); a refused call is an error. */
function failureLevel(kind: string): "WARNING" | "ERROR" {
  return kind === "unreachable" ? "WARNING" : "ERROR";
}
