/** CRM → Partner Center: an opportunity and its related records as a referral create body. */
import type { AccountRecord, ContactRecord, OpportunityContext, SolutionRecord, SystemUserRecord } from "../crm/model";
import { OpportunityColumns, SolutionKindOptions } from "../crm/schema";
import { resolveMapping, type SyncConfig } from "../config/sync-config";
import type { ColumnList } from "../config/field-mapping";
import type {
  CustomerProfile,
  CustomerSize,
  Member,
  ReferralCreateBody,
  ReferralTarget,
  SolutionTag,
} from "../referral/types";
import { stripNameMark } from "../audit/name-mark";
import { helpNeededCode, readText, toClosingDateTime, toDateOnly, toNumber, readColumn } from "./values";

function mapMember(record: Readonly<Record<string, unknown>> | null | undefined, mapping: Readonly<Record<string, ColumnList>>): Member | undefined {
  if (!record) return undefined;
  const row = record as Record<string, never>;
  const member: Member = {};
  const firstName = readText(row, mapping.firstName);
  const lastName = readText(row, mapping.lastName);
  const email = readText(row, mapping.email);
  const phoneNumber = readText(row, mapping.phoneNumber);
  if (firstName) member.firstName = firstName;
  if (lastName) member.lastName = lastName;
  if (email) member.email = email;
  if (phoneNumber) member.phoneNumber = phoneNumber;
  return Object.keys(member).length ? member : undefined;
}

/** A customer contact as a `customerProfile.team` member. */
export function mapContactToMember(contact: ContactRecord | null | undefined, config: SyncConfig): Member | undefined {
  return mapMember(contact, resolveMapping(config).contact);
}

/** The opportunity owner as the partner's `team` member (§5: name, phone and e-mail). */
export function mapOwnerToMember(owner: SystemUserRecord | null | undefined, config: SyncConfig): Member | undefined {
  return mapMember(owner, resolveMapping(config).owner);
}

/** Contacts Partner Center can reach: those with an e-mail address, once each. */
export function mapCustomerContacts(contacts: readonly ContactRecord[] | undefined, config: SyncConfig): Member[] {
  const seen = new Set<string>();
  const members: Member[] = [];
  for (const contact of contacts ?? []) {
    const member = mapContactToMember(contact, config);
    const key = member?.email?.toLowerCase();
    if (!member || !key || seen.has(key)) continue;
    seen.add(key);
    members.push(member);
  }
  return members;
}

const sizeBuckets: readonly [number, CustomerSize][] = [
  [9, "1to9employees"],
  [50, "10to50employees"],
  [250, "51to250employees"],
  [1000, "251to1000employees"],
  [5000, "1001to5000employees"],
  [10000, "5001to10000employees"],
  [20000, "10001to20000employees"],
];

/** §2.3 company size bucket for an employee count. */
export function customerSizeFor(employees: number | null | undefined): CustomerSize | undefined {
  if (typeof employees !== "number" || !Number.isFinite(employees) || employees < 1) return undefined;
  return sizeBuckets.find(([max]) => employees <= max)?.[1] ?? "Morethan20000employees";
}

/** Account (+ customer contacts) → `customerProfile`; the country comes from the configured column. */
export function mapAccountToCustomerProfile(
  account: AccountRecord | null | undefined,
  contacts: readonly ContactRecord[] | undefined,
  config: SyncConfig,
): CustomerProfile {
  const mapping = resolveMapping(config).account;
  const row = account as Record<string, never> | null | undefined;
  const profile: CustomerProfile = {};
  const name = readText(row, mapping["customerProfile.name"]);
  if (name) profile.name = name;
  const address: Record<string, string> = {};
  for (const field of ["addressLine1", "addressLine2", "city", "state", "postalCode", "country"] as const) {
    const value = readText(row, mapping[`customerProfile.address.${field}`]);
    if (value) address[field] = field === "country" ? value.toUpperCase() : value;
  }
  if (Object.keys(address).length) profile.address = address;
  const size = customerSizeFor(account?.numberofemployees);
  if (size) profile.size = size;
  profile.team = mapCustomerContacts(contacts, config);
  return profile;
}

