/**
 * Lead main form, for leads that came from a Partner Center referral: `CoSell.LeadForm.*`.
 */
import { LeadColumns } from "@cosell/core";
import { applySectionLayout, sectionColumns } from "../form/coSellSection";
import { loadConfiguration } from "../form/configuration";
import { isReferralPending } from "../Ribbon/LeadReferral";
import { forEachControl } from "../crm/formValues";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, showFormNotification } from "../ui/notifications";

export { acceptReferral, declineReferral, isReferralPending } from "../Ribbon/LeadReferral";

const section = sectionColumns(LeadColumns);

const prepared = new WeakSet<Xrm.FormContext>();

export async function onLoad(context: Xrm.Events.EventContext): Promise<void> {
  const fc = context.getFormContext();
  if (!prepared.has(fc)) {
    prepared.add(fc);
    fc.data.addOnLoad(onDataLoad);
  }
  showReferralState(fc);
  // Only a lead that came from Partner Center needs the relay; others get no co-sell warnings.
  if (fc.getAttribute(LeadColumns.referralId)?.getValue()) await loadConfiguration(fc);
}

function onDataLoad(context: Xrm.Events.EventContext): void {
  showReferralState(context.getFormContext());
}

function showReferralState(fc: Xrm.FormContext): void {
  applySectionLayout(fc, section);
  const pending = isReferralPending(fc);
  // The reason is only asked for while the referral can still be declined.
  forEachControl(fc, LeadColumns.declineReason, (c) => c.setVisible(pending));
  if (pending) showFormNotification(fc, NotificationId.referralPending, "INFO", t("referralPending"));
  else clearFormNotification(fc, NotificationId.referralPending);
}
