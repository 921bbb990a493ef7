/**
 * Which Dataverse changes the relay wants to hear about at once: the steps of its webhook service
 * endpoint. Anything a step does not cover still syncs, later, through the reconcile sweep.
 */
import { LeadColumns, LeadTable, OpportunityColumns, OpportunityTable, resolveMapping, type SyncConfig } from "@cosell/core";
import { opportunityColumns } from "../dataverse/repository";
import type { RegisteredStep, WebhookStep } from "../dataverse/webhooks";

/** The service endpoint's name; its steps are named after it. */
export const RELAY_WEBHOOK_NAME = "Co-sell relay";

/** Columns only the relay writes, on opportunities and leads alike: a change to them is the relay's own echo, not news. */
export const RELAY_WRITTEN_COLUMNS: ReadonlySet<string> = new Set<string>([
  OpportunityColumns.audit,
  OpportunityColumns.syncStatus,
  OpportunityColumns.lastSyncedOn,
  OpportunityColumns.referralStatus,
  OpportunityColumns.referralLink,
  OpportunityColumns.referralId,
  OpportunityColumns.microsoftCrmId,
  LeadColumns.audit,
  LeadColumns.syncStatus,
  LeadColumns.lastSyncedOn,
  LeadColumns.referralStatus,
  LeadColumns.referralLink,
  LeadColumns.referralId,
  LeadColumns.microsoftCrmId,
]);

/** Read with every opportunity, but no change to them is synced. */
const NOT_SYNCED = new Set<string>([OpportunityTable.primaryId, "modifiedon", OpportunityColumns.productsObsolete]);

/** The opportunity columns a push reads (co-sell columns, customer, owner, state) and the mapped fields. */
function opportunityFilteringAttributes(config: SyncConfig): string[] {
  const columns = [...opportunityColumns, ...Object.values(resolveMapping(config).opportunity).flat()].map((column) => column.toLowerCase());
  return [...new Set(columns)].filter((column) => !RELAY_WRITTEN_COLUMNS.has(column) && !NOT_SYNCED.has(column));
}

export function relayWebhookSteps(config: SyncConfig): WebhookStep[] {
  return [
    { message: "Create", table: OpportunityTable.logicalName },
    { message: "Update", table: OpportunityTable.logicalName, filteringAttributes: opportunityFilteringAttributes(config) },
    // Qualifying or disqualifying a lead answers its referral; the decline reason goes with it.
    { message: "Update", table: LeadTable.logicalName, filteringAttributes: [LeadTable.stateCode, LeadTable.statusCode, LeadColumns.declineReason] },
    // Closing as won or lost runs these messages rather than a plain Update of the opportunity.
    { message: "Win", table: OpportunityTable.logicalName, optional: true },
    { message: "Lose", table: OpportunityTable.logicalName, optional: true },
  ];
}

export function describeStep(step: Pick<WebhookStep, "message" | "table">): string {
  return `${step.message} of ${step.table}`;
}

/**
 * What the registered steps leave out of the wanted ones: a missing or disabled step, or an Update
 * step that does not notify on some wanted columns. One line per problem.
 */
export function missingWebhookSteps(wanted: readonly WebhookStep[], registered: readonly RegisteredStep[]): { step: WebhookStep; problem: string }[] {
  const problems: { step: WebhookStep; problem: string }[] = [];
  for (const step of wanted) {
    const candidates = registered.filter((r) => r.message.toLowerCase() === step.message.toLowerCase() && (r.table === undefined || r.table === step.table));
    const enabled = candidates.filter((r) => r.enabled);
    if (enabled.length === 0) {
      problems.push({ step, problem: candidates.length ? `${describeStep(step)} is disabled` : `no step for ${describeStep(step)}` });
      continue;
    }
    if (step.message !== "Update" || !step.filteringAttributes) continue;
    const heard = new Set(enabled.flatMap((r) => r.filteringAttributes ?? step.filteringAttributes!));
    const unheard = step.filteringAttributes.filter((column) => !heard.has(column));
    if (unheard.length) problems.push({ step, problem: `${describeStep(step)} does not notify on ${unheard.join(", ")}` });
  }
  return problems;
}
