/**
 * The co-sell rules: what must hold before an opportunity is shared with or updated in Partner
 * Center (partner-center-api.md §5, §7.8; cosell-connectors.md §4). The same function runs in the
 * form script (to block the save) and in the relay (to refuse the push and explain it in Audit).
 */
import type { OpportunityContext } from "../crm/model";
import {
  ContactTable,
  OpportunityColumns,
  OpportunitySolutionRelationship,
  OpportunityTable,
  SystemUserTable,
} from "../crm/schema";
import { resolveMapping, type SyncConfig } from "../config/sync-config";
import type { MessageKey, MessageParams } from "../i18n/keys";
import { formatMessage, type LocalizedMessage } from "../i18n/messages";
import { dealTypeOf, mapOpportunityToReferral } from "../mapping/to-referral";
import { readColumn, readText, toDateOnly, toNumber } from "../mapping/values";
import { isTerminal, formatReferralState } from "../status/transitions";
import { DefaultFieldRules, SyncFields, flowsToPartnerCenter, type SyncField } from "../sync/fields";
import { changedFields, projectOpportunity, type SyncProjection } from "../sync/projection";
import { isIsoCountryCode, isIsoCurrencyCode } from "./iso";

/**
 * Partner Center publishes no limit for `details.notes`. 2000 characters is the size of the
 * standard Opportunity Description column, so a note that fits the CRM always round-trips intact;
 * longer text only arrives through a remapped notes column and is refused rather than cut.
 */
export const MAX_NOTES_LENGTH = 2000;

export type RuleCode = Exclude<MessageKey, "conflict-owner-wins" | `change-rejected-${string}`>;

export interface Violation {
  /** Stable identifier, e.g. `solution-required`. */
  code: RuleCode;
  /** The table whose column needs fixing. */
  table: "opportunity" | "account" | "contact" | "systemuser";
  /** Logical name of the column (or relationship) to fix; the form shows the notification there. */
  field: string;
  messageKey: RuleCode;
  params: MessageParams;
}

export interface RuleOptions {
  /** The last synced projection of this opportunity, if it was shared before. */
  previous?: SyncProjection;
  /** The deal value column is calculated or rollup (from its attribute metadata). */
  dealValueIsCalculated?: boolean;
}

/** Whether the opportunity is meant to be in Partner Center (Sync with Partner Center = Yes). */
export function isSharing(ctx: OpportunityContext): boolean {
  return ctx.opportunity[OpportunityColumns.syncWithPartnerCenter] === true;
}

const violation = (code: RuleCode, table: Violation["table"], field: string, params: MessageParams = {}): Violation => ({
  code,
  table,
  field,
  messageKey: code,
  params,
});

/** Opportunity column where each synced field is edited, where a notification about it belongs. */
function columnOfField(field: SyncField, config: SyncConfig): string {
  const mapping = resolveMapping(config).opportunity;
  switch (field) {
    case "name":
      return mapping.name?.[0] ?? OpportunityTable.name;
    case "dealValue":
      return mapping["details.dealValue"]?.[0] ?? config.dealValueField;
    case "currency":
      return OpportunityTable.currency;
    case "closingDate":
      return mapping["details.closingDateTime"]?.[0] ?? OpportunityTable.estimatedCloseDate;
    case "notes":
      return mapping["details.notes"]?.[0] ?? OpportunityTable.description;
    case "status":
      return OpportunityTable.stateCode;
    case "helpNeeded":
      return OpportunityColumns.helpNeeded;
    case "visibility":
      return OpportunityColumns.visibility;
    case "solutions":
      return OpportunitySolutionRelationship.navigationProperty;
    case "customerContacts":
      return OpportunityTable.contact;
    case "microsoftCrmId":
      return OpportunityColumns.microsoftCrmId;
  }
}

function checkDetails(ctx: OpportunityContext, config: SyncConfig, options: RuleOptions, out: Violation[]): void {
  const mapping = resolveMapping(config).opportunity;
  const opportunity = ctx.opportunity;
  const column = (field: SyncField) => columnOfField(field, config);

  if (!readText(opportunity, mapping.name)) out.push(violation("name-missing", "opportunity", column("name")));

  const dealColumn = column("dealValue");
  const rawValue = readColumn(opportunity, mapping["details.dealValue"]);
  const dealValue = toNumber(rawValue);
  if (rawValue === undefined) {
    out.push(violation(options.dealValueIsCalculated ? "deal-value-zero-calculated" : "deal-value-missing", "opportunity", dealColumn, { field: dealColumn }));
  } else if (dealValue === undefined || !Number.isFinite(dealValue) || dealValue < 0) {
    out.push(violation("deal-value-invalid", "opportunity", dealColumn, { field: dealColumn, value: String(rawValue) }));
  } else if (dealValue === 0 && options.dealValueIsCalculated) {
    // cosell-connectors.md §1.4: a calculated deal value must not be 0 when the update fires.
    out.push(violation("deal-value-zero-calculated", "opportunity", dealColumn, { field: dealColumn }));
  }

  const currency = ctx.currencyIsoCode?.trim();
  if (!currency) out.push(violation("currency-missing", "opportunity", OpportunityTable.currency));
  else if (!isIsoCurrencyCode(currency)) out.push(violation("currency-invalid", "opportunity", OpportunityTable.currency, { value: currency }));

  const closeColumn = column("closingDate");
  const rawClose = readColumn(opportunity, mapping["details.closingDateTime"]);
  if (rawClose === undefined) out.push(violation("close-date-missing", "opportunity", closeColumn));
  else if (!toDateOnly(rawClose)) out.push(violation("close-date-invalid", "opportunity", closeColumn, { value: String(rawClose) }));

  const notesColumn = column("notes");
  const notes = readText(opportunity, mapping["details.notes"]);
  if (!notes) out.push(violation("notes-missing", "opportunity", notesColumn));
  else if (notes.length > MAX_NOTES_LENGTH) {
    out.push(violation("notes-too-long", "opportunity", notesColumn, { length: notes.length, max: MAX_NOTES_LENGTH }));
  }
}

