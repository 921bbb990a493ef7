import { LeadState, LeadStatusReason, OpportunityState, OpportunityStatusReason } from "../crm/schema";
import type { ReferralState } from "../referral/types";
import {
  crmTableForReferral,
  leadStateForReferral,
  opportunityStateForReferral,
  referralStateForLead,
  referralStateForOpportunity,
} from "./crm-state";

const s = (status: ReferralState["status"], substatus: string): ReferralState => ({ status, substatus });

describe("referral → CRM state", () => {
  it.each([
    [s("New", "Pending"), "lead"],
    [s("New", "Received"), "lead"],
    [s("Active", "Accepted"), "opportunity"],
    [s("Closed", "Won"), "opportunity"],
    [s("Closed", "Lost"), "opportunity"],
    [s("Closed", "Declined"), "lead"],
    [s("Closed", "Expired"), "lead"],
  ])("%j lives in a %s", (state, table) => {
    expect(crmTableForReferral(state)).toBe(table);
  });

  it.each([
    [s("Active", "Accepted"), { statecode: OpportunityState.Open, statuscode: OpportunityStatusReason.InProgress }],
    [s("Closed", "Won"), { statecode: OpportunityState.Won, statuscode: OpportunityStatusReason.Won }],
    [s("Closed", "Lost"), { statecode: OpportunityState.Lost, statuscode: OpportunityStatusReason.Canceled }],
    [s("New", "Pending"), undefined],
  ])("opportunity state for %j", (state, expected) => {
    expect(opportunityStateForReferral(state)).toEqual(expected);
  });

  it.each([
    [s("New", "Pending"), { statecode: LeadState.Open, statuscode: LeadStatusReason.New }],
    [s("Active", "Accepted"), { statecode: LeadState.Qualified, statuscode: LeadStatusReason.Qualified }],
    [s("Closed", "Declined"), { statecode: LeadState.Disqualified, statuscode: LeadStatusReason.Canceled }],
    [s("Closed", "Expired"), { statecode: LeadState.Disqualified, statuscode: LeadStatusReason.Canceled }],
  ])("lead state for %j", (state, expected) => {
    expect(leadStateForReferral(state)).toEqual(expected);
  });
});

describe("CRM state → referral", () => {
  it("reads an open opportunity as accepted, won as Won", () => {
    expect(referralStateForOpportunity(OpportunityState.Open, s("New", "Pending"))).toEqual(s("Active", "Accepted"));
    expect(referralStateForOpportunity(OpportunityState.Won, s("Active", "Accepted"))).toEqual(s("Closed", "Won"));
  });

  it("closes a lost opportunity as Lost, or as Declined when it was never accepted", () => {
    expect(referralStateForOpportunity(OpportunityState.Lost, s("Active", "Accepted"))).toEqual(s("Closed", "Lost"));
    expect(referralStateForOpportunity(OpportunityState.Lost, s("New", "Received"))).toEqual(s("Closed", "Declined"));
  });

  it("keeps the referral's own closed reason when the CRM record is closed the same way", () => {
    expect(referralStateForOpportunity(OpportunityState.Lost, s("Closed", "Expired"))).toEqual(s("Closed", "Expired"));
    expect(referralStateForOpportunity(OpportunityState.Lost, s("Closed", "Declined"))).toEqual(s("Closed", "Declined"));
    expect(referralStateForLead(LeadState.Disqualified, s("Closed", "Expired"))).toEqual(s("Closed", "Expired"));
    expect(referralStateForOpportunity(OpportunityState.Lost, s("Closed", "Won"))).toEqual(s("Closed", "Lost"));
  });

  it("accepts on qualify and declines on disqualify", () => {
    expect(referralStateForLead(LeadState.Qualified, s("New", "Pending"))).toEqual(s("Active", "Accepted"));
    expect(referralStateForLead(LeadState.Disqualified, s("New", "Pending"))).toEqual(s("Closed", "Declined"));
    expect(referralStateForLead(LeadState.Open, s("New", "Received"))).toEqual(s("New", "Received"));
    expect(referralStateForLead(LeadState.Open)).toEqual(s("New", "Pending"));
  });
});
