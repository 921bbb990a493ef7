/**
 * The sync engine (ARCHITECTURE.md "Sync rules"). The composition root builds it once per Dataverse
 * environment:
 *
 *   const engine = createSyncEngine({
 *     partnerCenter: partnerCenterPort(partnerCenterClient.referrals),
 *     dataverse: dataversePort(new DataverseRepository(connection)),
 *     state: await openStateStore(db),
 *     queue,
 *     logger,
 *   });
 *   await queue.work(engine.jobHandlers());
 *
 * and the HTTP layer calls `syncOpportunityNow`, `acceptLead` and `declineLead` for the form.
 */
export { createSyncEngine } from "./engine";
export type { SyncEngine, SyncEngineDeps } from "./engine";
export { LeadActionError } from "./types";
export type { ActingUser, LeadAcceptResult, LeadActionProblem, LeadDeclineResult, SyncOutcomeKind, SyncResult, ViolationReport } from "./types";
export { partnerCenterPort } from "./adapters/partner-center";
export { dataversePort } from "./adapters/dataverse";
export {
  ConfiguredColumnError,
  CrmRecordChangedError,
  ReferralRejectedError,
  StaleReferralError,
} from "./ports";
export type { CloseDetails, CrmWrite, DataversePort, LeadRow, LookupValue, PartnerCenterPort, Versioned } from "./ports";
export type { EngineLogger } from "./runtime";
export { defaultReconcileWindow, Watermarks } from "./reconcile";
export type { ReconcileWindow } from "./reconcile";
export { engineMessage, EngineMessageKeys } from "./messages";
export type { EngineMessageKey } from "./messages";
