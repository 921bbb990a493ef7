/** The engine's public types: what the HTTP layer, the CLI and the job workers call and get back. */
import type { Violation } from "@cosell/core";

/** The seller on whose behalf a form-triggered sync or a lead answer runs. */
export interface ActingUser {
  /** Entra ID object id (`oid` claim); Dataverse writes are made as this user. */
  objectId: string;
  /** The user's Dynamics 365 language (LCID, e.g. 1053); messages and audit entries use it. Default English. */
  lcid?: number;
}

/** A co-sell rule the opportunity breaks, with its message and fix in the user's language. */
export interface ViolationReport extends Violation {
  message: string;
  fix: string;
}

export type SyncOutcomeKind = "synced" | "noop" | "error" | "invalid";

export interface SyncResult {
  /**
   * synced: a change went to one side or both (or the referral was created); noop: both sides
   * already agree, or the opportunity is not shared; invalid: the opportunity or the configuration
   * breaks a rule, nothing was sent; error: Partner Center refused, a record is missing, or a
   * service did not answer (then a retry is queued).
   */
  outcome: SyncOutcomeKind;
  /** For the form notification, in the user's language. */
  message: string;
  referralId?: string;
  referralLink?: string;
  violations?: ViolationReport[];
}

export interface LeadAcceptResult {
  outcome: "accepted";
  opportunityId: string;
  message: string;
}

export interface LeadDeclineResult {
  outcome: "declined";
  message: string;
}

export type LeadActionProblem =
  | "lead-not-found"
  | "not-from-partner-center"
  | "referral-not-found"
  | "referral-closed"
  | "reason-required"
  | "configuration-invalid";

/** Why a lead could not be accepted or declined; `message` is in the user's language. */
export class LeadActionError extends Error {
  constructor(
    readonly problem: LeadActionProblem,
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = "LeadActionError";
  }
}
