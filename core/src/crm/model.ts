/**
 * The CRM side, independent of transport: plain records keyed by Dataverse logical names
 * (schema.ts), as the Web API returns them. Optional columns may be null (cleared) or absent (not
 * selected). Index signatures let configured columns (deal value, country code, field mapping) be read.
 */
import type { AssistanceRequestCode } from "./schema";

export type ColumnValue = string | number | boolean | null | undefined;

export interface OpportunityRecord {
  opportunityid: string;
  name?: string | null;
  estimatedvalue?: number | null;
  /** Date only (`YYYY-MM-DD`) or an ISO date-time. */
  estimatedclosedate?: string | null;
  description?: string | null;
  statecode?: number | null;
  statuscode?: number | null;
  cosell_syncwithpartnercenter?: boolean | null;
  cosell_referralid?: string | null;
  cosell_referrallink?: string | null;
  /** A HelpNeededOptions value. */
  cosell_helpneeded?: number | null;
  cosell_visibility?: boolean | null;
  cosell_microsoftcrmid?: string | null;
  cosell_audit?: string | null;
  /** A SyncStatusOptions value. */
  cosell_syncstatus?: number | null;
  cosell_referralstatus?: string | null;
  cosell_lastsyncedon?: string | null;
  [column: string]: ColumnValue;
}

export interface LeadRecord {
  leadid?: string;
  subject?: string | null;
  companyname?: string | null;
  firstname?: string | null;
  lastname?: string | null;
  emailaddress1?: string | null;
  telephone1?: string | null;
  budgetamount?: number | null;
  estimatedclosedate?: string | null;
  description?: string | null;
  statecode?: number | null;
  statuscode?: number | null;
  [column: string]: ColumnValue;
}

export interface AccountRecord {
  accountid?: string;
  name?: string | null;
  address1_line1?: string | null;
  address1_line2?: string | null;
  address1_city?: string | null;
  address1_stateorprovince?: string | null;
  address1_postalcode?: string | null;
  address1_country?: string | null;
  numberofemployees?: number | null;
  [column: string]: ColumnValue;
}

export interface ContactRecord {
  contactid?: string;
  firstname?: string | null;
  lastname?: string | null;
  emailaddress1?: string | null;
  telephone1?: string | null;
  mobilephone?: string | null;
  [column: string]: ColumnValue;
}

export interface SystemUserRecord {
  systemuserid?: string;
  firstname?: string | null;
  lastname?: string | null;
  internalemailaddress?: string | null;
  address1_telephone1?: string | null;
  mobilephone?: string | null;
  [column: string]: ColumnValue;
}

/** A row of the co-sell solution catalog (`cosell_solution`). */
export interface SolutionRecord {
  cosell_solutionid?: string;
  cosell_name?: string | null;
  /** Partner Center solution id, e.g. `SOL-15974-MQF`. */
  cosell_solutionidentifier?: string | null;
  /** A SolutionKindOptions value. */
  cosell_kind?: number | null;
  cosell_publisher?: string | null;
  [column: string]: ColumnValue;
}

/**
 * An opportunity with what sharing it needs: its account, customer contacts, the co-sell solutions
 * of the N:N, its owner and the ISO code of its currency (`transactioncurrency.isocurrencycode`).
 */
export interface OpportunityContext {
  opportunity: OpportunityRecord;
  account?: AccountRecord | null;
  contacts?: readonly ContactRecord[];
  solutions?: readonly SolutionRecord[];
  owner?: SystemUserRecord | null;
  currencyIsoCode?: string | null;
}

/**
 * Column values to write to a CRM record. The currency is a lookup, so it is given by ISO code and
 * the caller resolves it to `transactioncurrencyid`; the state change is separate because Dataverse
 * closes opportunities and qualifies leads through dedicated messages.
 */
export interface CrmChanges {
  columns: Record<string, ColumnValue>;
  currencyIsoCode?: string;
  state?: { statecode: number; statuscode: number };
}

export type { AssistanceRequestCode };