/** A catalog row as a `details.requirements.solutions` tag (shape of the current create example, §3.3). */
export function solutionToTag(solution: SolutionRecord): SolutionTag | undefined {
  const id = solution.cosell_solutionidentifier?.trim();
  if (!id) return undefined;
  const tag: SolutionTag = { id, type: "Name" };
  if (solution.cosell_name) tag.name = solution.cosell_name;
  if (solution.cosell_publisher) tag.publisherName = solution.cosell_publisher;
  if (solution.cosell_kind === SolutionKindOptions.CoSellReadyPartnerSolution) tag.solutionType = "3P";
  return tag;
}

function solutionTags(solutions: readonly SolutionRecord[] | undefined): SolutionTag[] {
  const byId = new Map<string, SolutionTag>();
  for (const solution of solutions ?? []) {
    const tag = solutionToTag(solution);
    if (tag?.id && !byId.has(tag.id.toUpperCase())) byId.set(tag.id.toUpperCase(), tag);
  }
  return [...byId.values()];
}

/**
 * The deal type of §2.8: co-sell (help asked) is Shared and visible; otherwise Independent,
 * visible (partner-led) or not (private). Asking for help makes the deal visible
 * (cosell-connectors.md §1.2).
 */
export function dealTypeOf(ctx: OpportunityContext): { type: "Independent" | "Shared"; visible: boolean; coSell: boolean } {
  const coSell = helpNeededCode(ctx.opportunity[OpportunityColumns.helpNeeded]) !== undefined;
  const visible = coSell || ctx.opportunity[OpportunityColumns.visibility] === true;
  return { type: coSell ? "Shared" : "Independent", visible, coSell };
}

/** Shared referrals target the partner's own co-sell solution profiles (§2.7, §3.3). */
function targetsFor(type: "Independent" | "Shared", solutions: readonly SolutionRecord[] | undefined): ReferralTarget[] {
  if (type === "Independent") return [];
  const partnerSolutions = (solutions ?? []).filter((s) => s.cosell_kind === SolutionKindOptions.CoSellReadyPartnerSolution);
  return solutionTags(partnerSolutions.length ? partnerSolutions : solutions).map((tag) => ({ type: "SolutionProfile", id: tag.id }));
}

/**
 * The create body for an opportunity. Values are read through the configured mapping; the name
 * loses its sync mark; `externalReferenceId` is the opportunity id (the idempotency key).
 */
export function mapOpportunityToReferral(ctx: OpportunityContext, config: SyncConfig): ReferralCreateBody {
  const mapping = resolveMapping(config).opportunity;
  const opportunity = ctx.opportunity;
  const { type, visible } = dealTypeOf(ctx);

  const details: ReferralCreateBody["details"] = {};
  const notes = readText(opportunity, mapping["details.notes"]);
  if (notes) details.notes = notes;
  const dealValue = toNumber(readColumn(opportunity, mapping["details.dealValue"]));
  if (dealValue !== undefined) details.dealValue = dealValue;
  const currency = ctx.currencyIsoCode?.trim().toUpperCase();
  if (currency) details.currency = currency;
  const closeDate = toDateOnly(readColumn(opportunity, mapping["details.closingDateTime"]));
  if (closeDate) details.closingDateTime = toClosingDateTime(closeDate);
  details.requirements = { solutions: solutionTags(ctx.solutions) };

  const owner = mapOwnerToMember(ctx.owner, config);
  const body: ReferralCreateBody = {
    name: stripNameMark(readText(opportunity, mapping.name) ?? ""),
    externalReferenceId: opportunity.opportunityid,
    type,
    qualification: "SalesQualified",
    customerProfile: mapAccountToCustomerProfile(ctx.account, ctx.contacts, config),
    consent: { consentToShareReferralWithMicrosoftSellers: visible },
    details,
    team: owner ? [owner] : [],
    target: targetsFor(type, ctx.solutions),
  };
  const help = helpNeededCode(opportunity[OpportunityColumns.helpNeeded]);
  if (help) body.inviteContext = { assistanceRequestCode: help };
  return body;
}

/**
 * The second, connected referral that invites Microsoft into a Shared deal: same engagement,
 * target Microsoft (§3.3 "Shared co-sell takes two POSTs").
 */
export function mapMicrosoftInvitation(body: ReferralCreateBody, engagementId: string): ReferralCreateBody {
  return { ...body, engagementId, target: [{ type: "BusinessProfileLocation", id: "msft" }] };
}
