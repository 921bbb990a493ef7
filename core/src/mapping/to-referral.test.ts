import { HelpNeededOptions, SolutionKindOptions } from "../crm/schema";
import { DEFAULT_SYNC_CONFIG, parseSyncConfig, type SyncConfig } from "../config/sync-config";
import { parseReferral } from "../referral/parse";
import { OPPORTUNITY_ID, coSellOpportunity } from "../testing/fixtures";
import { customerSizeFor, mapMicrosoftInvitation, mapOpportunityToReferral } from "./to-referral";

function config(values: Record<string, string>): SyncConfig {
  const result = parseSyncConfig(values);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

describe("mapOpportunityToReferral", () => {
  it("builds a Shared co-sell referral from an opportunity with help needed", () => {
    const body = mapOpportunityToReferral(coSellOpportunity(), DEFAULT_SYNC_CONFIG);
    expect(body).toEqual({
      name: "Contoso supply chain",
      externalReferenceId: OPPORTUNITY_ID,
      type: "Shared",
      qualification: "SalesQualified",
      customerProfile: {
        name: "Contoso Customer Inc",
        address: { addressLine1: "One Microsoft Way", city: "Redmond", state: "WA", postalCode: "98052", country: "US" },
        size: "10to50employees",
        team: [{ firstName: "Sue", lastName: "Smith", email: "sue.smith@contoso.com", phoneNumber: "1234567890" }],
      },
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      details: {
        notes: "Customer wants Dynamics 365 Supply Chain with custom apps.",
        dealValue: 50000,
        currency: "USD",
        closingDateTime: "2026-03-31T00:00:00Z",
        requirements: {
          solutions: [{ id: "SOL-34104-EBB", type: "Name", name: "Contoso Field Analytics", publisherName: "Fabrikam Partner", solutionType: "3P" }],
        },
      },
      team: [{ firstName: "John", lastName: "Doe", email: "john.doe@fabrikam.com", phoneNumber: "1231231234" }],
      target: [{ type: "SolutionProfile", id: "SOL-34104-EBB" }],
      inviteContext: { assistanceRequestCode: "CustomerTechnicalArchitecture" },
    });
  });

  it("reads back through parseReferral unchanged (it is a valid wire body)", () => {
    const body = mapOpportunityToReferral(coSellOpportunity(), DEFAULT_SYNC_CONFIG);
    expect(parseReferral(JSON.parse(JSON.stringify(body)))).toEqual(body);
  });

  it("makes a partner-led deal Independent but visible", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.cosell_helpneeded = null;
    const body = mapOpportunityToReferral(ctx, DEFAULT_SYNC_CONFIG);
    expect(body).toMatchObject({ type: "Independent", target: [], consent: { consentToShareReferralWithMicrosoftSellers: true } });
    expect(body.inviteContext).toBeUndefined();
  });

  it("makes a private deal Independent and not visible (§2.8)", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.cosell_helpneeded = null;
    ctx.opportunity.cosell_visibility = false;
    expect(mapOpportunityToReferral(ctx, DEFAULT_SYNC_CONFIG)).toMatchObject({
      type: "Independent",
      target: [],
      consent: { consentToShareReferralWithMicrosoftSellers: false },
    });
  });

  it("shares with Microsoft sellers whenever help is asked, even if visibility was left No", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.cosell_visibility = false;
    ctx.opportunity.cosell_helpneeded = HelpNeededOptions.QuotesOrLicensing;
    const body = mapOpportunityToReferral(ctx, DEFAULT_SYNC_CONFIG);
    expect(body.consent.consentToShareReferralWithMicrosoftSellers).toBe(true);
    expect(body.inviteContext?.assistanceRequestCode).toBe("QuotesOrLicensing");
  });

  it("sends every attached solution, targets partner solutions, and skips contacts without e-mail", () => {
    const ctx = coSellOpportunity();
    ctx.solutions = [
      { cosell_solutionidentifier: "SOL-1-MS", cosell_name: "Azure", cosell_kind: SolutionKindOptions.MicrosoftSolution },
      ...(ctx.solutions ?? []),
      { cosell_solutionidentifier: "sol-34104-ebb", cosell_name: "duplicate" },
    ];
    ctx.contacts = [...(ctx.contacts ?? []), { firstname: "No", lastname: "Mail" }, { firstname: "Sue", emailaddress1: "SUE.SMITH@contoso.com" }];
    const body = mapOpportunityToReferral(ctx, DEFAULT_SYNC_CONFIG);
    expect(body.details.requirements?.solutions?.map((s) => s.id)).toEqual(["SOL-1-MS", "SOL-34104-EBB"]);
    expect(body.details.requirements?.solutions?.[0]).not.toHaveProperty("solutionType");
    expect(body.target).toEqual([{ type: "SolutionProfile", id: "SOL-34104-EBB" }]);
    expect(body.customerProfile.team).toHaveLength(1);
  });

  it("reads a date-time close date as its UTC calendar date and takes the owner's mobile when there is no main phone", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.estimatedclosedate = "2026-03-31T22:30:00Z";
    ctx.owner = { ...ctx.owner, address1_telephone1: null, mobilephone: "+46 70 123" };
    const body = mapOpportunityToReferral(ctx, DEFAULT_SYNC_CONFIG);
    expect(body.details.closingDateTime).toBe("2026-03-31T00:00:00Z");
    expect(body.team[0].phoneNumber).toBe("+46 70 123");
  });

  it("invites Microsoft with a connected referral in the same engagement (§3.3)", () => {
    const body = mapOpportunityToReferral(coSellOpportunity(), DEFAULT_SYNC_CONFIG);
    const invitation = mapMicrosoftInvitation(body, "37ef26aa-1d15-4533-9f93-a69bd33ab1e5");
    expect(invitation).toMatchObject({ engagementId: "37ef26aa-1d15-4533-9f93-a69bd33ab1e5", target: [{ type: "BusinessProfileLocation", id: "msft" }] });
    expect(invitation.details).toEqual(body.details);
  });
});

