/** Partner Center → CRM: a referral as opportunity, lead, account and contact column values. */
import type { ColumnValue, CrmChanges } from "../crm/model";
import { LeadColumns, OpportunityColumns } from "../crm/schema";
import { accountMatchColumns, fieldRules, resolveMapping, type SyncConfig } from "../config/sync-config";
import type { ColumnList } from "../config/field-mapping";
import type { Member, Referral, ReferralState } from "../referral/types";
import { SyncFields, flowsToCrm, type SyncField } from "../sync/fields";
import { formatReferralState } from "../status/transitions";
import { leadStateForReferral, opportunityStateForReferral } from "../status/crm-state";
import { helpNeededOption, toDateOnly, writeColumn } from "./values";

/**
 * Where the Referral Link points. Partner Center documents only its referrals workspace
 * (https://partner.microsoft.com/dashboard/referrals/v2/leads), not a per-referral address, so the
 * template is a setting; `{id}` is replaced by the referral id.
 */
export const DEFAULT_REFERRAL_LINK_TEMPLATE = "https://partner.microsoft.com/dashboard/referrals/v2/opportunities/{id}";

export function referralPortalLink(referralId: string, template = DEFAULT_REFERRAL_LINK_TEMPLATE): string {
  return template.replace("{id}", encodeURIComponent(referralId));
}

export interface ReferralToCrmOptions {
  /** Creating the record: every mapped field is filled, whatever its direction. */
  create?: boolean;
  /** Only these sync fields (e.g. a SyncResolution's `toCrm`); default: every field that flows to the CRM. */
  fields?: readonly SyncField[];
  /** See {@link referralPortalLink}. */
  linkTemplate?: string;
}

function selectedFields(config: SyncConfig, options: ReferralToCrmOptions): ReadonlySet<SyncField> {
  if (options.fields) return new Set(options.fields);
  if (options.create) return new Set(SyncFields);
  const rules = fieldRules(config);
  return new Set(SyncFields.filter((field) => flowsToCrm(rules[field])));
}

const stateOf = (referral: Referral): ReferralState | undefined =>
  referral.status ? { status: referral.status, substatus: referral.substatus ?? "None" } : undefined;

/** The columns every pull refreshes: the link to the referral and its readable status. */
function linkColumns(referral: Referral, options: ReferralToCrmOptions): Record<string, ColumnValue> {
  const columns: Record<string, ColumnValue> = {};
  if (referral.id) {
    columns[OpportunityColumns.referralId] = referral.id;
    columns[OpportunityColumns.referralLink] = referralPortalLink(referral.id, options.linkTemplate);
  }
  const state = stateOf(referral);
  if (state) columns[OpportunityColumns.referralStatus] = formatReferralState(state);
  return columns;
}

/** Writes the detail fields shared by opportunities and leads; in update mode a cleared value becomes null. */
function writeDetails(
  columns: Record<string, ColumnValue>,
  referral: Referral,
  mapping: Readonly<Record<string, ColumnList>>,
  fields: ReadonlySet<SyncField>,
  create: boolean,
): void {
  const put = (path: string, value: ColumnValue) => writeColumn(columns, mapping[path], value ?? (create ? undefined : null));
  if (fields.has("name")) put("name", referral.name);
  if (fields.has("dealValue")) put("details.dealValue", referral.details?.dealValue);
  if (fields.has("closingDate")) put("details.closingDateTime", toDateOnly(referral.details?.closingDateTime));
  if (fields.has("notes")) put("details.notes", referral.details?.notes);
  if (fields.has("microsoftCrmId")) put("trackingInfo.microsoftMsxId", referral.trackingInfo?.microsoftMsxId);
}

function currencyOf(referral: Referral, fields: ReadonlySet<SyncField>): string | undefined {
  const currency = referral.details?.currency?.trim().toUpperCase();
  return fields.has("currency") && currency ? currency : undefined;
}

