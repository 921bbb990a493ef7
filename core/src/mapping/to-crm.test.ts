import {
  HelpNeededOptions,
  LeadState,
  LeadStatusReason,
  OpportunityState,
  OpportunityStatusReason,
} from "../crm/schema";
import { DEFAULT_SYNC_CONFIG, parseSyncConfig, type SyncConfig } from "../config/sync-config";
import { parseReferral } from "../referral/parse";
import type { Referral } from "../referral/types";
import { readSample } from "../testing/fixtures";
import {
  DEFAULT_REFERRAL_LINK_TEMPLATE,
  accountMatchKeys,
  mapReferralToAccount,
  mapReferralToContacts,
  mapReferralToLead,
  mapReferralToOpportunity,
  referralPortalLink,
  referralSolutionIds,
} from "./to-crm";

function config(values: Record<string, string>): SyncConfig {
  const result = parseSyncConfig(values);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

/** The documented create response, with the fields Microsoft fills in later. */
function accepted(): Referral {
  const referral = parseReferral(readSample("referral-create-response.json"));
  return {
    ...referral,
    details: { ...referral.details, closingDateTime: "2026-04-30T00:00:00Z" },
    trackingInfo: { microsoftMsxId: "7-ABCDEF" },
    inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo" },
    consent: { consentToShareReferralWithMicrosoftSellers: true },
  };
}

describe("mapReferralToOpportunity", () => {
  it("updates only the fields that flow Partner Center → CRM, plus the link and status columns", () => {
    const changes = mapReferralToOpportunity(accepted(), DEFAULT_SYNC_CONFIG);
    expect(changes).toEqual({
      columns: {
        cosell_referralid: "4111fffc-f9ee-4d53-bba6-569135228642",
        cosell_referrallink: "https://partner.microsoft.com/dashboard/referrals/v2/opportunities/4111fffc-f9ee-4d53-bba6-569135228642",
        cosell_referralstatus: "Active · Accepted",
        estimatedvalue: 50000,
        estimatedclosedate: "2026-04-30",
        description: expect.stringContaining("supply chain"),
        cosell_microsoftcrmid: "7-ABCDEF",
      },
      currencyIsoCode: "USD",
      state: { statecode: OpportunityState.Open, statuscode: OpportunityStatusReason.InProgress },
    });
  });

  it("fills every mapped field when creating the opportunity from an accepted referral", () => {
    const { columns } = mapReferralToOpportunity(accepted(), DEFAULT_SYNC_CONFIG, { create: true });
    expect(columns).toMatchObject({
      name: "Test Cosell Invite_20",
      cosell_helpneeded: HelpNeededOptions.ProofOfConceptOrDemo,
      cosell_visibility: true,
      cosell_syncwithpartnercenter: true,
    });
  });

  it("writes exactly the requested fields, clearing values Partner Center no longer has", () => {
    const referral = accepted();
    delete referral.details?.notes;
    const changes = mapReferralToOpportunity(referral, DEFAULT_SYNC_CONFIG, { fields: ["notes", "status"] });
    expect(changes.columns).toMatchObject({ description: null });
    expect(changes.columns).not.toHaveProperty("estimatedvalue");
    expect(changes.currencyIsoCode).toBeUndefined();
    expect(changes.state).toEqual({ statecode: OpportunityState.Open, statuscode: OpportunityStatusReason.InProgress });
  });

  it("closes the opportunity when the referral is won", () => {
    const changes = mapReferralToOpportunity({ ...accepted(), status: "Closed", substatus: "Won" }, DEFAULT_SYNC_CONFIG);
    expect(changes.state).toEqual({ statecode: OpportunityState.Won, statuscode: OpportunityStatusReason.Won });
    expect(changes.columns.cosell_referralstatus).toBe("Closed · Won");
  });

  it("writes the deal value to a different column (documented customisation)", () => {
    const { columns } = mapReferralToOpportunity(accepted(), config({ cosell_DealValueField: "cosell_netvalue" }));
    expect(columns.cosell_netvalue).toBe(50000);
    expect(columns).not.toHaveProperty("estimatedvalue");
  });

  it("honours a field direction switched off in the field mapping", () => {
    const { columns } = mapReferralToOpportunity(accepted(), config({ cosell_FieldMapping: '{"fields":{"notes":{"direction":"toPartnerCenter"}}}' }));
    expect(columns).not.toHaveProperty("description");
  });

  it("uses a link template, e.g. the sandbox's emulator view", () => {
    expect(referralPortalLink("a b", "http://127.0.0.1:5000/referrals/{id}")).toBe("http://127.0.0.1:5000/referrals/a%20b");
    expect(DEFAULT_REFERRAL_LINK_TEMPLATE).toContain("{id}");
  });
});

describe("mapReferralToLead", () => {
  it("creates a lead from a new incoming referral", () => {
    const referral = parseReferral(readSample("referral-get-by-id-response-2019.json"));
    const changes = mapReferralToLead(referral, DEFAULT_SYNC_CONFIG, { create: true });
    expect(changes).toEqual({
      columns: {
        cosell_referralid: "61c65491-2f2c-461a-84b4-3654499bc1d9",
        cosell_referrallink: expect.stringContaining("61c65491-2f2c-461a-84b4-3654499bc1d9"),
        cosell_referralstatus: "New · Pending",
        budgetamount: 50000,
        description: expect.stringContaining("supply chain"),
        cosell_helpneeded: null,
        cosell_syncwithpartnercenter: true,
        companyname: "Contoso Customer Inc",
        address1_line1: "One Microsoft Way",
        address1_line2: "34",
        address1_city: "Redmond",
        address1_stateorprovince: "WA",
        address1_postalcode: "98052",
        address1_country: "US",
        firstname: "Sue",
        lastname: "Smith",
        emailaddress1: "sue.smith@contoso.com",
        telephone1: "1234567890",
      },
      currencyIsoCode: "USD",
      state: { statecode: LeadState.Open, statuscode: LeadStatusReason.New },
    });
  });

  it("disqualifies the lead when the referral is declined", () => {
    const referral = { ...parseReferral(readSample("referral-get-by-id-response.json")), status: "Closed" as const, substatus: "Declined" };
    expect(mapReferralToLead(referral, DEFAULT_SYNC_CONFIG).state).toEqual({ statecode: LeadState.Disqualified, statuscode: LeadStatusReason.Canceled });
  });
});

describe("customer: account and contacts", () => {
  const referral = parseReferral(readSample("referral-get-by-id-response-2019.json"));

  it("maps customerProfile to account columns", () => {
    expect(mapReferralToAccount(referral, DEFAULT_SYNC_CONFIG)).toEqual({
      name: "Contoso Customer Inc",
      address1_line1: "One Microsoft Way",
      address1_line2: "34",
      address1_city: "Redmond",
      address1_stateorprovince: "WA",
      address1_postalcode: "98052",
      address1_country: "US",
    });
  });

  it("puts the country code in a different account column (documented customisation)", () => {
    const account = mapReferralToAccount(referral, config({ cosell_CountryCodeField: "cosell_countryiso" }));
    expect(account.cosell_countryiso).toBe("US");
    expect(account).not.toHaveProperty("address1_country");
  });

  it("matches accounts by name and postal code, or by configured keys", () => {
    expect(accountMatchKeys(referral, DEFAULT_SYNC_CONFIG)).toEqual({ name: "Contoso Customer Inc", address1_postalcode: "98052" });
    expect(accountMatchKeys(referral, config({ cosell_FieldMapping: '{"accountMatch":["name","address1_city"]}' }))).toEqual({
      name: "Contoso Customer Inc",
      address1_city: "Redmond",
    });
    expect(accountMatchKeys({ customerProfile: { name: "No Address Ltd" } }, DEFAULT_SYNC_CONFIG)).toBeUndefined();
  });

  it("maps customer contacts with an e-mail to contact columns", () => {
    expect(mapReferralToContacts(referral, DEFAULT_SYNC_CONFIG)).toEqual([
      { firstname: "Sue", lastname: "Smith", emailaddress1: "sue.smith@contoso.com", telephone1: "1234567890" },
      { firstname: "Joe", lastname: "Hansen", emailaddress1: "joe.hansen@contoso.com", telephone1: "4035698759" },
    ]);
    expect(mapReferralToContacts({ customerProfile: { team: [{ firstName: "Anon" }] } }, DEFAULT_SYNC_CONFIG)).toEqual([]);
  });

  it("lists the referral's solution ids for the N:N", () => {
    expect(referralSolutionIds(parseReferral(readSample("referral-get-by-id-response.json")))).toEqual(["SOL-Microsoft365"]);
    expect(referralSolutionIds({})).toEqual([]);
  });
});
