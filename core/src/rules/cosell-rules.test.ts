import type { OpportunityContext } from "../crm/model";
import { HelpNeededOptions, OpportunityState } from "../crm/schema";
import { DEFAULT_SYNC_CONFIG, parseSyncConfig, type SyncConfig } from "../config/sync-config";
import { projectOpportunity } from "../sync/projection";
import { coSellOpportunity } from "../testing/fixtures";
import { MAX_NOTES_LENGTH, checkCoSellRules, formatViolation, type RuleOptions } from "./cosell-rules";

function config(values: Record<string, string>): SyncConfig {
  const result = parseSyncConfig(values);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

const check = (change: (ctx: OpportunityContext) => void, cfg = DEFAULT_SYNC_CONFIG, options?: RuleOptions) => {
  const ctx = coSellOpportunity();
  change(ctx);
  return checkCoSellRules(ctx, cfg, options);
};
const codes = (change: (ctx: OpportunityContext) => void, cfg = DEFAULT_SYNC_CONFIG, options?: RuleOptions) =>
  check(change, cfg, options).map((v) => v.code);

describe("checkCoSellRules", () => {
  it("finds nothing wrong with a complete co-sell opportunity", () => {
    expect(checkCoSellRules(coSellOpportunity(), DEFAULT_SYNC_CONFIG)).toEqual([]);
  });

  it("checks nothing while Sync with Partner Center is No", () => {
    expect(codes((ctx) => {
      ctx.opportunity.cosell_syncwithpartnercenter = false;
      ctx.solutions = [];
      ctx.account = null;
    })).toEqual([]);
  });

  describe("solutions", () => {
    it("needs at least one solution to share", () => {
      expect(check((ctx) => (ctx.solutions = []))).toEqual([
        { code: "solution-required", table: "opportunity", field: "cosell_opportunity_cosell_solution", messageKey: "solution-required", params: {} },
      ]);
    });

    it("does not count a catalog row without a solution id", () => {
      expect(codes((ctx) => (ctx.solutions = [{ cosell_name: "Draft", cosell_solutionidentifier: " " }]))).toEqual(["solution-required"]);
    });

    it("needs a solution for partner-led deals too", () => {
      expect(codes((ctx) => {
        ctx.opportunity.cosell_helpneeded = null;
        ctx.solutions = [];
      })).toEqual(["solution-required"]);
    });
  });

  describe("customer contacts", () => {
    it("needs a customer contact when Microsoft's help is asked", () => {
      expect(check((ctx) => (ctx.contacts = []))).toEqual([
        { code: "contact-required", table: "opportunity", field: "parentcontactid", messageKey: "contact-required", params: {} },
      ]);
    });

    it("needs that contact to have a name and an e-mail", () => {
      expect(check((ctx) => (ctx.contacts = [{ contactid: "c9", firstname: "Sue", lastname: "Smith" }]))).toEqual([
        { code: "contact-incomplete", table: "contact", field: "emailaddress1", messageKey: "contact-incomplete", params: { contact: "Sue Smith" } },
      ]);
      expect(check((ctx) => (ctx.contacts = [{ emailaddress1: "x@contoso.com" }]))[0]).toMatchObject({
        field: "lastname",
        params: { contact: "x@contoso.com" },
      });
    });

    it("is satisfied by one complete contact among incomplete ones", () => {
      expect(codes((ctx) => (ctx.contacts = [{ firstname: "No mail" }, ...(ctx.contacts ?? [])]))).toEqual([]);
    });

    it("does not need a contact when no help is asked", () => {
      expect(codes((ctx) => {
        ctx.opportunity.cosell_helpneeded = null;
        ctx.contacts = [];
      })).toEqual([]);
    });
  });

  describe("customer and country", () => {
    it("needs a customer account", () => {
      expect(codes((ctx) => (ctx.account = null))).toEqual(["customer-missing"]);
    });

    it("needs a country code", () => {
      expect(check((ctx) => (ctx.account = { ...ctx.account, address1_country: null }))).toEqual([
        { code: "country-missing", table: "account", field: "address1_country", messageKey: "country-missing", params: { field: "address1_country" } },
      ]);
    });

    it.each(["USA", "United States", "XX", "U"])("refuses %s as an ISO 3166-1 alpha-2 code", (value) => {
      expect(check((ctx) => (ctx.account = { ...ctx.account, address1_country: value }))).toEqual([
        { code: "country-invalid", table: "account", field: "address1_country", messageKey: "country-invalid", params: { field: "address1_country", value } },
      ]);
    });

    it.each(["se", " NL ", "XK"])("accepts %s", (value) => {
      expect(codes((ctx) => (ctx.account = { ...ctx.account, address1_country: value }))).toEqual([]);
    });

    it("reads the country from the configured column (documented customisation)", () => {
      const cfg = config({ cosell_CountryCodeField: "cosell_countryiso" });
      expect(codes((ctx) => (ctx.account = { ...ctx.account, address1_country: "Sweden", cosell_countryiso: "SE" }), cfg)).toEqual([]);
      expect(check((ctx) => (ctx.account = { ...ctx.account, address1_country: "SE", cosell_countryiso: "Sweden" }), cfg)[0]).toMatchObject({
        code: "country-invalid",
        field: "cosell_countryiso",
      });
    });
  });

  describe("currency", () => {
    it("needs a currency", () => {
      expect(codes((ctx) => (ctx.currencyIsoCode = null))).toEqual(["currency-missing"]);
    });

    it.each(["US$", "EURO", "ABC"])("refuses %s as an ISO 4217 code", (value) => {
      expect(check((ctx) => (ctx.currencyIsoCode = value))[0]).toMatchObject({ code: "currency-invalid", field: "transactioncurrencyid", params: { value } });
    });

    it("accepts a lower-case ISO 4217 code", () => {
      expect(codes((ctx) => (ctx.currencyIsoCode = "sek"))).toEqual([]);
    });
  });

  describe("deal value", () => {
    it("needs a deal value", () => {
      expect(check((ctx) => (ctx.opportunity.estimatedvalue = null))).toEqual([
        { code: "deal-value-missing", table: "opportunity", field: "estimatedvalue", messageKey: "deal-value-missing", params: { field: "estimatedvalue" } },
      ]);
    });

    it("refuses a negative deal value", () => {
      expect(check((ctx) => (ctx.opportunity.estimatedvalue = -5))[0]).toMatchObject({ code: "deal-value-invalid", params: { value: "-5" } });
    });

    it("refuses text in a remapped deal value column", () => {
      expect(codes((ctx) => (ctx.opportunity.cosell_dealvalue = "a lot"), config({ cosell_DealValueField: "cosell_dealvalue" }))).toEqual(["deal-value-invalid"]);
    });

    it("accepts 0 in an ordinary column, but not in a calculated one", () => {
      expect(codes((ctx) => (ctx.opportunity.estimatedvalue = 0))).toEqual([]);
      expect(codes((ctx) => (ctx.opportunity.estimatedvalue = 0), DEFAULT_SYNC_CONFIG, { dealValueIsCalculated: true })).toEqual(["deal-value-zero-calculated"]);
      expect(codes((ctx) => (ctx.opportunity.estimatedvalue = null), DEFAULT_SYNC_CONFIG, { dealValueIsCalculated: true })).toEqual(["deal-value-zero-calculated"]);
    });

    it("reads the deal value from the configured column (documented customisation)", () => {
      const cfg = config({ cosell_DealValueField: "cosell_netvalue" });
      expect(check((ctx) => (ctx.opportunity.cosell_netvalue = null), cfg)[0]).toMatchObject({ code: "deal-value-missing", field: "cosell_netvalue" });
      expect(codes((ctx) => (ctx.opportunity.cosell_netvalue = 10), cfg)).toEqual([]);
    });
  });

  describe("name, close date and notes", () => {
    it("needs a name (the check mark alone is not one)", () => {
      expect(codes((ctx) => (ctx.opportunity.name = " "))).toEqual(["name-missing"]);
    });

    it("needs a valid close date", () => {
      expect(codes((ctx) => (ctx.opportunity.estimatedclosedate = null))).toEqual(["close-date-missing"]);
      expect(check((ctx) => (ctx.opportunity.estimatedclosedate = "2026-02-30"))[0]).toMatchObject({ code: "close-date-invalid", field: "estimatedclosedate" });
    });

    it("needs notes, within the limit", () => {
      expect(codes((ctx) => (ctx.opportunity.description = ""))).toEqual(["notes-missing"]);
      expect(codes((ctx) => (ctx.opportunity.description = "x".repeat(MAX_NOTES_LENGTH)))).toEqual([]);
      expect(check((ctx) => (ctx.opportunity.description = "x".repeat(MAX_NOTES_LENGTH + 1)))[0]).toMatchObject({
        code: "notes-too-long",
        field: "description",
        params: { length: MAX_NOTES_LENGTH + 1, max: MAX_NOTES_LENGTH },
      });
    });
  });

  describe("owner", () => {
    it("needs the owner's name, e-mail and phone for the partner team", () => {
      expect(check((ctx) => (ctx.owner = { ...ctx.owner, address1_telephone1: null }))).toEqual([
        { code: "owner-incomplete", table: "systemuser", field: "address1_telephone1", messageKey: "owner-incomplete", params: {} },
      ]);
      expect(codes((ctx) => (ctx.owner = null))).toEqual(["owner-incomplete"]);
    });
  });

  describe("against the last synced state", () => {
    const previousOf = (change: (ctx: OpportunityContext) => void = () => undefined) => {
      const ctx = coSellOpportunity();
      change(ctx);
      return projectOpportunity(ctx, DEFAULT_SYNC_CONFIG);
    };

    it("refuses to make a shared referral private again", () => {
      const previous = previousOf((ctx) => (ctx.opportunity.cosell_helpneeded = null));
      expect(check((ctx) => {
        ctx.opportunity.cosell_helpneeded = null;
        ctx.opportunity.cosell_visibility = false;
      }, DEFAULT_SYNC_CONFIG, { previous })).toEqual([
        { code: "visibility-revoked", table: "opportunity", field: "cosell_visibility", messageKey: "visibility-revoked", params: {} },
      ]);
    });

    it("allows making a private referral visible", () => {
      const previous = previousOf((ctx) => {
        ctx.opportunity.cosell_helpneeded = null;
        ctx.opportunity.cosell_visibility = false;
      });
      expect(codes((ctx) => (ctx.opportunity.cosell_helpneeded = null), DEFAULT_SYNC_CONFIG, { previous })).toEqual([]);
    });

    it("refuses every change to a closed referral, per changed column", () => {
      const previous = { ...previousOf(), status: { status: "Closed" as const, substatus: "Won" } };
      const violations = check((ctx) => {
        ctx.opportunity.statecode = OpportunityState.Won;
        ctx.opportunity.estimatedvalue = 1;
        ctx.opportunity.cosell_helpneeded = HelpNeededOptions.QuotesOrLicensing;
      }, DEFAULT_SYNC_CONFIG, { previous });
      expect(violations).toEqual([
        { code: "referral-closed", table: "opportunity", field: "estimatedvalue", messageKey: "referral-closed", params: { status: "Closed · Won" } },
        { code: "referral-closed", table: "opportunity", field: "cosell_helpneeded", messageKey: "referral-closed", params: { status: "Closed · Won" } },
      ]);
    });

    it("lets a closed referral's opportunity be saved unchanged", () => {
      const previous = { ...previousOf(), status: { status: "Closed" as const, substatus: "Won" } };
      expect(codes((ctx) => (ctx.opportunity.statecode = OpportunityState.Won), DEFAULT_SYNC_CONFIG, { previous })).toEqual([]);
    });

    it("refuses reopening a closed referral", () => {
      const previous = { ...previousOf(), status: { status: "Closed" as const, substatus: "Lost" } };
      expect(check(() => undefined, DEFAULT_SYNC_CONFIG, { previous })).toEqual([
        { code: "referral-closed", table: "opportunity", field: "statecode", messageKey: "referral-closed", params: { status: "Closed · Lost" } },
      ]);
    });
  });

  it("lists every problem of a bare opportunity at once", () => {
    const violations = checkCoSellRules(
      { opportunity: { opportunityid: "x", cosell_syncwithpartnercenter: true, cosell_helpneeded: HelpNeededOptions.GeneralOrOther } },
      DEFAULT_SYNC_CONFIG,
    );
    expect(violations.map((v) => v.code)).toEqual([
      "name-missing",
      "deal-value-missing",
      "currency-missing",
      "close-date-missing",
      "notes-missing",
      "customer-missing",
      "solution-required",
      "owner-incomplete",
      "contact-required",
    ]);
  });
});

describe("formatViolation", () => {
  it("explains a violation with its fix in the user's language", () => {
    const [violation] = check((ctx) => (ctx.account = { ...ctx.account, address1_country: "USA" }));
    expect(formatViolation(violation, 1033)).toEqual({
      message: '"USA" is not a two-letter ISO 3166 country code.',
      fix: "Use a code such as US, SE or NL in the account's address1_country column.",
    });
    expect(formatViolation(violation, 1045).message).toBe("„USA” nie jest dwuliterowym kodem kraju ISO 3166.");
    expect(formatViolation(violation, 2052).fix).toContain("address1_country");
  });

  it("falls back to English for other languages", () => {
    const [violation] = check((ctx) => (ctx.solutions = []));
    expect(formatViolation(violation, 1031)).toEqual(formatViolation(violation, 1033));
  });
});
