/**
 * §7.11 the referral list: documented $filter fields (with the team lambda), $orderby, $select,
 * $top, 100-per-page paging through an opaque $skiptoken in an absolute @odata.nextLink, and
 * @odata.context / @odata.count.
 */
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, coSellReferral, emulator, outgoingReferral, type Referral } from "./partner-center-harness";

type Page = { "@odata.context": string; "@odata.count": number; "@odata.nextLink"?: string; value: Referral[] };

let pc: PartnerCenterEmulator;
let client: Client;
const ids: Record<string, string> = {};

beforeAll(async () => {
  pc = await emulator({ clock: { start: "2030-01-01T00:00:00Z" } });
  client = await Client.forUser(pc);
  ids.privateUs = (await client.create(outgoingReferral({ name: "private US" }))).body.id;
  pc.clock.advance(60_000);
  ids.coSellDe = (await client.create(coSellReferral({ name: "co-sell DE", customerProfile: { address: { country: "DE" } }, team: [{ firstName: "Jo", lastName: "Ng", email: "jo@contoso.example", phoneNumber: "2" }] }))).body.id;
  pc.clock.advance(60_000);
  ids.incoming = String(pc.microsoft.createIncomingReferral({ referral: { name: "incoming", qualification: "MarketingQualified" } }).id);
  pc.clock.advance(60_000);
  ids.incomingReceived = String(pc.microsoft.createIncomingReferral({ referral: { name: "incoming received", type: "Independent" } }).id);
  await client.patch(ids.incomingReceived, [{ op: "replace", path: "/substatus", value: "Received" }]);
});
afterAll(() => pc.stop());

const list = async (query: string) => {
  const answer = await client.get<Page>(`${pc.referralsUrl}?${query}`);
  expect(answer.status).toBe(200);
  return answer.body;
};
const names = (page: Page) => page.value.map((r) => r.name).sort();
const filter = (text: string) => `$filter=${encodeURIComponent(text)}`;

