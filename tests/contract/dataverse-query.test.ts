/**
 * Queries (dataverse-pcf.md §5, webapi/query/*): $select, $filter, $orderby, $top, $count,
 * $expand (single-valued, 1:N, N:N, nested options) and paging with odata.maxpagesize and
 * @odata.nextLink / $skiptoken over more rows than one page holds.
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { Client, startDataverse, type Json } from "./dataverse-harness";

type Collection = { "@odata.context": string; "@odata.count"?: number; "@odata.nextLink"?: string; value: Json[] };

describe("Dataverse Web API: $filter, $orderby, $top, $count, $expand", () => {
  let dv: DataverseEmulator;
  let client: Client;
  let accountA: string;
  let accountB: string;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.user(dv);
    [accountA, accountB] = dv.seed.records("accounts", [{ name: "Account A" }, { name: "Account B" }]);
    const rows: Array<[string, Json]> = [
      ["alpha", { name: "Alpha cloud", estimatedvalue: 100, estimatedclosedate: "2026-01-15", "parentaccountid@odata.bind": `/accounts(${accountA})` }],
      ["beta", { name: "Beta Cloud", estimatedvalue: 250.5, estimatedclosedate: "2026-03-01", "parentaccountid@odata.bind": `/accounts(${accountB})` }],
      ["gamma", { name: "Gamma data" }],
      ["delta", { name: "Delta O'Brien", estimatedvalue: 1000, estimatedclosedate: "2026-12-31", "parentaccountid@odata.bind": `/accounts(${accountA})` }],
    ];
    for (const [key, body] of rows) ids[key] = await client.create("opportunities", body);
  });
  afterAll(() => dv.stop());

  const names = async (query: string) => {
    const answer = await client.get<Collection>(`opportunities?$select=name&${query}`);
    if (answer.status !== 200) throw new Error(`${query}: ${answer.status} ${answer.text}`);
    return answer.body.value.map((row) => row.name);
  };

  it.each([
    ["estimatedvalue gt 100", ["Beta Cloud", "Delta O'Brien"]],
    ["estimatedvalue ge 100 and estimatedvalue le 250.5", ["Alpha cloud", "Beta Cloud"]],
    ["contains(name,'CLOUD')", ["Alpha cloud", "Beta Cloud"]],
    ["startswith(name,'g') or endswith(name,'brien')", ["Gamma data", "Delta O'Brien"]],
    ["not contains(name,'cloud')", ["Gamma data", "Delta O'Brien"]],
    ["estimatedvalue eq null", ["Gamma data"]],
    ["estimatedvalue ne null and not (estimatedvalue lt 200)", ["Beta Cloud", "Delta O'Brien"]],
    ["name eq 'Delta O''Brien'", ["Delta O'Brien"]],
    ["estimatedclosedate lt 2026-06-01", ["Alpha cloud", "Beta Cloud"]],
    ["modifiedon ge 2020-01-01T00:00:00Z and modifiedon le 2999-01-01T00:00:00.000+02:00", ["Alpha cloud", "Beta Cloud", "Gamma data", "Delta O'Brien"]],
    ["parentaccountid/name eq 'Account A'", ["Alpha cloud", "Delta O'Brien"]],
    ["Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['Alpha cloud','Gamma data'])", ["Alpha cloud", "Gamma data"]],
  ])("filters with %s", async (filter, expected) => {
    expect(await names(`$filter=${encodeURIComponent(filter)}`)).toEqual(expected);
  });

  it("filters on lookups with _x_value, on GUIDs and with parentheses", async () => {
    expect(await names(`$filter=_parentaccountid_value eq ${accountA}`)).toEqual(["Alpha cloud", "Delta O'Brien"]);
    expect(await names(`$filter=opportunityid eq ${ids.gamma.toUpperCase()}`)).toEqual(["Gamma data"]);
    expect(await names(`$filter=(contains(name,'cloud') or estimatedvalue gt 500) and _parentaccountid_value ne null`)).toEqual(["Alpha cloud", "Beta Cloud", "Delta O'Brien"]);
  });

  it("filters parents by their children with any()", async () => {
    const answer = await client.get<Collection>(`accounts?$select=name&$filter=opportunity_parent_account/any(o:o/estimatedvalue gt 500)`);
    expect(answer.body.value.map((a) => a.name)).toEqual(["Account A"]);
  });

  it("rejects comparisons of incompatible types as Dataverse does", async () => {
    const text = await client.get(`opportunities?$filter=name eq 5`);
    expect(text.status).toBe(400);
    expect((text.body.error as Json).message).toBe("A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Int32' for operator kind 'Equal'.");
    const quotedGuid = await client.get(`opportunities?$filter=_parentaccountid_value eq '${accountA}'`);
    expect(quotedGuid.status).toBe(400);
    expect((quotedGuid.body.error as Json).message).toContain("'Edm.Guid' and 'Edm.String'");
    expect((await client.get(`opportunities?$filter=nosuchcolumn eq 1`)).body).toEqual({
      error: { code: "0x0", message: "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.opportunity'." },
    });
    expect((await client.get(`opportunities?$skip=2`)).status).toBe(400);
  });

  it("orders (nulls first ascending), limits with $top and counts with $count", async () => {
    expect(await names("$orderby=estimatedvalue desc")).toEqual(["Delta O'Brien", "Beta Cloud", "Alpha cloud", "Gamma data"]);
    expect(await names("$orderby=estimatedvalue asc,name desc")).toEqual(["Gamma data", "Alpha cloud", "Beta Cloud", "Delta O'Brien"]);
    expect(await names("$orderby=name&$top=2")).toEqual(["Alpha cloud", "Beta Cloud"]);
    const counted = await client.get<Collection>(`opportunities?$select=name&$filter=contains(name,'cloud')&$count=true&$top=1`);
    expect(counted.body["@odata.count"]).toBe(2);
    expect(counted.body.value).toHaveLength(1);
    expect(Object.keys(counted.body)).toEqual(["@odata.context", "@odata.count", "value"]);
    const plain = await client.get(`opportunities/$count`);
    expect(plain.text).toBe("4");
  });

  it("expands single-valued and collection-valued navigation properties with nested options", async () => {
    const single = await client.get<Collection>(`opportunities?$select=name&$filter=name eq 'Alpha cloud'&$expand=parentaccountid($select=name)`);
    expect(single.body["@odata.context"]).toBe(`${dv.apiUrl}$metadata#opportunities(name,parentaccountid(name))`);
    expect(single.body.value[0].parentaccountid).toEqual({ "@odata.etag": expect.stringMatching(/^W\/"\d+"$/), name: "Account A", accountid: accountA });

    const collection = await client.get(`accounts(${accountA})?$select=name&$expand=opportunity_parent_account($select=name,estimatedvalue;$filter=estimatedvalue gt 500;$orderby=name)`);
    expect((collection.body.opportunity_parent_account as Json[]).map((o) => o.name)).toEqual(["Delta O'Brien"]);

    const nested = await client.get(`accounts(${accountB})?$select=name&$expand=opportunity_parent_account($select=name;$expand=parentaccountid($select=name))`);
    expect(nested.body.opportunity_parent_account).toEqual([
      expect.objectContaining({ name: "Beta Cloud", parentaccountid: expect.objectContaining({ name: "Account B" }) }),
    ]);
    expect((await client.get(`accounts?$expand=nosuchnavigation`)).status).toBe(400);
  });

  it("returns formatted values for choices, money and dates when asked", async () => {
    const answer = await client.get(`opportunities(${ids.alpha})?$select=statecode,estimatedvalue,estimatedclosedate`, { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' });
    expect(answer.body).toMatchObject({
      "statecode@OData.Community.Display.V1.FormattedValue": "Open",
      "estimatedvalue@OData.Community.Display.V1.FormattedValue": "$100.00",
      "estimatedclosedate@OData.Community.Display.V1.FormattedValue": "1/15/2026",
    });
    const none = await client.get(`opportunities(${ids.alpha})?$select=statecode`);
    expect(Object.keys(none.body).some((k) => k.includes("@OData.Community"))).toBe(false);
  });
});

describe("Dataverse Web API: paging", () => {
  const TOTAL = 10_050;
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.user(dv);
    dv.seed.records("contacts", Array.from({ length: TOTAL }, (_, i) => ({ firstname: "Bulk", lastname: `Contact ${String(i).padStart(5, "0")}` })));
  });
  afterAll(() => dv.stop());

  it(`follows @odata.nextLink through ${TOTAL} rows, ${2500} per page, without losing or repeating any`, async () => {
    const seen: string[] = [];
    let url: string | undefined = `contacts?$select=lastname&$orderby=lastname asc`;
    let pages = 0;
    while (url) {
      const page: Awaited<ReturnType<typeof client.get<Collection>>> = await client.get<Collection>(url, { Prefer: "odata.maxpagesize=2500" });
      expect(page.status).toBe(200);
      expect(page.headers.get("Preference-Applied")).toBe("odata.maxpagesize=2500");
      pages++;
      seen.push(...page.body.value.map((row) => row.lastname as string));
      url = page.body["@odata.nextLink"];
      if (pages === 1) expect(url).toMatch(/\$skiptoken=%3Ccookie%20pagenumber=%222%22%20pagingcookie=%22%253ccookie%2520page%253d%25221%2522%253e/);
      if (url) expect(url.startsWith(`${dv.apiUrl}contacts?$select=lastname&$orderby=lastname%20asc&$skiptoken=`)).toBe(true);
    }
    expect(pages).toBe(Math.ceil(TOTAL / 2500));
    expect(seen).toHaveLength(TOTAL);
    expect(new Set(seen).size).toBe(TOTAL);
    expect(seen).toEqual([...seen].sort());
  });

  it("pages at 5000 rows when no page size is asked, ignores larger sizes and caps $count at 5000", async () => {
    const first = await client.get<Collection>(`contacts?$select=contactid&$count=true`);
    expect(first.body.value).toHaveLength(5000);
    expect(first.body["@odata.count"]).toBe(5000);
    expect(first.body["@odata.nextLink"]).toBeDefined();
    const large = await client.get<Collection>(`contacts?$select=contactid`, { Prefer: "odata.maxpagesize=20000" });
    expect(large.body.value).toHaveLength(5000);
  });
});
