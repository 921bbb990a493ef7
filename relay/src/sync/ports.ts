/**
 * What the sync engine needs from Partner Center and from Dataverse, in its own words. The adapters
 * in `adapters/` implement these over the relay's two clients; tests may implement them in memory.
 * Records are plain rows keyed by logical names, as `@cosell/core` models them.
 */
import type {
  ColumnValue,
  EnvironmentValues,
  JsonPatchOperation,
  LeadRecord,
  OpportunityContext,
  OpportunityRecord,
  Referral,
  ReferralCreateBody,
  SyncConfig,
} from "@cosell/core";

// ---- Partner Center ------------------------------------------------------------------------------

export interface PartnerCenterPort {
  /** The referral, or undefined when Partner Center has none with this id (or hides it from us). */
  get(referralId: string): Promise<Referral | undefined>;
  /** POSTs a referral; never retried by the adapter (a resend could create a second one). */
  create(body: ReferralCreateBody): Promise<Referral>;
  /**
   * JSON Patch with `If-Match`. Throws {@link StaleReferralError} when the referral changed since
   * `eTag` was read (412) or was closed meanwhile (409), {@link ReferralRejectedError} when Partner
   * Center refuses the content (400).
   */
  patch(referralId: string, operations: JsonPatchOperation[], eTag: string): Promise<Referral>;
  /** Referrals updated after `since` (all pages), oldest first. */
  updatedSince(since: Date): AsyncIterable<Referral>;
  /** Every referral of the same engagement, this one included. */
  related(referral: Referral): Promise<Referral[]>;
}

/** 412/409: someone else wrote first. Re-read, re-diff, retry. */
export class StaleReferralError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "StaleReferralError";
  }
}

/** 400: Partner Center refused the content; retrying the same data cannot succeed. */
export class ReferralRejectedError extends Error {
  constructor(
    message: string,
    readonly target?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ReferralRejectedError";
  }
}

// ---- Dataverse -----------------------------------------------------------------------------------

/** A row and the version it was read at, for `If-Match` writes. */
export interface Versioned<T> {
  record: T;
  etag: string;
}

/** A lookup to set: the table of the row it points to and its id (null clears the lookup). */
export interface LookupValue {
  table: string;
  id: string;
}

/**
 * Column values to write. `lookups` is keyed by the Web API navigation property (the lookup's
 * logical name, or `customerid_account` style for a polymorphic lookup).
 */
export interface CrmWrite {
  columns: Record<string, ColumnValue>;
  lookups?: Record<string, LookupValue | null>;
}

export interface LeadRow extends LeadRecord {
  /** The opportunity QualifyLead made from this lead, if any. */
  qualifyingOpportunityId?: string;
  /** The lead's account lookup, if set. */
  parentAccountId?: string;
}

export interface CloseDetails {
  subject: string;
  description?: string;
  actualRevenue?: number;
}

export interface DataversePort {
  /** The same port acting for a user (impersonation by Entra object id). */
  actingAs(objectId: string): DataversePort;

  /** Current values of the product's environment variables (schema name → value; default when no current value). */
  environmentValues(): Promise<EnvironmentValues>;

  /** The opportunity with everything sharing it needs, read through the configured mapping. */
  opportunityContext(opportunityId: string, config: SyncConfig): Promise<Versioned<OpportunityContext> | undefined>;
  /** Just the columns the engine's outcome writes touch (name, audit, status columns). */
  opportunity(opportunityId: string): Promise<Versioned<OpportunityRecord> | undefined>;
  findOpportunityByReferralId(referralId: string): Promise<string | undefined>;
  createOpportunity(write: CrmWrite): Promise<string>;
  /** With `etag`, only if the row is still at that version (else {@link CrmRecordChangedError}). */
  updateOpportunity(opportunityId: string, write: CrmWrite, etag?: string): Promise<void>;
  winOpportunity(opportunityId: string, close: CloseDetails): Promise<void>;
  loseOpportunity(opportunityId: string, close: CloseDetails, statuscode: number): Promise<void>;
  /** Back to Open/In Progress, so it can be closed differently. */
  reopenOpportunity(opportunityId: string): Promise<void>;

  /** The lead with its co-sell columns plus `extraColumns` (columns the lead mapping names). */
  lead(leadId: string, extraColumns?: readonly string[]): Promise<Versioned<LeadRow> | undefined>;
  findLeadByReferralId(referralId: string): Promise<string | undefined>;
  createLead(write: CrmWrite): Promise<string>;
  updateLead(leadId: string, write: CrmWrite, etag?: string): Promise<void>;
  /** QualifyLead creating only an opportunity for the given account; returns the opportunity id. */
  qualifyLead(leadId: string, options: { accountId?: string; currencyId?: string }): Promise<string>;

  /** An account whose columns equal all the given values, if any. */
  findAccount(keys: Readonly<Record<string, string>>): Promise<string | undefined>;
  createAccount(columns: Record<string, ColumnValue>): Promise<string>;
  findContactByEmail(email: string): Promise<string | undefined>;
  createContact(columns: Record<string, ColumnValue>): Promise<string>;

  currencyIdByIsoCode(isoCode: string): Promise<string | undefined>;
  /** Catalog rows (`cosell_solution`) for Partner Center solution ids; unknown ids are skipped. */
  solutionRowIds(solutionIdentifiers: readonly string[]): Promise<string[]>;
  /** Adds the catalog rows to the opportunity's Microsoft Partner Center Solutions. */
  attachSolutions(opportunityId: string, solutionRowIds: readonly string[]): Promise<void>;

  /** Ids of opportunities with Sync with Partner Center = Yes modified at or after `since`, a page at a time. */
  opportunitiesModifiedSince(since: Date): AsyncIterable<string[]>;
  /** Referral ids of leads linked to a referral and modified at or after `since`, a page at a time. */
  referralLeadsModifiedSince(since: Date): AsyncIterable<string[]>;
}

/** 412 on a Dataverse write: the row changed since it was read. */
export class CrmRecordChangedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "CrmRecordChangedError";
  }
}

/**
 * A configured column that does not exist on its table: an admin setting is wrong, so the job
 * cannot succeed until it is fixed.
 */
export class ConfiguredColumnError extends Error {
  constructor(
    message: string,
    readonly column: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "ConfiguredColumnError";
  }
}
