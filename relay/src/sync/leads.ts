/**
 * Incoming referrals that wait for an answer live in the CRM as Leads (ARCHITECTURE.md "Leads"):
 * qualifying the lead (or accepting it from the form) accepts the referral and makes the
 * opportunity; disqualifying (or declining) declines it; Partner Center closing the referral
 * (declined elsewhere, expired after 14 days) disqualifies the lead.
 */
import {
  changedFields,
  fieldRules,
  flowsToCrm,
  formatReferralState,
  isTerminal,
  LeadColumns,
  LeadState,
  LeadTable,
  projectionsEqual,
  projectReferral,
  resolveMapping,
  syncFieldLabel,
  type Referral,
} from "@cosell/core";
import {
  attachReferralSolutions,
  disqualifiedLeadColumns,
  externalReferenceOperations,
  leadUpdate,
  linkTakenIn,
  takeInWrite,
  updateReferral,
} from "./incoming";
import { syncOpportunityLink } from "./link-sync";
import { recordOutcome } from "./outcome";
import type { LeadRow, Versioned } from "./ports";
import { engineEntry, type Runtime } from "./runtime";

/** Columns of the lead the configured lead mapping reads and writes. */
export function mappedLeadColumns(rt: Runtime): string[] {
  return [...new Set(Object.values(resolveMapping(rt.config).lead).flat())];
}

const accepting = (current: Referral) =>
  current.status === "New"
    ? [
        { op: "replace" as const, path: "/status", value: "Active" },
        { op: "replace" as const, path: "/substatus", value: "Accepted" },
      ]
    : [];

/**
 * Turns an accepted referral's lead into its opportunity: the lead records the answer, QualifyLead
 * makes the opportunity (unless the seller already qualified it), which is then filled from the
 * referral with account, contacts, currency and solutions, and linked.
 */
async function convertLead(rt: Runtime, lead: Versioned<LeadRow>, referral: Referral): Promise<string> {
  const referralId = referral.id as string;
  const leadId = lead.record.leadid as string;
  const entry = engineEntry(rt, "success", "toPartnerCenter", "accepted", {}, referralId);
  let opportunityId = lead.record.qualifyingOpportunityId;
  if (!opportunityId) {
    // The answer is recorded while the lead is still open: a qualified lead is read-only in the app.
    await recordOutcome(
      rt.dv,
      {
        table: "lead",
        id: leadId,
        current: lead,
        extra: { columns: { [LeadColumns.referralStatus]: formatReferralState(projectReferral(referral).status) } },
        displayCheckMark: rt.config.displayCheckMark,
        onConflict: "reread",
      },
      { status: "Synced", entries: [entry] },
      rt.now(),
    );
    const write = await takeInWrite(rt, referral, entry);
    const accountLookup = write.lookups?.parentaccountid;
    const currencyLookup = write.lookups?.transactioncurrencyid;
    opportunityId = await rt.dv.qualifyLead(leadId, { accountId: accountLookup?.id, currencyId: currencyLookup?.id });
    await rt.dv.updateOpportunity(opportunityId, write);
  } else if (!(await rt.dv.opportunity(opportunityId))?.record.cosell_referralid) {
    // Qualified by the seller in Dynamics 365: the opportunity exists but knows nothing of the referral yet.
    await rt.dv.updateOpportunity(opportunityId, await takeInWrite(rt, referral, entry));
  }
  await attachReferralSolutions(rt, opportunityId, referral);
  await linkTakenIn(rt, referral, opportunityId);
  await syncOpportunityLink(rt, opportunityId, referralId);
  rt.log.info({ referralId, leadId, opportunityId }, "lead converted to the referral's opportunity");
  return opportunityId;
}

/** Accepts the referral in Partner Center (unless it is already) and converts its lead. */
export async function acceptReferralOfLead(rt: Runtime, lead: Versioned<LeadRow>, referral: Referral): Promise<string> {
  const accepted = await updateReferral(rt, referral.id as string, accepting);
  return convertLead(rt, lead, accepted);
}

