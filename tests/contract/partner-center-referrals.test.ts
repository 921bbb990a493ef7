/**
 * The referral behaviours of partner-center-api.md §7.2–§7.10 and §7.12, one block per fact.
 */
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, coSellReferral, emulator, outgoingReferral, type Json, type Referral } from "./partner-center-harness";

let pc: PartnerCenterEmulator;
let client: Client;

beforeAll(async () => {
  pc = await emulator();
  client = await Client.forUser(pc);
});
afterAll(() => pc.stop());

const url = (id: string) => `${pc.referralsUrl}/${id}`;
const read = async (id: string) => (await client.get<Referral>(url(id))).body;
const replace = (path: string, value: Json) => ({ op: "replace", path, value });

describe("response headers (§1)", () => {
  it("echoes client-request-id and adds a request-id on the Referrals API", async () => {
    const answer = await client.get(pc.referralsUrl, { "client-request-id": "6f1c1d7e-2f5b-4a55-9d0b-0f6f4c0f7a11" });
    expect(answer.headers.get("client-request-id")).toBe("6f1c1d7e-2f5b-4a55-9d0b-0f6f4c0f7a11");
    expect(answer.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("echoes MS-CorrelationId on the Webhooks API", async () => {
    const hooks = new Client(pc, await pc.issueToken({ api: "webhooks" }));
    const answer = await hooks.get(`${pc.webhooksUrl}/registration/events`, { "ms-correlationid": "c0ffee00-0000-4000-8000-000000000001" });
    expect(answer.headers.get("ms-correlationid")).toBe("c0ffee00-0000-4000-8000-000000000001");
    expect(answer.headers.get("ms-requestid")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("§7.2 casing", () => {
  it("reads property names and enum values in any casing and answers in camelCase", async () => {
    const created = await client.create({
      Name: "Mixed case deal",
      TYPE: "independent",
      Team: [{ FirstName: "Ana", LastName: "Bowman", EMAIL: "ana@contoso.example", PhoneNumber: "1" }],
      CustomerProfile: { Name: "Woodgrove", Address: { Country: "US" }, Team: [] },
      Consent: { ConsentToToShareInfoWithOthers: true, ConsentToContact: true },
      Details: { Notes: "n", DealValue: 1, Currency: "USD", Requirements: { Solutions: [{ Id: "SOL-1", Name: "S" }] } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Mixed case deal",
      type: "Independent",
      customerProfile: { name: "Woodgrove", address: { country: "US" } },
      consent: { consentToToShareInfoWithOthers: true, consentToContact: true },
      details: { dealValue: 1, requirements: { solutions: [{ id: "SOL-1" }] } },
    });
    expect(created.text).not.toMatch(/"[A-Z][A-Za-z]*":/);
  });
});

describe("§7.3 server-owned fields", () => {
  it("sets id, organization, timestamps, eTag, links and direction itself", async () => {
    const created = await client.create(outgoingReferral({
      id: "11111111-1111-1111-1111-111111111111",
      organizationId: "someone-else",
      organizationName: "Someone Else",
      createdDateTime: "2001-01-01T00:00:00Z",
      eTag: '"forged"',
      direction: "Incoming",
      links: { self: { uri: "https://example.invalid" } },
    }));
    const body = created.body;
    expect(body.id).not.toBe("11111111-1111-1111-1111-111111111111");
    expect(body).toMatchObject({ organizationId: pc.partner.organizationId, organizationName: pc.partner.organizationName, direction: "Outgoing" });
    expect(body.createdDateTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{7}Z$/);
    expect(body.acceptedDateTime).toBe(body.createdDateTime);
    expect(body.eTag).not.toBe('"forged"');
    expect(body.links).toEqual({
      relatedReferrals: { uri: `${pc.referralsUrl}?$filter=engagementId%20eq%20'${body.engagementId}'`, method: "GET" },
      self: { uri: url(body.id), method: "GET" },
    });
  });

  it("refuses a PATCH of a server-owned field", async () => {
    const created = await client.create(outgoingReferral());
    for (const path of ["/id", "/engagementId", "/createdDateTime", "/direction", "/eTag", "/trackingInfo/microsoftMsxId"]) {
      const patched = await client.patch(created.body.id, [replace(path, "x")]);
      expect({ path, status: patched.status }).toEqual({ path, status: 400 });
    }
  });
});

describe("§7.4 initial status", () => {
  it("lands a new outgoing referral Active/Accepted whatever status it was sent with", async () => {
    const created = await client.create(outgoingReferral({ status: "New", substatus: "Pending" }));
    expect(created.body).toMatchObject({ status: "Active", substatus: "Accepted", direction: "Outgoing" });
  });

  it("starts an incoming referral New/Pending with an expiry", async () => {
    const incoming = pc.microsoft.createIncomingReferral();
    expect(incoming).toMatchObject({ status: "New", substatus: "Pending", direction: "Incoming", inviteContext: { invitedBy: { organizationId: "msft", organizationName: "Microsoft" } } });
    expect(typeof incoming.expirationDateTime).toBe("string");
  });
});

describe("§7.5 status transitions (§2.2 table)", () => {
  const incoming = () => String(pc.microsoft.createIncomingReferral().id);
  const outgoing = async () => (await client.create(outgoingReferral())).body.id;

  it.each([
    ["New", "Received"],
    ["Active", "Accepted"],
    ["Closed", "Declined"],
    ["Closed", "Won"],
    ["Closed", "Lost"],
  ])("an incoming New/Pending referral may move to %s/%s", async (status, substatus) => {
    const id = incoming();
    const patched = await client.patch(id, [replace("/status", status), replace("/substatus", substatus)], { prefer: "return=representation" });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ status, substatus });
  });

  it.each([
    ["New", "Accepted"],
    ["Active", "Pending"],
    ["Closed", "Accepted"],
    ["None", "None"],
    ["Active", "Bogus"],
  ])("%s/%s is not a valid pair → 400 invalidRequest", async (status, substatus) => {
    const patched = await client.patch(incoming(), [replace("/status", status), replace("/substatus", substatus)]);
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ error: { code: "invalidRequest" } });
  });

  it("an Active referral cannot go back to New", async () => {
    const patched = await client.patch(await outgoing(), [replace("/status", "New"), replace("/substatus", "Pending")]);
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ error: { code: "invalidRequest", target: "status" } });
  });

  it("accepting an incoming referral records acceptedDateTime; closing records closedDateTime", async () => {
    const id = incoming();
    await client.patch(id, [replace("/status", "Active"), replace("/substatus", "Accepted")]);
    expect((await read(id)).acceptedDateTime).toEqual(expect.any(String));
    await client.patch(id, [replace("/status", "Closed"), replace("/substatus", "Won")]);
    expect((await read(id)).closedDateTime).toEqual(expect.any(String));
  });

  it.each(["Won", "Lost", "Declined"])("a Closed/%s referral is immutable: PATCH and PUT → 409", async (substatus) => {
    const id = await outgoing();
    await client.patch(id, [replace("/status", "Closed"), replace("/substatus", substatus)]);
    const patched = await client.patch(id, [replace("/details/notes", "one more thing")]);
    expect(patched.status).toBe(409);
    expect(patched.body).toMatchObject({ error: { code: "invalidRequest", target: "status" } });
    const current = await read(id);
    const put = await client.call("PUT", url(id), { ...outgoingReferral(), status: "Closed", substatus }, { "if-match": current.eTag });
    expect(put.status).toBe(409);
  });

  it("an Expired referral is immutable too", async () => {
    const id = incoming();
    pc.clock.advance(15 * 24 * 3600_000);
    const patched = await client.patch(id, [replace("/status", "Active"), replace("/substatus", "Accepted")]);
    expect(patched.status).toBe(409);
  });
});

describe("§7.6 eTags and If-Match", () => {
  it("is a quoted opaque string that changes on every write and is sent as the ETag header", async () => {
    const created = await client.create(outgoingReferral());
    expect(created.body.eTag).toMatch(/^".+"$/);
    expect(created.headers.get("etag")).toBe(created.body.eTag);
    const first = await client.patch(created.body.id, [replace("/details/notes", "same")]);
    const second = await client.patch(created.body.id, [replace("/details/notes", "same")]);
    const tags = [created.body.eTag, first.headers.get("etag"), second.headers.get("etag")];
    expect(new Set(tags).size).toBe(3);
    expect((await read(created.body.id)).eTag).toBe(tags[2]);
  });

  it("answers 412 preconditionFailed to a stale If-Match and writes nothing", async () => {
    const created = await client.create(outgoingReferral());
    await client.patch(created.body.id, [replace("/details/notes", "first")]);
    const stale = await client.patch(created.body.id, [replace("/details/notes", "second")], { "if-match": created.body.eTag });
    expect(stale.status).toBe(412);
    expect(stale.body).toMatchObject({ error: { code: "preconditionFailed" } });
    expect((await read(created.body.id)).details).toMatchObject({ notes: "first" });
  });

  it("accepts a current If-Match on PATCH, and PATCH without If-Match", async () => {
    const created = await client.create(outgoingReferral());
    expect((await client.patch(created.body.id, [replace("/details/notes", "a")], { "if-match": created.body.eTag })).status).toBe(204);
    expect((await client.patch(created.body.id, [replace("/details/notes", "b")])).status).toBe(204);
  });

  it("requires If-Match on PUT and checks it", async () => {
    const created = await client.create(outgoingReferral());
    const body = { ...outgoingReferral({ name: "Renamed" }), status: "Active", substatus: "Accepted" };
    const without = await client.call("PUT", url(created.body.id), body);
    expect(without.status).toBe(400);
    expect(without.body).toMatchObject({ error: { target: "If-Match" } });
    expect((await client.call("PUT", url(created.body.id), body, { "if-match": '"stale"' })).status).toBe(412);
    const put = await client.call<Referral>("PUT", url(created.body.id), body, { "if-match": created.body.eTag });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: "Renamed", id: created.body.id, engagementId: created.body.engagementId });
  });

  it("refuses a PUT body that still carries links", async () => {
    const created = await client.create(outgoingReferral());
    const put = await client.call("PUT", url(created.body.id), { ...created.body }, { "if-match": created.body.eTag });
    expect(put.status).toBe(400);
    expect(put.body).toMatchObject({ error: { target: "links" } });
  });
});

describe("§7.7 JSON Patch", () => {
  it.each(["remove", "move", "copy", "test"])("refuses the %s operation with 400", async (op) => {
    const created = await client.create(outgoingReferral());
    const patched = await client.patch(created.body.id, [{ op, path: "/details/notes", from: "/name", value: "x" }]);
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ error: { code: "invalidRequest" } });
  });

  it("coerces a numeric string for /details/dealValue and refuses a non-number", async () => {
    const created = await client.create(outgoingReferral());
    expect((await client.patch(created.body.id, [replace("/details/dealValue", "10000")])).status).toBe(204);
    expect((await read(created.body.id)).details).toMatchObject({ dealValue: 10000 });
    expect((await client.patch(created.body.id, [replace("/details/dealValue", "ten thousand")])).status).toBe(400);
  });

  it("adds a team member with /team/- and answers 204 with an empty body", async () => {
    const created = await client.create(outgoingReferral());
    const patched = await client.patch(created.body.id, [{ op: "add", path: "/team/-", value: { email: "jane.doe@contoso.example", firstName: "Jane", lastName: "Doe", phoneNumber: "0000000001" } }]);
    expect([patched.status, patched.text]).toEqual([204, ""]);
    expect((await read(created.body.id)).team).toHaveLength(2);
  });

  it("writes the other documented client-owned paths", async () => {
    const created = await client.create(outgoingReferral());
    const patched = await client.patch(created.body.id, [
      replace("/name", "Renamed deal"),
      replace("/details/currency", "EUR"),
      replace("/details/closingDateTime", "2031-01-31T00:00:00Z"),
      replace("/details/notes", "New notes"),
      replace("/inviteContext/assistanceRequestCode", "QuotesOrLicensing"),
      replace("/consent/consentToShareReferralWithMicrosoftSellers", true),
      replace("/details/requirements/solutions", [{ id: "SOL-2", name: "Other" }]),
      replace("/customerProfile/team", [{ firstName: "Joe", lastName: "Hansen", email: "joe@woodgrove.example" }]),
      replace("/externalReferenceId", "opportunity-42"),
      replace("/type", "Shared"),
      replace("/target", [{ type: "SolutionProfile", id: "SOL-2" }]),
      replace("/statusReason", "Going well"),
    ], { prefer: "return=representation" });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      name: "Renamed deal",
      externalReferenceId: "opportunity-42",
      type: "Shared",
      statusReason: "Going well",
      target: [{ type: "SolutionProfile", id: "SOL-2" }],
      inviteContext: { assistanceRequestCode: "QuotesOrLicensing" },
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      customerProfile: { team: [{ email: "joe@woodgrove.example" }] },
      details: { currency: "EUR", closingDateTime: "2031-01-31T00:00:00Z", notes: "New notes", requirements: { solutions: [{ id: "SOL-2" }] } },
    });
  });

  it("applies a patch all or nothing", async () => {
    const created = await client.create(outgoingReferral());
    const patched = await client.patch(created.body.id, [replace("/details/notes", "changed"), replace("/details/currency", "XYZ")]);
    expect(patched.status).toBe(400);
    expect(patched.body).toMatchObject({ error: { target: "details.currency" } });
    expect((await read(created.body.id)).details).toMatchObject({ notes: "Field service rollout for 200 technicians.", currency: "USD" });
  });

  it("refuses a path that is not a referral property, and a body that is not a patch array", async () => {
    const created = await client.create(outgoingReferral());
    expect((await client.patch(created.body.id, [replace("/details/nonsense", 1)])).status).toBe(400);
    expect((await client.patch(created.body.id, { op: "replace", path: "/name", value: "x" })).status).toBe(400);
    expect((await client.call("PATCH", url(created.body.id), "{not json", { "content-type": "application/json-patch+json" })).status).toBe(400);
  });
});

