import {
  LeadState,
  LeadStatusReason,
  OpportunityState,
  OpportunityStatusReason,
} from "../crm/schema";
import type { ReferralState } from "../referral/types";

export interface CrmState {
  statecode: number;
  statuscode: number;
}

/**
 * Which CRM table a referral lives in (ARCHITECTURE.md "Leads"): not accepted yet → Lead;
 * accepted, won or lost → Opportunity; declined or expired without ever being accepted → Lead.
 */
export function crmTableForReferral(state: ReferralState): "lead" | "opportunity" {
  if (state.status === "Active") return "opportunity";
  if (state.status === "Closed") return state.substatus === "Won" || state.substatus === "Lost" ? "opportunity" : "lead";
  return "lead";
}

/** Opportunity state for a referral state; undefined for New (that is still a Lead). */
export function opportunityStateForReferral(state: ReferralState): CrmState | undefined {
  switch (state.status) {
    case "Active":
      return { statecode: OpportunityState.Open, statuscode: OpportunityStatusReason.InProgress };
    case "Closed":
      return state.substatus === "Won"
        ? { statecode: OpportunityState.Won, statuscode: OpportunityStatusReason.Won }
        : { statecode: OpportunityState.Lost, statuscode: OpportunityStatusReason.Canceled };
    default:
      return undefined;
  }
}

/** Lead state for a referral state. */
export function leadStateForReferral(state: ReferralState): CrmState {
  switch (state.status) {
    case "Active":
      return { statecode: LeadState.Qualified, statuscode: LeadStatusReason.Qualified };
    case "Closed":
      if (state.substatus === "Won" || state.substatus === "Lost") {
        return { statecode: LeadState.Qualified, statuscode: LeadStatusReason.Qualified };
      }
      return { statecode: LeadState.Disqualified, statuscode: LeadStatusReason.Canceled };
    default:
      return { statecode: LeadState.Open, statuscode: LeadStatusReason.New };
  }
}

/** Lost, Declined and Expired all read as "lost" in the CRM, so none of them is a change from it. */
const closedUnwon = (state: ReferralState): boolean =>
  state.status === "Closed" && ["Lost", "Declined", "Expired"].includes(state.substatus);

/**
 * The referral state an opportunity's state asks for. An open opportunity means accepted; a lost
 * one closes the referral as Lost, or as Declined when it was never accepted (§2.2).
 * `current` is the referral's state in Partner Center, if it exists yet.
 */
export function referralStateForOpportunity(statecode: number | null | undefined, current?: ReferralState): ReferralState {
  switch (statecode) {
    case OpportunityState.Won:
      return { status: "Closed", substatus: "Won" };
    case OpportunityState.Lost:
      if (current && closedUnwon(current)) return current;
      return current?.status === "New" ? { status: "Closed", substatus: "Declined" } : { status: "Closed", substatus: "Lost" };
    default:
      return { status: "Active", substatus: "Accepted" };
  }
}

/** The referral state a lead's state asks for: qualify = accept, disqualify = decline. */
export function referralStateForLead(statecode: number | null | undefined, current?: ReferralState): ReferralState {
  switch (statecode) {
    case LeadState.Qualified:
      return { status: "Active", substatus: "Accepted" };
    case LeadState.Disqualified:
      return current && closedUnwon(current) ? current : { status: "Closed", substatus: "Declined" };
    default:
      return current?.status === "New" ? current : { status: "New", substatus: "Pending" };
  }
}
