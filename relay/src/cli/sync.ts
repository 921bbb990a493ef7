/**
 * `cosell-relay sync <opportunity-id|referral-id>`: syncs one record now, in this process, and
 * prints the outcome and the audit entries the run added. An id that is neither an opportunity nor
 * a lead in Dataverse is taken as a Partner Center referral id.
 */
import { LeadColumns, OpportunityColumns, parseAuditLog, type AuditLogItem } from "@cosell/core";
import { Command } from "commander";
import { createRelay, type Relay } from "../app";
import { DataverseRepository } from "../dataverse/repository";
import { NotFoundError } from "../partner-center/errors";
import { dataversePort, type DataversePort } from "../sync";
import { CliFailure, type CliContext } from "./context";
import { relayConfigFor, relayDependenciesFor } from "./relay-config";

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

export function syncCommand(context: CliContext): Command {
  return new Command("sync")
    .argument("<id>", "an opportunity id, a lead id or a Partner Center referral id")
    .description("Sync one opportunity, lead or referral now and print what changed.")
    .action(async (rawId: string, _options, command: Command) => {
      const match = GUID.exec(rawId.trim());
      if (!match) throw new CliFailure(`"${rawId}" is not an id: opportunities, leads and referrals all have GUIDs such as 4111fffc-f9ee-4d53-bba6-569135228642.`);
      const id = match[1].toLowerCase();
      const config = relayConfigFor(command, context);
      const relay = await createRelay(config, { ...relayDependenciesFor(context, config), purpose: "cosell-relay sync" });
      try {
        const dataverse = dataversePort(new DataverseRepository(relay.dataverse));
        if (await dataverse.opportunity(id)) await syncOpportunity(context, relay, dataverse, id);
        else await syncReferral(context, relay, dataverse, await referralIdFor(relay, dataverse, id));
      } finally {
        await relay.stop();
      }
    });
}

async function syncOpportunity(context: CliContext, relay: Relay, dataverse: DataversePort, opportunityId: string): Promise<void> {
  const before = auditOf((await dataverse.opportunity(opportunityId))?.record);
  const result = await relay.engine.syncOpportunityNow(opportunityId);
  context.io.out(`Opportunity ${opportunityId}: ${result.outcome}. ${result.message}`);
  if (result.referralId) context.io.out(`  Referral: ${result.referralId}${result.referralLink ? ` (${result.referralLink})` : ""}`);
  for (const violation of result.violations ?? []) context.io.out(`  ✖ ${violation.message}${violation.fix ? ` Fix: ${violation.fix}` : ""}`);
  printNewEntries(context, before, auditOf((await dataverse.opportunity(opportunityId))?.record));
  if (result.outcome === "error" || result.outcome === "invalid") throw new CliFailure(`The opportunity was not synced (${result.outcome}); see the messages above.`);
}

async function syncReferral(context: CliContext, relay: Relay, dataverse: DataversePort, referralId: string): Promise<void> {
  const linked = await relay.state.linkByReferral(referralId);
  const before = linked ? await auditOfRecord(dataverse, linked.crmTable, linked.crmId) : undefined;
  await relay.engine.pullReferral({ referralId, reason: "cosell-relay sync" });
  const link = await relay.state.linkByReferral(referralId);
  if (!link) {
    context.io.out(`Referral ${referralId}: nothing to bring into Dynamics 365 (see the relay's log for why).`);
    return;
  }
  const table = link.crmTable === "lead" ? "lead" : "opportunity";
  context.io.out(`Referral ${referralId} ⇄ ${table} ${link.crmId}${linked ? "" : " (new link)"}.`);
  printNewEntries(context, before, await auditOfRecord(dataverse, link.crmTable, link.crmId));
}

/** A lead stands for the referral it came from; anything else is taken as a referral id. */
async function referralIdFor(relay: Relay, dataverse: DataversePort, id: string): Promise<string> {
  const lead = await dataverse.lead(id);
  if (lead) {
    const referralId = String(lead.record[LeadColumns.referralId] ?? "").trim();
    if (!referralId) throw new CliFailure(`Lead ${id} did not come from Partner Center, so there is nothing to sync.`);
    return referralId;
  }
  if (!(await relay.state.linkByReferral(id)) && !(await partnerCenterHas(relay, id))) {
    throw new CliFailure(`Neither Dynamics 365 (opportunities, leads) nor Partner Center (referrals) has a record with the id ${id}.`);
  }
  return id;
}

async function partnerCenterHas(relay: Relay, referralId: string): Promise<boolean> {
  try {
    await relay.partnerCenter.referrals.get(referralId);
    return true;
  } catch (error) {
    if (error instanceof NotFoundError) return false;
    throw error;
  }
}

async function auditOfRecord(dataverse: DataversePort, table: "opportunity" | "lead", id: string): Promise<string> {
  return table === "lead" ? auditOf((await dataverse.lead(id))?.record, LeadColumns.audit) : auditOf((await dataverse.opportunity(id))?.record);
}

function auditOf(record: Record<string, unknown> | undefined, column: string = OpportunityColumns.audit): string {
  const value = record?.[column];
  return typeof value === "string" ? value : "";
}

function printNewEntries(context: CliContext, before: string | undefined, after: string): void {
  const known = new Set(parseAuditLog(before ?? "").map((item) => JSON.stringify(item)));
  const added = parseAuditLog(after).filter((item) => !known.has(JSON.stringify(item)));
  if (added.length === 0) {
    context.io.out("  No new audit entries: nothing changed.");
    return;
  }
  context.io.out("  Audit:");
  for (const item of added.reverse()) context.io.out(`    ${describe(item)}`);
}

function describe(item: AuditLogItem): string {
  if (item.kind === "text") return item.text;
  const arrow = item.direction === "toPartnerCenter" ? "→ Partner Center" : item.direction === "toCrm" ? "← Partner Center" : "Dynamics 365";
  return `${item.outcome} ${arrow}: ${item.message}${item.fix ? ` Fix: ${item.fix}` : ""}`;
}