describe("§7.8 create validation", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["type is missing", { type: null }, "type"],
    ["customerProfile is missing", { customerProfile: null }, "customerProfile"],
    ["consent is missing", { consent: null }, "consent"],
    ["details are missing", { details: null }, "details"],
    ["the country is not ISO 3166-1 alpha-2", { customerProfile: { address: { country: "USA" } } }, "customerProfile.address.country"],
    ["the country code does not exist", { customerProfile: { address: { country: "XX" } } }, "customerProfile.address.country"],
    ["the currency is not ISO 4217", { details: { currency: "DOLLARS" } }, "details.currency"],
    ["there is no team", { team: [] }, "team"],
    ["a team member has no phone", { team: [{ firstName: "A", lastName: "B", email: "a@b.example" }] }, "team[0]"],
    ["there is no solution", { details: { requirements: { solutions: [] } } }, "details.requirements.solutions"],
  ];
  it.each(cases)("400 invalidRequest when %s", async (_what, override, target) => {
    const created = await client.create(outgoingReferral(override));
    expect(created.status).toBe(400);
    expect(created.body).toEqual({ error: { code: "invalidRequest", message: expect.any(String), target } });
  });

  it("400 when a Shared (co-sell) referral is not visible to Microsoft sellers", async () => {
    const created = await client.create(coSellReferral({ consent: { consentToShareReferralWithMicrosoftSellers: false } }));
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: { target: "consent.consentToShareReferralWithMicrosoftSellers" } });
  });

  it("400 when a Shared (co-sell) referral has no customer contact", async () => {
    const created = await client.create(coSellReferral({ customerProfile: { team: [] } }));
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: { target: "customerProfile.team" } });
  });

  it("creates a valid co-sell referral", async () => {
    expect((await client.create(coSellReferral())).status).toBe(201);
  });
});

