/**
 * The Microsoft (or other partner) side that tests and the sandbox drive, over HTTP under
 * /_emulator, and the page a person uses.
 */
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, coSellReferral, emulator, outgoingReferral, type Referral } from "./partner-center-harness";

let pc: PartnerCenterEmulator;
let client: Client;

beforeAll(async () => {
  pc = await emulator();
  client = await Client.forUser(pc);
});
afterAll(() => pc.stop());

const control = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${pc.url}/_emulator${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Referral & { error?: { message: string } } };
};

describe("incoming referrals", () => {
  it("arrive from Microsoft with the given fields and defaults for the rest", async () => {
    const sent = await control("POST", "/microsoft/referrals", { referral: { name: "Woodgrove: Azure migration", Details: { DealValue: "25000", Currency: "EUR" }, customerProfile: { name: "Woodgrove Bank" } } });
    expect(sent.status).toBe(201);
    const read = await client.get<Referral>(`${pc.referralsUrl}/${sent.body.id}`);
    expect(read.body).toMatchObject({
      name: "Woodgrove: Azure migration",
      status: "New",
      substatus: "Pending",
      direction: "Incoming",
      organizationId: pc.partner.organizationId,
      details: { dealValue: 25000, currency: "EUR" },
      customerProfile: { name: "Woodgrove Bank", address: { country: "US" } },
      target: [{ type: "BusinessProfileLocation", id: pc.partner.locations[0].id }],
      inviteContext: { invitedBy: { organizationId: "msft", organizationName: "Microsoft" } },
    });
  });

  it("arrive from another partner", async () => {
    const sent = await control("POST", "/microsoft/referrals", { from: { organizationId: "a1b2c3d4-0000-4000-8000-000000000001", organizationName: "Fabrikam Partners" } });
    expect(sent.body).toMatchObject({ inviteContext: { invitedBy: { organizationName: "Fabrikam Partners" } } });
  });

  it("are refused with a clear message when the input is wrong", async () => {
    const wrong = await control("POST", "/microsoft/referrals", { locationId: "nowhere" });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error?.message).toContain("nowhere");
    const badCountry = await control("POST", "/microsoft/referrals", { referral: { details: { dealValue: "lots" } } });
    expect(badCountry.status).toBe(400);
  });
});

describe("Microsoft's answer to a co-sell", () => {
  it("accepts over HTTP, filling the Microsoft CRM id", async () => {
    const created = await client.create(coSellReferral());
    const accepted = await control("POST", `/microsoft/referrals/${created.body.id}/accept`, {});
    expect(accepted.status).toBe(200);
    expect(accepted.body.trackingInfo).toEqual({ microsoftMsxId: expect.stringMatching(/^7-[0-9A-F]{10}$/) });
  });

  it("declines without touching the partner's deal, and cannot accept after declining", async () => {
    const created = await client.create(coSellReferral());
    const declined = await control("POST", `/microsoft/referrals/${created.body.id}/decline`, { reason: "No capacity" });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: "Active", substatus: "Accepted", eTag: created.body.eTag });
    const accepted = await control("POST", `/microsoft/referrals/${created.body.id}/accept`, {});
    expect(accepted.status).toBe(409);
    expect((await client.get<Referral>(`${pc.referralsUrl}/${created.body.id}`)).body.trackingInfo).toBeUndefined();
  });

  it("cannot accept a private deal Microsoft cannot see", async () => {
    const created = await client.create(outgoingReferral());
    const accepted = await control("POST", `/microsoft/referrals/${created.body.id}/accept`, {});
    expect(accepted.status).toBe(409);
  });

  it("closes a deal as Won, after which nothing can change it", async () => {
    const created = await client.create(coSellReferral());
    expect((await control("POST", `/microsoft/referrals/${created.body.id}/close`, { substatus: "Won" })).body).toMatchObject({ status: "Closed", substatus: "Won" });
    expect((await control("PATCH", `/microsoft/referrals/${created.body.id}`, { details: { notes: "late" } })).status).toBe(409);
    expect((await control("POST", `/microsoft/referrals/${created.body.id}/close`, { substatus: "Expired" })).status).toBe(400);
  });

  it("answers 404 for an unknown referral", async () => {
    expect((await control("POST", "/microsoft/referrals/00000000-0000-0000-0000-000000000000/accept", {})).status).toBe(404);
  });
});

describe("controls and the page", () => {
  it("issues tokens, moves the clock and runs the expiry sweep", async () => {
    const tokenAnswer = await fetch(`${pc.url}/_emulator/tokens`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ api: "referrals", upn: "seller@contoso.example" }) });
    const { access_token: token } = (await tokenAnswer.json()) as { access_token: string };
    expect((await fetch(pc.referralsUrl, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    const id = String(pc.microsoft.createIncomingReferral().id);
    const before = await control("GET", "/clock");
    await control("POST", "/clock", { advanceMs: 15 * 24 * 3600_000 });
    const after = await control("GET", "/clock");
    expect(Date.parse(String((after.body as unknown as { now: string }).now)) - Date.parse(String((before.body as unknown as { now: string }).now))).toBeGreaterThanOrEqual(15 * 24 * 3600_000);
    expect((await client.get<Referral>(`${pc.referralsUrl}/${id}`)).body.substatus).toBe("Expired");
  });

  it("serves a page for people at / that reads the emulator state", async () => {
    const page = await fetch(`${pc.url}/`);
    expect(page.headers.get("content-type")).toContain("text/html");
    const html = await page.text();
    expect(html).toContain("<title>Partner Center emulator</title>");
    expect(html).toContain("/_emulator");
    const state = (await (await fetch(`${pc.url}/_emulator/state`)).json()) as { referrals: { mine: boolean }[]; partner: { organizationName: string } };
    expect(state.partner.organizationName).toBe("Contoso Company");
    expect(state.referrals.some((r) => r.mine)).toBe(true);
  });
});