/** Referral → opportunity columns (+ currency by ISO code, + state when the status is selected). */
export function mapReferralToOpportunity(referral: Referral, config: SyncConfig, options: ReferralToCrmOptions = {}): CrmChanges {
  const fields = selectedFields(config, options);
  const create = options.create ?? false;
  const columns = linkColumns(referral, options);
  writeDetails(columns, referral, resolveMapping(config).opportunity, fields, create);
  if (fields.has("helpNeeded")) columns[OpportunityColumns.helpNeeded] = helpNeededOption(referral.inviteContext?.assistanceRequestCode);
  if (fields.has("visibility")) {
    columns[OpportunityColumns.visibility] = referral.consent?.consentToShareReferralWithMicrosoftSellers ?? referral.type === "Shared";
  }
  if (create) columns[OpportunityColumns.syncWithPartnerCenter] = true;

  const changes: CrmChanges = { columns };
  const currency = currencyOf(referral, fields);
  if (currency) changes.currencyIsoCode = currency;
  const state = stateOf(referral);
  const crmState = state && fields.has("status") ? opportunityStateForReferral(state) : undefined;
  if (crmState) changes.state = crmState;
  return changes;
}

/** Referral → lead columns: company, first customer contact, address, details, state. */
export function mapReferralToLead(referral: Referral, config: SyncConfig, options: ReferralToCrmOptions = {}): CrmChanges {
  const fields = selectedFields(config, options);
  const create = options.create ?? false;
  const mapping = resolveMapping(config).lead;
  const columns = linkColumns(referral, options);
  writeDetails(columns, referral, mapping, fields, create);
  if (fields.has("helpNeeded")) columns[LeadColumns.helpNeeded] = helpNeededOption(referral.inviteContext?.assistanceRequestCode);
  if (create) {
    columns[LeadColumns.syncWithPartnerCenter] = true;
    const profile = referral.customerProfile;
    writeColumn(columns, mapping["customerProfile.name"], profile?.name);
    for (const [field, value] of Object.entries(profile?.address ?? {})) {
      writeColumn(columns, mapping[`customerProfile.address.${field}`], value);
    }
    const contact: Member | undefined = profile?.team?.[0];
    writeColumn(columns, mapping["contact.firstName"], contact?.firstName);
    writeColumn(columns, mapping["contact.lastName"], contact?.lastName);
    writeColumn(columns, mapping["contact.email"], contact?.email);
    writeColumn(columns, mapping["contact.phoneNumber"], contact?.phoneNumber);
  }
  const changes: CrmChanges = { columns };
  const currency = currencyOf(referral, fields);
  if (currency) changes.currencyIsoCode = currency;
  const state = stateOf(referral);
  if (state && fields.has("status")) changes.state = leadStateForReferral(state);
  return changes;
}

/** `customerProfile` → account columns for a new account; the country goes to the configured column. */
export function mapReferralToAccount(referral: Referral, config: SyncConfig): Record<string, ColumnValue> {
  const mapping = resolveMapping(config).account;
  const profile = referral.customerProfile;
  const columns: Record<string, ColumnValue> = {};
  writeColumn(columns, mapping["customerProfile.name"], profile?.name);
  for (const [field, value] of Object.entries(profile?.address ?? {})) {
    writeColumn(columns, mapping[`customerProfile.address.${field}`], field === "country" ? String(value).toUpperCase() : value);
  }
  return columns;
}

/**
 * The values that identify the referral's customer among existing accounts (name + postal code by
 * default, ARCHITECTURE.md "Account match"); undefined when the referral lacks one of them.
 */
export function accountMatchKeys(referral: Referral, config: SyncConfig): Record<string, string> | undefined {
  const account = mapReferralToAccount(referral, config);
  const keys: Record<string, string> = {};
  for (const column of accountMatchColumns(config)) {
    const value = account[column];
    if (value === undefined || value === null || String(value).trim() === "") return undefined;
    keys[column] = String(value).trim();
  }
  return Object.keys(keys).length ? keys : undefined;
}

/** `customerProfile.team` → contact columns, one record per contact with an e-mail (contacts match by e-mail). */
export function mapReferralToContacts(referral: Referral, config: SyncConfig): Record<string, ColumnValue>[] {
  const mapping = resolveMapping(config).contact;
  return (referral.customerProfile?.team ?? [])
    .filter((member) => member.email)
    .map((member) => {
      const columns: Record<string, ColumnValue> = {};
      writeColumn(columns, mapping.firstName, member.firstName);
      writeColumn(columns, mapping.lastName, member.lastName);
      writeColumn(columns, mapping.email, member.email);
      writeColumn(columns, mapping.phoneNumber, member.phoneNumber);
      return columns;
    });
}

/** Solution ids of the referral, to associate the matching `cosell_solution` rows. */
export function referralSolutionIds(referral: Referral): string[] {
  return [...new Set((referral.details?.requirements?.solutions ?? []).map((s) => s.id?.trim()).filter((id): id is string => Boolean(id)))];
}