function checkCustomer(ctx: OpportunityContext, config: SyncConfig, out: Violation[]): void {
  if (!ctx.account) {
    out.push(violation("customer-missing", "opportunity", OpportunityTable.account));
    return;
  }
  const countryColumns = resolveMapping(config).account["customerProfile.address.country"];
  const countryColumn = countryColumns?.[0] ?? config.countryCodeField;
  const country = readText(ctx.account, countryColumns);
  if (!country) out.push(violation("country-missing", "account", countryColumn, { field: countryColumn }));
  else if (country.length !== 2 || !isIsoCountryCode(country)) {
    out.push(violation("country-invalid", "account", countryColumn, { field: countryColumn, value: country }));
  }
}

function checkTeamAndContacts(ctx: OpportunityContext, config: SyncConfig, out: Violation[]): void {
  const body = mapOpportunityToReferral(ctx, config);
  const owner = body.team[0];
  if (!owner?.firstName || !owner.lastName || !owner.email || !owner.phoneNumber) {
    out.push(violation("owner-incomplete", "systemuser", SystemUserTable.phone));
  }

  if (!dealTypeOf(ctx).coSell) return;
  const mapping = resolveMapping(config).contact;
  const complete = (ctx.contacts ?? []).filter(
    (c) => (readText(c, mapping.firstName) || readText(c, mapping.lastName)) && readText(c, mapping.email),
  );
  if (complete.length > 0) return;
  const incomplete = ctx.contacts ?? [];
  if (incomplete.length === 0) {
    out.push(violation("contact-required", "opportunity", OpportunityTable.contact));
    return;
  }
  for (const contact of incomplete) {
    const label = [readText(contact, mapping.firstName), readText(contact, mapping.lastName)].filter(Boolean).join(" ") ||
      readText(contact, mapping.email) || contact.contactid || "?";
    const field = readText(contact, mapping.email) ? (mapping.lastName?.[0] ?? ContactTable.lastName) : (mapping.email?.[0] ?? ContactTable.email);
    out.push(violation("contact-incomplete", "contact", field, { contact: label }));
  }
}

function checkAgainstPrevious(ctx: OpportunityContext, config: SyncConfig, previous: SyncProjection, out: Violation[]): void {
  const current = projectOpportunity(ctx, config, previous.status);
  if (isTerminal(previous.status)) {
    const pushed = SyncFields.filter((field) => flowsToPartnerCenter(DefaultFieldRules[field]) || field === "status");
    for (const field of changedFields(previous, current, pushed)) {
      out.push(violation("referral-closed", "opportunity", columnOfField(field, config), { status: formatReferralState(previous.status) }));
    }
    return;
  }
  if (previous.visibility === true && current.visibility === false) {
    out.push(violation("visibility-revoked", "opportunity", OpportunityColumns.visibility));
  }
}

/**
 * Every rule the opportunity breaks, in form order; empty when it may be shared as it is. Nothing
 * is checked while Sync with Partner Center is No, because nothing will be sent.
 */
export function checkCoSellRules(ctx: OpportunityContext, config: SyncConfig, options: RuleOptions = {}): Violation[] {
  if (!isSharing(ctx)) return [];
  const out: Violation[] = [];
  if (options.previous) {
    checkAgainstPrevious(ctx, config, options.previous, out);
    // A closed referral takes no changes at all, so the other rules would only add noise.
    if (isTerminal(options.previous.status)) return out;
  }
  checkDetails(ctx, config, options, out);
  checkCustomer(ctx, config, out);
  if ((ctx.solutions ?? []).every((s) => !s.cosell_solutionidentifier?.trim())) {
    out.push(violation("solution-required", "opportunity", OpportunitySolutionRelationship.navigationProperty));
  }
  checkTeamAndContacts(ctx, config, out);
  return out;
}

/** The violation's message and fix hint in the user's language (LCID). */
export function formatViolation(v: Violation, lcid: number): LocalizedMessage {
  return formatMessage(v.messageKey, v.params, lcid);
}