describe("$filter", () => {
  it.each([
    ["status eq 'Active'", ["co-sell DE", "private US"]],
    ["substatus eq 'Pending'", ["incoming"]],
    ["(direction eq 'Incoming' and substatus eq 'Pending')", ["incoming"]],
    ["status eq 'New' and qualification eq 'SalesQualified'", ["incoming received"]],
    ["(type eq 'Shared' and direction eq 'Incoming')", ["incoming"]],
    ["customerProfile/address/country eq 'DE' and direction eq 'Outgoing'", ["co-sell DE"]],
    ["status eq 'Active' and direction eq 'Outgoing' and type eq 'Shared' and team/any(t:t/email eq 'jo@contoso.example')", ["co-sell DE"]],
    ["team/any(t:t/email eq 'ANA@contoso.example')", ["private US"]],
    ["not (direction eq 'Incoming')", ["co-sell DE", "private US"]],
    ["type ne 'Shared' or status eq 'Closed'", ["incoming received", "private US"]],
  ])("%s", async (text, expected) => {
    expect(names(await list(filter(text)))).toEqual(expected);
  });

  it("filters on engagementId (the relatedReferrals link)", async () => {
    const one = await client.get<Referral>(`${pc.referralsUrl}/${ids.coSellDe}`);
    expect(names(await list(filter(`engagementId eq '${one.body.engagementId}'`)))).toEqual(["co-sell DE"]);
  });

  it("filters on updatedDateTime, at full precision", async () => {
    const coSell = (await client.get<Referral>(`${pc.referralsUrl}/${ids.coSellDe}`)).body;
    const later = await list(filter(`updatedDateTime gt ${String(coSell.updatedDateTime)}`));
    expect(names(later)).toEqual(["incoming", "incoming received"]);
    const fromIt = await list(filter(`updatedDateTime ge ${String(coSell.updatedDateTime)}`));
    expect(names(fromIt)).toEqual(["co-sell DE", "incoming", "incoming received"]);
    expect(names(await list(filter("updatedDateTime lt 2030-01-01T00:01:00Z")))).toEqual(["private US"]);
  });

  it.each([
    ["an undocumented property", "name eq 'private US'"],
    ["a function", "contains(status,'Act')"],
    ["broken syntax", "status eq"],
  ])("refuses %s with 400", async (_what, text) => {
    const answer = await client.get(`${pc.referralsUrl}?${filter(text)}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: "invalidRequest", target: "$filter" } });
  });
});

describe("$orderby, $select, $top", () => {
  it("orders by createdDateTime or updatedDateTime, asc or desc", async () => {
    const ascending = (await list("$orderby=createdDateTime asc")).value.map((r) => r.name);
    expect(ascending).toEqual(["private US", "co-sell DE", "incoming", "incoming received"]);
    expect((await list("$orderby=createdDateTime desc")).value.map((r) => r.name)).toEqual([...ascending].reverse());
    const byUpdate = (await list("$orderby=updatedDateTime desc")).value.map((r) => r.name);
    expect(byUpdate[0]).toBe("incoming received");
    expect((await client.get(`${pc.referralsUrl}?$orderby=name`)).status).toBe(400);
  });

  it("projects with $select and says so in @odata.context", async () => {
    const page = await list("$select=id,Status");
    expect(page["@odata.context"]).toBe(`${pc.url}/v1.0/$metadata#Referrals(id,status)`);
    expect(Object.keys(page.value[0]).sort()).toEqual(["id", "status"]);
  });

  it("limits with $top and still counts every match", async () => {
    const page = await list("$top=2");
    expect(page.value).toHaveLength(2);
    expect(page["@odata.count"]).toBe(4);
    expect(page["@odata.nextLink"]).toBeUndefined();
    expect((await client.get(`${pc.referralsUrl}?$top=-1`)).status).toBe(400);
  });
});

describe("paging", () => {
  let paging: PartnerCenterEmulator;
  let admin: Client;

  beforeAll(async () => {
    paging = await emulator();
    admin = await Client.forUser(paging);
    for (let i = 0; i < 230; i++) paging.microsoft.createIncomingReferral({ referral: { name: `deal ${String(i).padStart(3, "0")}` } });
  });
  afterAll(() => paging.stop());

  it("returns at most 100 per page and an absolute nextLink with an opaque $skiptoken until the end", async () => {
    const seen: string[] = [];
    let next: string | undefined = `${paging.referralsUrl}?${filter("direction eq 'Incoming'")}`;
    const sizes: number[] = [];
    while (next) {
      expect(next.startsWith(paging.referralsUrl)).toBe(true);
      const page: Page = (await admin.get<Page>(next)).body;
      expect(page["@odata.count"]).toBe(230);
      sizes.push(page.value.length);
      seen.push(...page.value.map((r) => r.name as string));
      next = page["@odata.nextLink"];
      if (next) expect(new URL(next).searchParams.get("$skiptoken")).toMatch(/^[A-Za-z0-9_.-]+$/);
    }
    expect(sizes).toEqual([100, 100, 30]);
    expect(new Set(seen).size).toBe(230);
  });

  it("keeps $top across pages", async () => {
    const first = (await admin.get<Page>(`${paging.referralsUrl}?$top=150`)).body;
    expect(first.value).toHaveLength(100);
    const second = (await admin.get<Page>(first["@odata.nextLink"]!)).body;
    expect(second.value).toHaveLength(50);
    expect(second["@odata.nextLink"]).toBeUndefined();
  });

  it("does not skip or repeat items created between pages", async () => {
    const first = (await admin.get<Page>(`${paging.referralsUrl}?$orderby=createdDateTime asc`)).body;
    paging.microsoft.createIncomingReferral({ referral: { name: "late arrival" } });
    const rest: Referral[] = [];
    let next = first["@odata.nextLink"];
    while (next) {
      const page: Page = (await admin.get<Page>(next)).body;
      rest.push(...page.value);
      next = page["@odata.nextLink"];
    }
    const all = [...first.value, ...rest].map((r) => r.id);
    expect(new Set(all).size).toBe(all.length);
    expect(rest.map((r) => r.name)).toContain("late arrival");
  });

  it("refuses a tampered $skiptoken", async () => {
    const first = (await admin.get<Page>(paging.referralsUrl)).body;
    const tampered = first["@odata.nextLink"]!.replace(/\$skiptoken=([^&]+)/, (_m, token: string) => `$skiptoken=x${token.slice(1)}`);
    const answer = await admin.get(tampered);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { target: "$skiptoken" } });
  });
});
