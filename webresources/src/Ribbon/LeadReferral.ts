/**
 * "Accept referral" and "Decline referral" on the Lead form. The relay records the decision in
 * Partner Center and does the CRM side (accept: qualify into an opportunity; decline: disqualify).
 *
 * The decline reason is a column on the Lead (`cosell_declinereason`) rather than a prompt: the
 * Power Apps checker rejects `window.prompt`-style dialogs, the platform's confirm dialog has no
 * text box, and a column works on every client, is keyboard and screen-reader friendly, and keeps
 * the reason on the record.
 */
import { LeadColumns, LeadState, LeadTable, OpportunityTable, parseReferralState } from "@cosell/core";
import { forEachControl, recordId } from "../crm/formValues";
import { loadConfiguration } from "../form/configuration";
import { describeFailure, libraryUnavailable, type RelayFailure } from "../form/relayFailure";
import { loadCoSellLibrary } from "../library/load";
import type { RelayClient, RelayResult } from "../relay/relayClient";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, showFormNotification } from "../ui/notifications";

/** Form type 4: the record is inactive (qualified or disqualified). */
const FORM_TYPE_DISABLED = 4;

/** An open lead whose referral is still New (Pending or Received) in Partner Center. */
export function isReferralPending(primaryControl: Xrm.FormContext): boolean {
  const fc = primaryControl;
  const referralId: unknown = fc.getAttribute(LeadColumns.referralId)?.getValue();
  if (typeof referralId !== "string" || referralId === "" || recordId(fc) === "") return false;
  const state = fc.getAttribute(LeadTable.stateCode);
  const open = state ? state.getValue() === LeadState.Open : fc.ui.getFormType() !== FORM_TYPE_DISABLED;
  const status = parseReferralState(fc.getAttribute(LeadColumns.referralStatus)?.getValue() as string | null);
  // A lead exists for a referral that was not accepted; with no status text yet it still awaits an answer.
  return open && (status === undefined || status.status === "New");
}

export async function acceptReferral(primaryControl: Xrm.FormContext): Promise<void> {
  const fc = primaryControl;
  if (!isReferralPending(fc)) return;
  const confirmed = await Xrm.Navigation.openConfirmDialog({ title: t("acceptTitle"), text: t("acceptText") });
  if (!confirmed.confirmed || !(await saveIfDirty(fc))) return;
  const result = await withProgress(t("accepting"), fc, (relay) => relay.acceptLead(recordId(fc)));
  if (result === undefined) return;
  if (result.kind === "ok") {
    showFormNotification(fc, NotificationId.lead, "INFO", t("accepted"));
    await Xrm.Navigation.openForm({ entityName: OpportunityTable.logicalName, entityId: result.body.opportunityId });
    return;
  }
  await showOutcome(fc, result);
}

export async function declineReferral(primaryControl: Xrm.FormContext): Promise<void> {
  const fc = primaryControl;
  if (!isReferralPending(fc)) return;
  const reasonColumn = fc.getAttribute<Xrm.Attributes.StringAttribute>(LeadColumns.declineReason);
  if (!reasonColumn) {
    await Xrm.Navigation.openAlertDialog({ text: t("declineReasonNotOnForm", { column: LeadColumns.declineReason }) });
    return;
  }
  const reason = (reasonColumn.getValue() ?? "").trim();
  if (reason === "") {
    forEachControl(fc, LeadColumns.declineReason, (c) => {
      c.setVisible(true);
      c.setNotification(t("declineReasonRequired"), NotificationId.lead);
    });
    reasonColumn.controls.get(0)?.setFocus();
    if (!watchedReasons.has(reasonColumn)) {
      watchedReasons.add(reasonColumn);
      // Typing a reason clears the notification; it would otherwise block saving the lead.
      reasonColumn.addOnChange(() => forEachControl(fc, LeadColumns.declineReason, (c) => c.clearNotification(NotificationId.lead)));
    }
    return;
  }
  const confirmed = await Xrm.Navigation.openConfirmDialog({ title: t("declineTitle"), text: t("declineText", { reason }) });
  if (!confirmed.confirmed || !(await saveIfDirty(fc))) return;
  const result = await withProgress(t("declining"), fc, (relay) => relay.declineLead(recordId(fc), reason));
  if (result === undefined) return;
  if (result.kind === "ok") {
    showFormNotification(fc, NotificationId.lead, "INFO", t("declined"));
    await fc.data.refresh(false);
    return;
  }
  await showOutcome(fc, result);
}

const watchedReasons = new WeakSet<Xrm.Attributes.Attribute>();

async function saveIfDirty(fc: Xrm.FormContext): Promise<boolean> {
  if (!fc.data.entity.getIsDirty()) return true;
  try {
    await fc.data.save();
    return true;
  } catch {
    // The platform shows why the save failed; nothing is sent to Partner Center.
    return false;
  }
}

/** Calls the relay behind a progress indicator; undefined when no relay is configured (the form says so). */
async function withProgress<T>(
  message: string,
  fc: Xrm.FormContext,
  call: (relay: RelayClient) => Promise<RelayResult<T>>,
): Promise<RelayResult<T> | RelayFailure | undefined> {
  const config = await loadConfiguration(fc);
  if (!config || config.relayUrl === "") return undefined;
  Xrm.Utility.showProgressIndicator(message);
  try {
    const library = await loadCoSellLibrary();
    return await call(library.relayClientFor(config.relayUrl));
  } catch (e) {
    return libraryUnavailable(e);
  } finally {
    Xrm.Utility.closeProgressIndicator();
  }
}

async function showOutcome(fc: Xrm.FormContext, result: Exclude<RelayResult<unknown>, { kind: "ok" }> | RelayFailure): Promise<void> {
  clearFormNotification(fc, NotificationId.lead);
  if (result.kind === "queued") {
    showFormNotification(fc, NotificationId.lead, "INFO", t("queued"));
    await fc.data.refresh(false);
    return;
  }
  showFormNotification(fc, NotificationId.lead, "ERROR", describeFailure(result, false));
}
