/**
 * Blocks a save that would share an invalid referral. Reading contacts and solutions is
 * asynchronous and a save can only be cancelled synchronously, so a sharing save is held back,
 * checked, and then saved again by the script, with the same save mode behaviour. A save with
 * Sync with Partner Center = No is never held back.
 */
import { checkAndShow } from "./checks";
import { isSharing } from "../crm/sharing";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, clearProblems, showFormNotification } from "../ui/notifications";
import { loadConfiguration } from "./configuration";

/** Save, Save & Close, Save & New, AutoSave: the saves that write what the seller edited. */
const GATED_SAVE_MODES = [1, 2, 59, 70];
const SAVE_AND_CLOSE = 2;
const SAVE_AND_NEW = 59;

const checking = new WeakSet<Xrm.FormContext>();
/** Form state the script checked and is saving now; that save passes the gate once. */
const approved = new WeakMap<Xrm.FormContext, string>();

export function gateSave(context: Xrm.Events.SaveEventContext): void {
  const fc = context.getFormContext();
  const args = context.getEventArgs();
  clearFormNotification(fc, NotificationId.saveBlocked);
  if (!isSharing(fc)) {
    clearProblems(fc);
    return;
  }
  const mode = args.getSaveMode();
  if (!GATED_SAVE_MODES.includes(mode)) return;
  if (approved.get(fc) === fingerprint(fc)) {
    approved.delete(fc);
    return;
  }
  args.preventDefault();
  if (checking.has(fc)) return;
  checking.add(fc);
  void checkThenSave(fc, mode).finally(() => checking.delete(fc));
}

async function checkThenSave(fc: Xrm.FormContext, mode: number): Promise<void> {
  const config = await loadConfiguration(fc);
  let checked: string;
  do {
    checked = fingerprint(fc);
    // Without configuration the rules cannot run; the relay checks before it sends anything.
    if (config && (await checkAndShow(fc, config)).kind === "invalid") {
      showFormNotification(fc, NotificationId.saveBlocked, "ERROR", t("saveBlocked"));
      return;
    }
    // The seller may have edited while the check read Dataverse: check what will be saved.
  } while (fingerprint(fc) !== checked);

  approved.set(fc, checked);
  try {
    await fc.data.save();
  } catch {
    // The platform already told the seller why the save failed (required column, server error).
    return;
  } finally {
    approved.delete(fc);
  }
  if (mode === SAVE_AND_CLOSE) fc.ui.close();
  else if (mode === SAVE_AND_NEW) await Xrm.Navigation.openForm({ entityName: fc.data.entity.getEntityName() });
}

/** The values about to be saved; a change after the check means the check no longer applies. */
function fingerprint(fc: Xrm.FormContext): string {
  return JSON.stringify(fc.getAttribute().map((a) => [a.getName(), a.getValue()]));
}
