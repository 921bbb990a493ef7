import { LeadState, OpportunityState } from "../crm/schema";
import { DEFAULT_SYNC_CONFIG } from "../config/sync-config";
import { mapOpportunityToReferral } from "../mapping/to-referral";
import { parseReferral } from "../referral/parse";
import { coSellOpportunity, readSample } from "../testing/fixtures";
import { changedFields, projectLead, projectOpportunity, projectReferral, projectionsEqual } from "./projection";

describe("projectReferral", () => {
  it("projects the documented get-by-id sample onto the synced fields", () => {
    expect(projectReferral(parseReferral(readSample("referral-get-by-id-response.json")))).toEqual({
      dealValue: 10000,
      currency: "USD",
      closingDate: "2020-12-01",
      notes: "We are interested in deploying Microsoft 365 and are looking for support in training our employees. Can you help?",
      status: { status: "New", substatus: "Pending" },
      visibility: false,
      solutions: [{ id: "SOL-Microsoft365", name: "Microsoft365" }],
      customerContacts: [],
    });
  });

  it("survives a JSON round trip (the relay stores it)", () => {
    const projection = projectReferral(parseReferral(readSample("referral-create-response.json")));
    expect(JSON.parse(JSON.stringify(projection))).toEqual(projection);
  });
});

describe("echo suppression", () => {
  it("sees no change between an opportunity and the referral created from it", () => {
    const ctx = coSellOpportunity();
    const created = { ...mapOpportunityToReferral(ctx, DEFAULT_SYNC_CONFIG), id: "r1", status: "Active" as const, substatus: "Accepted" };
    const fromCrm = projectOpportunity(ctx, DEFAULT_SYNC_CONFIG, { status: "Active", substatus: "Accepted" });
    expect(projectionsEqual(fromCrm, projectReferral(created))).toBe(true);
  });

  it("ignores what Partner Center adds or reorders: casing, line endings, order of solutions and contacts", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.description = "Line one\r\nLine two";
    ctx.solutions = [...(ctx.solutions ?? []), { cosell_solutionidentifier: "SOL-0001-AAA" }];
    const crm = projectOpportunity(ctx, DEFAULT_SYNC_CONFIG);
    const fromPartnerCenter = projectReferral({
      name: "Contoso supply chain",
      status: "Active",
      substatus: "Accepted",
      details: {
        notes: "Line one\nLine two",
        dealValue: 50000.00001,
        currency: "usd",
        closingDateTime: "2026-03-31T00:00:00.0000000Z",
        requirements: { solutions: [{ id: "SOL-34104-EBB", name: "Renamed in catalog", solutionType: "3P" }, { id: "sol-0001-aaa" }] },
      },
      customerProfile: { team: [{ email: "Sue.Smith@contoso.com", firstName: "Sue", lastName: "Smith", phoneNumber: "1234567890", contactPreference: { locale: "en-us" } }] },
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      inviteContext: { assistanceRequestCode: "CustomerTechnicalArchitecture", notes: "extra" },
    });
    expect(changedFields(crm, fromPartnerCenter)).toEqual([]);
  });

  it("reports each field a seller changed", () => {
    const before = projectOpportunity(coSellOpportunity(), DEFAULT_SYNC_CONFIG);
    const ctx = coSellOpportunity();
    ctx.opportunity.estimatedvalue = 60000;
    ctx.opportunity.estimatedclosedate = "2026-05-01";
    ctx.opportunity.statecode = OpportunityState.Won;
    ctx.contacts = [];
    expect(changedFields(before, projectOpportunity(ctx, DEFAULT_SYNC_CONFIG))).toEqual(["dealValue", "closingDate", "status", "customerContacts"]);
  });
});

describe("projectLead", () => {
  it("projects a lead onto its status only", () => {
    expect(projectLead({ statecode: LeadState.Qualified }, { status: "New", substatus: "Pending" })).toEqual({
      status: { status: "Active", substatus: "Accepted" },
    });
  });
});
