import { EnvironmentVariables } from "../crm/schema";
import { DefaultFieldRules } from "../sync/fields";
import { BuiltInMapping, parseFieldMapping } from "./field-mapping";
import { DEFAULT_SYNC_CONFIG, accountMatchColumns, fieldRules, parseSyncConfig, resolveMapping, type SyncConfig } from "./sync-config";

const vars = EnvironmentVariables;

function parsed(values: Record<string, string | null>): SyncConfig {
  const result = parseSyncConfig(values);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.config;
}

describe("SyncConfig defaults", () => {
  it("equal the environment variables' default values", () => {
    expect(DEFAULT_SYNC_CONFIG).toEqual({
      displayCheckMark: true,
      dealValueField: "estimatedvalue",
      countryCodeField: "address1_country",
      relayUrl: "",
      fieldMapping: {},
    });
    expect(parsed({})).toEqual(DEFAULT_SYNC_CONFIG);
  });

  it("uses the default when a variable has no current value", () => {
    expect(parsed({ [vars.dealValueField.schemaName]: "", [vars.displayCheckMark.schemaName]: null })).toEqual(DEFAULT_SYNC_CONFIG);
  });
});

describe("parseSyncConfig", () => {
  it("reads every variable, by schema name in any casing", () => {
    const config = parsed({
      cosell_displaycheckmark: "no",
      [vars.dealValueField.schemaName]: "cosell_DealValue",
      [vars.countryCodeField.schemaName]: " cosell_countryiso ",
      [vars.relayUrl.schemaName]: "https://relay.contoso.com/",
      [vars.fieldMapping.schemaName]: '{"opportunity":{"details.notes":"cosell_partnernotes"}}',
    });
    expect(config).toEqual({
      displayCheckMark: false,
      dealValueField: "cosell_dealvalue",
      countryCodeField: "cosell_countryiso",
      relayUrl: "https://relay.contoso.com",
      fieldMapping: { opportunity: { "details.notes": ["cosell_partnernotes"] } },
    });
  });

  it("accepts http only for a relay on this machine", () => {
    expect(parsed({ [vars.relayUrl.schemaName]: "http://localhost:7071" }).relayUrl).toBe("http://localhost:7071");
    expect(parseSyncConfig({ [vars.relayUrl.schemaName]: "http://relay.contoso.com" }).ok).toBe(false);
  });

  it("returns every problem at once, each naming the variable and the fix", () => {
    const result = parseSyncConfig({
      [vars.displayCheckMark.schemaName]: "maybe",
      [vars.dealValueField.schemaName]: "Est. Revenue",
      [vars.countryCodeField.schemaName]: "_address1_country_value",
      [vars.relayUrl.schemaName]: "relay.contoso.com",
      [vars.fieldMapping.schemaName]: "{opportunity:",
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => e.variable)).toEqual([
      "cosell_DisplayCheckMark",
      "cosell_DealValueField",
      "cosell_CountryCodeField",
      "cosell_RelayUrl",
      "cosell_FieldMapping",
    ]);
    expect(result.errors[0]).toEqual({ variable: "cosell_DisplayCheckMark", message: '"maybe" is not a Yes/No value.', fix: "Set the current value to yes or no." });
    expect(result.errors[1].message).toBe('The column name "Est. Revenue" contains spaces, so it looks like a display name.');
    expect(result.errors[1].fix).toContain("logical name");
    expect(result.errors[2].message).toContain("lookup property");
    expect(result.errors[3].fix).toContain("https://");
    expect(result.errors[4].message).toMatch(/^Field mapping: It is not valid JSON/);
    for (const error of result.errors) expect(error.fix).not.toBe("");
  });
});

describe("parseFieldMapping", () => {
  it("accepts sections, column lists, null, field rules and account match keys", () => {
    const result = parseFieldMapping(
      JSON.stringify({
        account: { "customerProfile.address.postalCode": ["address2_postalcode", "address1_postalcode"] },
        contact: { phoneNumber: null },
        fields: { notes: { direction: "toPartnerCenter" }, status: { owner: "crm" } },
        accountMatch: ["name", "accountnumber"],
      }),
    );
    expect(result).toEqual({
      ok: true,
      value: {
        account: { "customerProfile.address.postalCode": ["address2_postalcode", "address1_postalcode"] },
        contact: { phoneNumber: [] },
        fields: { notes: { direction: "toPartnerCenter" }, status: { owner: "crm" } },
        accountMatch: ["name", "accountnumber"],
      },
    });
  });

  it.each([
    ["[]", "It must be a JSON object"],
    ['{"opportunities":{}}', '"opportunities" is not a setting'],
    ['{"opportunity":{"details.dealvalue":"x"}}', '"opportunity.details.dealvalue" is not a mappable field; use one of name, details.dealValue'],
    ['{"opportunity":{"name":42}}', '"opportunity.name" must be a column logical name'],
    ['{"account":{"customerProfile.name":"Account Name"}}', "contains spaces"],
    ['{"fields":{"price":{"direction":"both"}}}', '"fields.price" is not a sync field'],
    ['{"fields":{"notes":{"direction":"sideways"}}}', '"fields.notes.direction" must be one of both, toCrm, toPartnerCenter, none'],
    ['{"fields":{"notes":{"owner":"microsoft"}}}', '"fields.notes.owner" must be "crm" or "partnerCenter"'],
    ['{"accountMatch":[]}', '"accountMatch" must be a column logical name, a non-empty list'],
  ])("explains what is wrong with %s", (json, problem) => {
    const result = parseFieldMapping(json);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.join("\n")).toContain(problem);
  });
});

describe("resolveMapping and field rules", () => {
  it("is the built-in mapping by default", () => {
    const mapping = resolveMapping(DEFAULT_SYNC_CONFIG);
    expect(mapping.opportunity).toEqual(BuiltInMapping.opportunity);
    expect(mapping.account["customerProfile.address.country"]).toEqual(["address1_country"]);
    expect(fieldRules(DEFAULT_SYNC_CONFIG)).toEqual(DefaultFieldRules);
    expect(accountMatchColumns(DEFAULT_SYNC_CONFIG)).toEqual(["name", "address1_postalcode"]);
  });

  it("applies the deal value and country variables, and lets the JSON override them", () => {
    const config = parsed({
      [vars.dealValueField.schemaName]: "budgetamount",
      [vars.countryCodeField.schemaName]: "cosell_countrycode",
      [vars.fieldMapping.schemaName]: JSON.stringify({
        account: { "customerProfile.address.postalCode": "address2_postalcode" },
        opportunity: { "details.dealValue": "cosell_netvalue" },
        fields: { notes: { direction: "toCrm" } },
      }),
    });
    const mapping = resolveMapping(config);
    expect(mapping.opportunity["details.dealValue"]).toEqual(["cosell_netvalue"]);
    expect(mapping.account["customerProfile.address.country"]).toEqual(["cosell_countrycode"]);
    expect(fieldRules(config).notes).toEqual({ direction: "toCrm", owner: "crm" });
    expect(accountMatchColumns(config)).toEqual(["name", "address2_postalcode"]);
  });
});
