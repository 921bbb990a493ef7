/** The "Share with Microsoft / Sync now" command on the Opportunity form and its enable rule. */
import { isSharing } from "../crm/sharing";
import { recordId } from "../crm/formValues";
import { checkAndShow } from "../form/checks";
import { loadConfiguration } from "../form/configuration";
import { syncWithRelay } from "../form/relaySync";
import { t } from "../ui/i18n";
import { NotificationId, showFormNotification } from "../ui/notifications";

/** Enabled once the record exists and Sync with Partner Center = Yes. */
export function isShareEnabled(primaryControl: Xrm.FormContext): boolean {
  return recordId(primaryControl) !== "" && isSharing(primaryControl);
}

export async function shareWithMicrosoft(primaryControl: Xrm.FormContext): Promise<void> {
  const fc = primaryControl;
  if (!isShareEnabled(fc)) return;
  if (fc.data.entity.getIsDirty()) {
    // Saving runs the save gate and then the post-save sync: the same path as a manual save.
    await fc.data.save().then(
      () => undefined,
      () => undefined,
    );
    return;
  }
  const config = await loadConfiguration(fc);
  if (!config) return;
  const outcome = await checkAndShow(fc, config);
  if (outcome.kind === "invalid") {
    showFormNotification(fc, NotificationId.relay, "ERROR", t("invalid"));
    return;
  }
  await syncWithRelay(fc, config, "command");
}