describe("documented customisations (PRODUCT.md §6 scenario 6), CRM → Partner Center", () => {
  it("takes the deal value from a different column", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.cosell_netvalue = 12500.5;
    const body = mapOpportunityToReferral(ctx, config({ cosell_DealValueField: "cosell_netvalue" }));
    expect(body.details.dealValue).toBe(12500.5);
  });

  it("takes the country from a different account column, upper-cased", () => {
    const ctx = coSellOpportunity();
    ctx.account = { ...ctx.account, address1_country: "United States", cosell_countryiso: "se" };
    const body = mapOpportunityToReferral(ctx, config({ cosell_CountryCodeField: "cosell_countryiso" }));
    expect(body.customerProfile.address?.country).toBe("SE");
  });

  it("never sends the check mark, whether it is switched on or off", () => {
    for (const value of ["yes", "no"]) {
      const ctx = coSellOpportunity();
      ctx.opportunity.name = "Contoso supply chain ✖";
      expect(mapOpportunityToReferral(ctx, config({ cosell_DisplayCheckMark: value })).name).toBe("Contoso supply chain");
    }
  });

  it("follows the field-mapping JSON, including a column list fallback", () => {
    const ctx = coSellOpportunity();
    ctx.opportunity.cosell_partnernotes = "Notes for Microsoft";
    ctx.account = { ...ctx.account, address1_postalcode: null, address2_postalcode: "11122" };
    const body = mapOpportunityToReferral(
      ctx,
      config({
        cosell_FieldMapping: JSON.stringify({
          opportunity: { "details.notes": "cosell_partnernotes" },
          account: { "customerProfile.address.postalCode": ["address1_postalcode", "address2_postalcode"] },
        }),
      }),
    );
    expect(body.details.notes).toBe("Notes for Microsoft");
    expect(body.customerProfile.address?.postalCode).toBe("11122");
  });
});

describe("customerSizeFor", () => {
  it.each([
    [1, "1to9employees"],
    [50, "10to50employees"],
    [251, "251to1000employees"],
    [20000, "10001to20000employees"],
    [20001, "Morethan20000employees"],
    [0, undefined],
    [null, undefined],
  ])("%s employees → %s", (count, size) => {
    expect(customerSizeFor(count)).toBe(size);
  });
});