describe("§7.9 one-way visibility", () => {
  it("lets consentToShareReferralWithMicrosoftSellers go false → true but never back", async () => {
    const created = await client.create(outgoingReferral());
    expect((await client.patch(created.body.id, [replace("/consent/consentToShareReferralWithMicrosoftSellers", true)])).status).toBe(204);
    const back = await client.patch(created.body.id, [replace("/consent/consentToShareReferralWithMicrosoftSellers", false)]);
    expect(back.status).toBe(400);
    expect(back.body).toMatchObject({ error: { target: "consent.consentToShareReferralWithMicrosoftSellers" } });
  });
});

describe("§7.10 shared engagements", () => {
  it("joins an existing engagement and lists every referral of it through links.relatedReferrals", async () => {
    const first = await client.create(coSellReferral({ target: [{ type: "SolutionProfile", id: "SOL-15974-MQF" }] }));
    const second = await client.create(coSellReferral({ engagementId: first.body.engagementId, target: [{ type: "BusinessProfileLocation", id: "msft" }] }));
    expect(second.status).toBe(201);
    expect(second.body.engagementId).toBe(first.body.engagementId);
    const related = await client.get<{ value: Referral[] }>(((second.body.links as { relatedReferrals: { uri: string } }).relatedReferrals.uri));
    expect(related.status).toBe(200);
    expect(related.body.value.map((r) => r.id).sort()).toEqual([first.body.id, second.body.id].sort());
  });

  it("refuses to join an engagement the partner is not in", async () => {
    const created = await client.create(coSellReferral({ engagementId: "12345678-1234-1234-1234-123456789012" }));
    expect(created.status).toBe(400);
    expect(created.body).toMatchObject({ error: { target: "engagementId" } });
  });
});

describe("§7.12 expiry", () => {
  it("closes an incoming referral as Expired after 14 days without an answer", async () => {
    const id = String(pc.microsoft.createIncomingReferral().id);
    pc.clock.advance(13 * 24 * 3600_000);
    expect((await read(id)).status).toBe("New");
    pc.clock.advance(1 * 24 * 3600_000 + 1000);
    expect(await read(id)).toMatchObject({ status: "Closed", substatus: "Expired", closedDateTime: expect.any(String) });
  });

  it("does not expire a referral the partner answered", async () => {
    const id = String(pc.microsoft.createIncomingReferral().id);
    await client.patch(id, [replace("/status", "Active"), replace("/substatus", "Accepted")]);
    pc.clock.advance(30 * 24 * 3600_000);
    expect(pc.runExpiry()).not.toContain(id);
    expect((await read(id)).status).toBe("Active");
  });
});
