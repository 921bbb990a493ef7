/**
 * Opportunity main form: `CoSell.OpportunityForm.*` (handlers registered with "pass execution
 * context"; the command and enable rule get the PrimaryControl). PRODUCT.md §3.
 */
import { OpportunityColumns } from "@cosell/core";
import { isSharing } from "../crm/sharing";
import { applySectionLayout, sectionColumns } from "../form/coSellSection";
import { checkAndShow } from "../form/checks";
import { loadConfiguration } from "../form/configuration";
import { syncWithRelay } from "../form/relaySync";
import { gateSave } from "../form/saveGate";

export { isShareEnabled, shareWithMicrosoft } from "../Ribbon/ShareWithMicrosoft";

const section = sectionColumns(OpportunityColumns);

const prepared = new WeakSet<Xrm.FormContext>();

export async function onLoad(context: Xrm.Events.EventContext): Promise<void> {
  const fc = context.getFormContext();
  if (!prepared.has(fc)) {
    prepared.add(fc);
    // PostSave and data OnLoad can only be registered from script.
    fc.data.entity.addOnPostSave(onPostSave);
    fc.data.addOnLoad(onDataLoad);
  }
  applySectionLayout(fc, section);
  const config = await loadConfiguration(fc);
  if (config && isSharing(fc)) await checkAndShow(fc, config);
}

/** OnChange of Sync with Partner Center, How can Microsoft help? and Visibility. */
export async function onCoSellFieldChange(context: Xrm.Events.EventContext): Promise<void> {
  const fc = context.getFormContext();
  // The command's enable rule reads Sync with Partner Center.
  fc.ui.refreshRibbon();
  const config = await loadConfiguration(fc);
  if (config) await checkAndShow(fc, config);
}

export function onSave(context: Xrm.Events.SaveEventContext): void {
  gateSave(context);
}

async function onPostSave(context: Xrm.Events.PostSaveEventContext): Promise<void> {
  const fc = context.getFormContext();
  if (!context.getEventArgs().getIsSaveSuccess() || !isSharing(fc)) return;
  const config = await loadConfiguration(fc);
  if (config) await syncWithRelay(fc, config, "save");
}

/** After `data.refresh` the relay's columns have new values: the section follows them. */
function onDataLoad(context: Xrm.Events.EventContext): void {
  applySectionLayout(context.getFormContext(), section);
}
