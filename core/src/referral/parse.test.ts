import { parseReferral, parseReferralPage } from "./parse";
import { referralPutBody, serializeReferral } from "./serialize";
import { PayloadFormatError } from "./shape";
import { readSample, sampleNames, toPascalCase } from "../testing/fixtures";

/** The JSON as documented, minus nulls (which the model reads as absent). */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null).map(([k, v]) => [k, withoutNulls(v)]));
}

const singleReferralSamples = [
  "referral-create-request.json",
  "referral-create-response.json",
  "referral-get-by-id-response.json",
  "referral-get-by-id-response-2019.json",
  "referral-update-put-request.json",
  "referral-update-put-response.json",
];

describe("parseReferral on the documented samples", () => {
  it("covers every single-referral sample in the reference folder", () => {
    const referralSamples = sampleNames(/^referral-.*\.json$/).filter((n) => !/list|patch/.test(n));
    expect(referralSamples).toEqual([...singleReferralSamples].sort());
  });

  it.each(singleReferralSamples)("%s reads and serializes back to the same JSON", (name) => {
    const json = readSample(name);
    const referral = parseReferral(json);
    expect(serializeReferral(referral)).toEqual(withoutNulls(json));
  });

  it.each(singleReferralSamples)("%s reads the same in PascalCase", (name) => {
    const json = readSample(name);
    expect(parseReferral(toPascalCase(json))).toEqual(parseReferral(json));
  });

  it("reads the fields the sync depends on from the 2019 get-by-id sample", () => {
    const referral = parseReferral(readSample("referral-get-by-id-response-2019.json"));
    expect(referral).toMatchObject({
      id: "61c65491-2f2c-461a-84b4-3654499bc1d9",
      status: "New",
      substatus: "Pending",
      type: "Independent",
      eTag: '"2500ec5a-0000-0000-0000-5bf4967d0000"',
      customerProfile: { address: { country: "US", region: "Washington" }, ids: [{ profileType: "Duns", id: "795986822" }] },
      consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
      details: { dealValue: 50000, currency: "USD" },
      inviteContext: { invitedBy: { organizationId: "msft" } },
      target: [{ type: "BusinessProfileLocation", id: "01e2abcd-52b0-4af3-a3ae-1fd1530b3563" }],
    });
    expect(referral.customerProfile?.team).toHaveLength(2);
  });

  it("reads the 2020+ sample's direction and OData context", () => {
    const referral = parseReferral(readSample("referral-get-by-id-response.json"));
    expect(referral.direction).toBe("Incoming");
    expect(referral["@odata.context"]).toContain("$metadata#Referrals/$entity");
    expect(referral.details?.closingDateTime).toBe("2020-12-01T00:00:00Z");
  });

  it("reads the create request's null-free body with its solutions and help context", () => {
    const referral = parseReferral(readSample("referral-create-request.json"));
    expect(referral.details?.requirements?.solutions).toEqual([
      { name: "Dynamics 365 for Field Service", type: "Category", id: "Dynamics365forFieldService" },
    ]);
    expect(referral.externalReferenceId).toBeUndefined();
  });
});

describe("parseReferralPage on the documented list samples", () => {
  it("reads the 2020+ list with count and next link", () => {
    const page = parseReferralPage(readSample("referral-list-response.json"));
    expect(page["@odata.count"]).toBe(1);
    expect(page["@odata.nextLink"]).toContain("$skiptoken=");
    expect(page.value[0]).toMatchObject({ id: "c5fbb3b6-be74-4795-9fb5-4324c73fed37", direction: "Incoming", type: "Independent" });
  });

  it("reads the 2019 list, including its `ids: {}` quirk", () => {
    const page = parseReferralPage(readSample("referral-list-response-2019.json"));
    expect(page.value).toHaveLength(2);
    expect(page.value[0].customerProfile?.ids).toEqual([]);
    expect(page.value[0].externalReferenceId).toBe("");
  });

  it("names the failing item when one referral is malformed", () => {
    const json = readSample("referral-list-response.json") as { value: Record<string, unknown>[] };
    json.value[0].status = "Paused";
    expect(() => parseReferralPage(json)).toThrow(/value\[0\]\.status.*New, Active, Closed/);
  });
});

describe("parseReferral tolerance and errors", () => {
  it("matches property names and enum values case-insensitively", () => {
    const referral = parseReferral({
      ID: "x",
      Status: "closed",
      SUBSTATUS: "won",
      Type: "shared",
      Consent: { ConsentToShareReferralWithMicrosoftSellers: "true" },
      Details: { DealValue: "10000" },
    });
    expect(referral).toEqual({
      id: "x",
      status: "Closed",
      substatus: "Won",
      type: "Shared",
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      details: { dealValue: 10000 },
    });
  });

  it("keeps undocumented properties and values, camel-cased", () => {
    const referral = parseReferral({ Substatus: "Error", DealSensitivity: "None", Tags: ["a"] });
    expect(referral.substatus).toBe("Error");
    expect(serializeReferral(referral)).toEqual({ substatus: "Error", dealSensitivity: "None", tags: ["a"] });
  });

  it.each([
    [[], "Referral must be an object, got an array."],
    [{ status: "Paused" }, 'Referral field "status" must be one of None, New, Active, Closed; got "Paused".'],
    [{ details: { dealValue: "ten" } }, 'Referral field "details.dealValue" must be a number, got "ten".'],
    [{ team: { email: "a@b.c" } }, 'Referral field "team" must be an array, got object.'],
    [{ customerProfile: { team: [{ firstName: {} }] } }, 'Referral field "customerProfile.team[0].firstName" must be a string, got object.'],
  ])("rejects %j with a message naming the field", (json, message) => {
    expect(() => parseReferral(json)).toThrow(PayloadFormatError);
    expect(() => parseReferral(json)).toThrow(message);
  });

  it("drops links and the OData context from a PUT body but keeps the eTag", () => {
    const body = referralPutBody(parseReferral(readSample("referral-get-by-id-response-2019.json")));
    expect(body).not.toHaveProperty("links");
    expect(body).not.toHaveProperty("@odata.context");
    expect(body.eTag).toBe('"2500ec5a-0000-0000-0000-5bf4967d0000"');
  });
});