/** Declines the referral with the seller's reason and disqualifies its lead. */
export async function declineReferralOfLead(rt: Runtime, lead: Versioned<LeadRow>, referral: Referral, reason: string): Promise<Referral> {
  const referralId = referral.id as string;
  const declined = await updateReferral(rt, referralId, (current) =>
    isTerminal(projectReferral(current).status)
      ? []
      : [
          { op: "replace", path: "/status", value: "Closed" },
          { op: "replace", path: "/substatus", value: "Declined" },
          { op: "replace", path: "/statusReason", value: reason },
        ],
  );
  const entry = engineEntry(rt, "success", "toPartnerCenter", "declined", { reason }, referralId);
  const columns = { ...disqualifiedLeadColumns(declined), [LeadColumns.declineReason]: reason };
  if (lead.record.statecode === LeadState.Disqualified) {
    delete (columns as Record<string, unknown>).statecode;
    delete (columns as Record<string, unknown>).statuscode;
  }
  await recordOutcome(
    rt.dv,
    { table: "lead", id: lead.record.leadid as string, current: lead, extra: { columns }, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" },
    { status: "Synced", entries: [entry] },
    rt.now(),
  );
  await rt.state.saveLink({ referralId, crmTable: "lead", crmId: lead.record.leadid as string, projection: projectReferral(declined) });
  return declined;
}

/**
 * A referral linked to a lead, after a change on either side: the seller qualified or disqualified
 * the lead in Dynamics 365, or Partner Center accepted, closed or updated the referral.
 */
export async function syncLeadLink(rt: Runtime, leadId: string, referral: Referral): Promise<void> {
  const referralId = referral.id as string;
  const lead = await rt.dv.lead(leadId, mappedLeadColumns(rt));
  if (!lead) {
    rt.log.warn({ referralId, leadId }, "the lead linked to the referral no longer exists");
    return;
  }
  const state = lead.record.statecode ?? LeadState.Open;
  const status = projectReferral(referral).status;

  if (state === LeadState.Qualified) {
    const opportunityId = lead.record.qualifyingOpportunityId ?? (await rt.dv.findOpportunityByReferralId(referralId));
    if (!opportunityId) {
      rt.log.warn({ referralId, leadId }, "the lead is qualified but its opportunity cannot be found");
      return;
    }
    if (status?.status === "New") await acceptReferralOfLead(rt, { ...lead, record: { ...lead.record, qualifyingOpportunityId: opportunityId } }, referral);
    else await convertLead(rt, { ...lead, record: { ...lead.record, qualifyingOpportunityId: opportunityId } }, referral);
    return;
  }
  if (state === LeadState.Disqualified) {
    if (!isTerminal(status)) {
      // Partner Center shows the reason to the sender, so a lead disqualified without one still says where it happened.
      const reason = String(lead.record[LeadColumns.declineReason] ?? "").trim() || "Disqualified in Dynamics 365.";
      await declineReferralOfLead(rt, lead, referral, reason);
    }
    return;
  }

  if (status?.status === "Active" || status?.substatus === "Won" || status?.substatus === "Lost") {
    // Accepted in Partner Center itself: the lead becomes the opportunity.
    await convertLead(rt, lead, referral);
    return;
  }
  if (isTerminal(status)) {
    const entry = engineEntry(rt, "warning", "toCrm", "lead-closed-from-partner-center", { status: formatReferralState(status) }, referralId);
    await recordOutcome(
      rt.dv,
      { table: "lead", id: leadId, current: lead, extra: { columns: disqualifiedLeadColumns(referral) }, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" },
      { status: "Synced", entries: [entry] },
      rt.now(),
    );
    await rt.state.saveLink({ referralId, crmTable: "lead", crmId: leadId, projection: projectReferral(referral) });
    return;
  }

  // Still waiting for an answer: Partner Center's changes update the lead.
  const link = await rt.state.linkByReferral(referralId);
  const partnerCenter = projectReferral(referral);
  if (link?.projection && projectionsEqual(link.projection, partnerCenter)) return;
  const rules = fieldRules(rt.config);
  const fields = changedFields(link?.projection ?? {}, partnerCenter).filter((field) => flowsToCrm(rules[field]));
  const columns = leadUpdate(referral, rt.config, lead.record);
  const after = await updateReferral(rt, referralId, (current) => externalReferenceOperations(current, leadId));
  if (Object.keys(columns).length) {
    const entry = engineEntry(
      rt,
      "success",
      "toCrm",
      "updated-from-partner-center",
      { fields: fields.map((field) => syncFieldLabel(field, rt.lcid)).join(", ") || LeadTable.logicalName },
      referralId,
    );
    await recordOutcome(
      rt.dv,
      { table: "lead", id: leadId, current: lead, extra: { columns }, displayCheckMark: rt.config.displayCheckMark, onConflict: "reread" },
      { status: "Synced", entries: [entry] },
      rt.now(),
    );
  }
  await rt.state.saveLink({ referralId, crmTable: "lead", crmId: leadId, projection: projectReferral(after) });
}
