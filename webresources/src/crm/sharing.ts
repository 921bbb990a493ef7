import { OpportunityColumns } from "@cosell/core";

/** Sync with Partner Center = Yes on the form: the seller wants this opportunity in Partner Center. */
export function isSharing(fc: Xrm.FormContext): boolean {
  return fc.getAttribute(OpportunityColumns.syncWithPartnerCenter)?.getValue() === true;
}
