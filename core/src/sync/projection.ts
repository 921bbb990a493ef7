/**
 * The sync projection: the synced fields of a link in one normal form, whichever side they come
 * from. The relay stores the last agreed projection per link; an event whose projection equals it
 * writes nothing (echo suppression, ARCHITECTURE.md "Sync rules").
 */
import type { LeadRecord, OpportunityContext } from "../crm/model";
import { HelpNeededOptions, type AssistanceRequestCode } from "../crm/schema";
import { resolveMapping, type SyncConfig } from "../config/sync-config";
import type { Member, Referral, ReferralState, SolutionTag } from "../referral/types";
import { mapOpportunityToReferral } from "../mapping/to-referral";
import { readText, toDateOnly } from "../mapping/values";
import { referralStateForLead, referralStateForOpportunity } from "../status/crm-state";
import { SyncFields, type SyncField } from "./fields";

/** JSON-serialisable; absent = empty. */
export interface SyncProjection {
  name?: string;
  dealValue?: number;
  /** ISO 4217, upper case. */
  currency?: string;
  /** `YYYY-MM-DD`. */
  closingDate?: string;
  notes?: string;
  status?: ReferralState;
  helpNeeded?: AssistanceRequestCode;
  visibility?: boolean;
  /** Sorted by id; compared by id only. */
  solutions?: SolutionTag[];
  /** Contacts with an e-mail, sorted by e-mail. */
  customerContacts?: Member[];
  microsoftCrmId?: string;
}

const text = (value: string | undefined): string | undefined => {
  const normalized = value?.replace(/\r\n?/g, "\n").trim();
  return normalized ? normalized : undefined;
};

function normalizeSolutions(tags: readonly SolutionTag[] | undefined): SolutionTag[] {
  const byId = new Map<string, SolutionTag>();
  for (const tag of tags ?? []) {
    const id = tag.id?.trim();
    if (id && !byId.has(id.toUpperCase())) byId.set(id.toUpperCase(), { ...tag, id });
  }
  return [...byId.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, tag]) => tag);
}

function normalizeContacts(members: readonly Member[] | undefined): Member[] {
  const byEmail = new Map<string, Member>();
  for (const member of members ?? []) {
    const email = member.email?.trim().toLowerCase();
    if (!email || byEmail.has(email)) continue;
    const contact: Member = { email };
    const firstName = text(member.firstName);
    const lastName = text(member.lastName);
    const phoneNumber = text(member.phoneNumber);
    if (firstName) contact.firstName = firstName;
    if (lastName) contact.lastName = lastName;
    if (phoneNumber) contact.phoneNumber = phoneNumber;
    byEmail.set(email, contact);
  }
  return [...byEmail.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, member]) => member);
}

/** Drops absent values so that stored (JSON) and fresh projections compare alike. */
function compact(projection: SyncProjection): SyncProjection {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(projection)) if (value !== undefined) out[key] = value;
  return out as SyncProjection;
}

/** A referral's synced fields. */
export function projectReferral(referral: Referral): SyncProjection {
  const details = referral.details ?? {};
  const help = referral.inviteContext?.assistanceRequestCode;
  return compact({
    name: text(referral.name),
    dealValue: details.dealValue,
    currency: text(details.currency)?.toUpperCase(),
    closingDate: toDateOnly(details.closingDateTime),
    notes: text(details.notes),
    status: referral.status ? { status: referral.status, substatus: referral.substatus ?? "None" } : undefined,
    helpNeeded: help !== undefined && help in HelpNeededOptions ? (help as AssistanceRequestCode) : undefined,
    visibility: referral.consent?.consentToShareReferralWithMicrosoftSellers ?? false,
    solutions: normalizeSolutions(details.requirements?.solutions),
    customerContacts: normalizeContacts(referral.customerProfile?.team),
    microsoftCrmId: text(referral.trackingInfo?.microsoftMsxId),
  });
}

/**
 * An opportunity's synced fields, mapped exactly as a create body would be. `current` is the
 * referral's state in Partner Center, which decides between Lost and Declined.
 */
export function projectOpportunity(ctx: OpportunityContext, config: SyncConfig, current?: ReferralState): SyncProjection {
  const body = mapOpportunityToReferral(ctx, config);
  const state = referralStateForOpportunity(ctx.opportunity.statecode, current);
  const msxId = readText(ctx.opportunity, resolveMapping(config).opportunity["trackingInfo.microsoftMsxId"]);
  return projectReferral({ ...body, ...state, trackingInfo: msxId ? { microsoftMsxId: msxId } : undefined });
}

/** A lead's synced field: its status (accept = qualify, decline = disqualify). */
export function projectLead(lead: LeadRecord, current?: ReferralState): SyncProjection {
  return { status: referralStateForLead(lead.statecode, current) };
}

const round4 = (n: number) => Math.round(n * 10000) / 10000;

/** Field equality in the projection's normal form (solutions by id, money to 4 decimals). */
export function syncFieldEquals(field: SyncField, a: SyncProjection, b: SyncProjection): boolean {
  switch (field) {
    case "solutions":
      return JSON.stringify((a.solutions ?? []).map((s) => s.id?.toUpperCase())) === JSON.stringify((b.solutions ?? []).map((s) => s.id?.toUpperCase()));
    case "customerContacts":
      return JSON.stringify(a.customerContacts ?? []) === JSON.stringify(b.customerContacts ?? []);
    case "status":
      return a.status?.status === b.status?.status && a.status?.substatus === b.status?.substatus;
    case "dealValue":
      return a.dealValue === undefined || b.dealValue === undefined ? a.dealValue === b.dealValue : round4(a.dealValue) === round4(b.dealValue);
    case "visibility":
      return (a.visibility ?? false) === (b.visibility ?? false);
    default:
      return a[field] === b[field];
  }
}

/** The fields whose values differ. */
export function changedFields(a: SyncProjection, b: SyncProjection, fields: readonly SyncField[] = SyncFields): SyncField[] {
  return fields.filter((field) => !syncFieldEquals(field, a, b));
}

/** True when nothing synced differs: the event is an echo of the last sync. */
export function projectionsEqual(a: SyncProjection, b: SyncProjection, fields: readonly SyncField[] = SyncFields): boolean {
  return changedFields(a, b, fields).length === 0;
}
