/**
 * Row operations of the Web API (dataverse-pcf.md §5): create, retrieve, update, upsert by id and
 * by alternate key, delete, @odata.bind, N:N associate/disassociate through $ref, row versions
 * and optimistic concurrency, return=representation, annotations, and the product's solution
 * tables and columns read from the solution source.
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { OpportunityColumns, OpportunitySolutionRelationship, SolutionTable, SyncStatusOptions } from "@cosell/core";
import { Client, idFromEntityUrl, PRODUCT_SOLUTION, startDataverse, type Json } from "./dataverse-harness";

describe("Dataverse Web API: rows", () => {
  let dv: DataverseEmulator;
  let client: Client;
  let usd: string;
  let eur: string;
  beforeAll(async () => {
    dv = await startDataverse({ solutions: [PRODUCT_SOLUTION] });
    ({ USD: usd, EUR: eur } = dv.seed.currencies(["USD", "EUR"]));
    client = await Client.user(dv, "ana@contoso.example", "Ana Bowman");
  });
  afterAll(() => dv.stop());

  it("keeps each currency's own id: the base-currency default applies to money tables only", async () => {
    expect(eur).not.toBe(usd);
    const euro = await client.get(`transactioncurrencies(${eur})?$select=isocurrencycode`);
    expect(euro.body).toMatchObject({ transactioncurrencyid: eur, isocurrencycode: "EUR" });
    const byCode = await client.get(`transactioncurrencies?$select=transactioncurrencyid&$filter=isocurrencycode eq 'EUR'`);
    expect(byCode.body.value).toEqual([expect.objectContaining({ transactioncurrencyid: eur })]);
  });

  it("creates a row: 204 with OData-EntityId, and the row reads back with system columns set", async () => {
    const answer = await client.post("accounts", { name: "Contoso Ltd", address1_postalcode: "98052", "@odata.type": "Microsoft.Dynamics.CRM.account" });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    const entityId = answer.headers.get("OData-EntityId")!;
    expect(entityId).toMatch(new RegExp(`^${dv.apiUrl.replace(/[.]/g, "\\.")}accounts\\([0-9a-f-]{36}\\)$`));
    const id = idFromEntityUrl(entityId);

    const row = await client.get(`accounts(${id})`);
    expect(row.status).toBe(200);
    expect(row.body["@odata.context"]).toBe(`${dv.apiUrl}$metadata#accounts/$entity`);
    expect(row.body).toMatchObject({ accountid: id, name: "Contoso Ltd", address1_postalcode: "98052", statecode: 0, statuscode: 1 });
    expect(row.body["@odata.etag"]).toMatch(/^W\/"\d+"$/);
    const me = (await client.get("WhoAmI()")).body.UserId;
    expect(row.body._ownerid_value).toBe(me);
    expect(row.body._createdby_value).toBe(me);
    expect(row.body._modifiedby_value).toBe(me);
    expect(row.body._transactioncurrencyid_value).toBe(usd);
  });

  it("returns the created row with Prefer: return=representation (201) honouring $select", async () => {
    const answer = await client.post("contacts?$select=fullname,emailaddress1", { firstname: "Erik", lastname: "Lindqvist", emailaddress1: "erik@fabrikam.example" }, { Prefer: "return=representation" });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("Preference-Applied")).toBe("return=representation");
    expect(Object.keys(answer.body).sort()).toEqual(["@odata.context", "@odata.etag", "contactid", "emailaddress1", "fullname"]);
    expect(answer.body).toMatchObject({ fullname: "Erik Lindqvist", emailaddress1: "erik@fabrikam.example" });
  });

  it("sets and clears lookups with @odata.bind and reads them back as _x_value with annotations", async () => {
    const account = await client.create("accounts", { name: "Fabrikam AB" });
    const contact = await client.create("contacts", { firstname: "Sanne", lastname: "de Vries", "parentcustomerid_account@odata.bind": `/accounts(${account})` });
    const opportunity = await client.create("opportunities", {
      name: "Data platform",
      estimatedvalue: 1200000,
      "parentaccountid@odata.bind": `accounts(${account})`,
      "customerid_account@odata.bind": `${dv.apiUrl}accounts(${account})`,
      "parentcontactid@odata.bind": `/contacts(${contact})`,
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${eur})`,
    });
    const read = await client.get(`opportunities(${opportunity})?$select=name,_parentaccountid_value,_customerid_value,estimatedvalue,estimatedclosedate`, { Prefer: 'odata.include-annotations="*"' });
    expect(read.headers.get("Preference-Applied")).toBe('odata.include-annotations="*"');
    expect(read.body).toMatchObject({
      _parentaccountid_value: account,
      "_parentaccountid_value@OData.Community.Display.V1.FormattedValue": "Fabrikam AB",
      "_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
      "_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "parentaccountid",
      "_customerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty": "customerid_account",
      estimatedvalue: 1200000,
      "estimatedvalue@OData.Community.Display.V1.FormattedValue": "€1,200,000.00",
      estimatedclosedate: null,
    });
    expect(Object.keys(read.body).some((k) => k.startsWith("estimatedclosedate@"))).toBe(false);

    expect((await client.patch(`opportunities(${opportunity})`, { "parentaccountid@odata.bind": null })).status).toBe(204);
    expect((await client.get(`opportunities(${opportunity})?$select=_parentaccountid_value`)).body._parentaccountid_value).toBeNull();
    expect((await client.call("PUT", `opportunities(${opportunity})/parentaccountid/$ref`, { "@odata.id": `${dv.apiUrl}accounts(${account})` })).status).toBe(204);
    expect((await client.get(`opportunities(${opportunity})?$select=_parentaccountid_value`)).body._parentaccountid_value).toBe(account);
    expect((await client.delete(`opportunities(${opportunity})/parentaccountid/$ref`)).status).toBe(204);
    expect((await client.get(`opportunities(${opportunity})?$select=_parentaccountid_value`)).body._parentaccountid_value).toBeNull();
  });

  it("rejects a GUID written to a lookup column and a bind to a row that does not exist", async () => {
    const guid = "11111111-2222-3333-4444-555555555555";
    const wrongShape = await client.post("opportunities", { name: "X", parentaccountid: guid });
    expect(wrongShape.status).toBe(400);
    const missing = await client.post("opportunities", { name: "X", "parentaccountid@odata.bind": `/accounts(${guid})` });
    expect(missing.status).toBe(404);
    expect((missing.body.error as Json).message).toBe(`account With Id = ${guid} Does Not Exist`);
  });

  it("updates with PATCH (204; 200 with representation) and bumps the row version", async () => {
    const id = await client.create("accounts", { name: "Northwind" });
    const before = (await client.get(`accounts(${id})?$select=name`)).body["@odata.etag"];
    expect((await client.patch(`accounts(${id})`, { telephone1: "+48 22 555 0100" })).status).toBe(204);
    const represented = await client.patch(`accounts(${id})?$select=telephone1`, { name: "Northwind Traders" }, { Prefer: "return=representation" });
    expect(represented.status).toBe(200);
    expect(represented.body).toMatchObject({ telephone1: "+48 22 555 0100", accountid: id });
    expect(represented.body["@odata.etag"]).not.toBe(before);
  });

  it("lets exactly one of two writers holding the same row version win (412 for the other)", async () => {
    const id = await client.create("opportunities", { name: "Race" });
    const etag = (await client.get(`opportunities(${id})?$select=name`)).body["@odata.etag"] as string;
    const [first, second] = await Promise.all([
      client.patch(`opportunities(${id})`, { description: "from the relay" }, { "If-Match": etag }),
      client.patch(`opportunities(${id})`, { description: "from the form" }, { "If-Match": etag }),
    ]);
    const statuses = [first.status, second.status].sort();
    expect(statuses).toEqual([204, 412]);
    const loser = first.status === 412 ? first : second;
    expect((loser.body.error as Json).message).toBe("The version of the existing record doesn't match the RowVersion property provided.");
    const winner = first.status === 204 ? "from the relay" : "from the form";
    expect((await client.get(`opportunities(${id})?$select=description`)).body.description).toBe(winner);
  });

  it("answers a conditional GET with If-None-Match and an unchanged version with 304", async () => {
    const id = await client.create("accounts", { name: "Conditional" });
    const etag = (await client.get(`accounts(${id})?$select=name`)).body["@odata.etag"] as string;
    expect((await client.get(`accounts(${id})?$select=name`, { "If-None-Match": etag })).status).toBe(304);
    await client.patch(`accounts(${id})`, { name: "Changed" });
    expect((await client.get(`accounts(${id})?$select=name`, { "If-None-Match": etag })).status).toBe(200);
  });

  it("upserts by id: PATCH creates a missing row with that id", async () => {
    const id = "6d81597f-0f9f-e711-8122-000d3aa2331c";
    const created = await client.patch(`contacts(${id})`, { firstname: "James", lastname: "Glynn" });
    expect(created.status).toBe(204);
    expect(created.headers.get("OData-EntityId")).toBe(`${dv.apiUrl}contacts(${id})`);
    expect((await client.get(`contacts(${id})?$select=fullname`)).body.fullname).toBe("James Glynn");
  });

  it("upserts by alternate key on the solution catalog table (cosell_solutionidentifier_key)", async () => {
    const set = SolutionTable.entitySetName;
    const key = `${set}(${SolutionTable.solutionIdentifier}='SOL-15974-MQF')`;
    const created = await client.patch(key, { [SolutionTable.name]: "Contoso Analytics" });
    expect(created.status).toBe(204);
    const id = idFromEntityUrl(created.headers.get("OData-EntityId")!);
    expect((await client.patch(key, { [SolutionTable.name]: "Contoso Analytics v2" })).status).toBe(204);
    const rows = await client.get<{ value: Json[] }>(`${set}?$select=${SolutionTable.name},${SolutionTable.solutionIdentifier}`);
    expect(rows.body.value).toEqual([expect.objectContaining({ [SolutionTable.primaryId]: id, [SolutionTable.name]: "Contoso Analytics v2", [SolutionTable.solutionIdentifier]: "SOL-15974-MQF" })]);
    expect((await client.get(key)).body[SolutionTable.primaryId]).toBe(id);
    expect((await client.patch(key, { [SolutionTable.name]: "x" }, { "If-None-Match": "*" })).status).toBe(412);
    expect((await client.patch(`${set}(${SolutionTable.solutionIdentifier}='SOL-00000-NEW')`, { [SolutionTable.name]: "x" }, { "If-Match": "*" })).status).toBe(404);
    expect((await client.get(`${set}(${SolutionTable.solutionIdentifier}='SOL-00000-404')`)).body).toEqual({
      error: { code: "0x80040217", message: `A record with the specified key values does not exist in ${SolutionTable.logicalName} entity` },
    });
    const duplicate = await client.post(set, { [SolutionTable.name]: "Copy", [SolutionTable.solutionIdentifier]: "sol-15974-mqf" });
    expect(duplicate.status).toBe(412);
  });

  it("associates and disassociates opportunities and catalog solutions through the N:N with $ref", async () => {
    const nav = OpportunitySolutionRelationship.navigationProperty;
    const opportunity = await client.create("opportunities", { name: "Co-sell deal" });
    const first = await client.create(SolutionTable.entitySetName, { [SolutionTable.name]: "Azure Migrate", [SolutionTable.solutionIdentifier]: "SOL-1" });
    const second = await client.create(SolutionTable.entitySetName, { [SolutionTable.name]: "Fabric", [SolutionTable.solutionIdentifier]: "SOL-2" });
    for (const solution of [first, second]) {
      const answer = await client.post(`opportunities(${opportunity})/${nav}/$ref`, { "@odata.id": `${dv.apiUrl}${SolutionTable.entitySetName}(${solution})` });
      expect(answer.status).toBe(204);
    }
    const related = await client.get<{ value: Json[] }>(`opportunities(${opportunity})/${nav}?$select=${SolutionTable.name}&$orderby=${SolutionTable.name} asc`);
    expect(related.body.value.map((s) => s[SolutionTable.name])).toEqual(["Azure Migrate", "Fabric"]);
    const reverse = await client.get<{ value: Json[] }>(`${SolutionTable.entitySetName}(${first})/${nav}?$select=name`);
    expect(reverse.body.value.map((o) => o.opportunityid)).toEqual([opportunity]);

    expect((await client.delete(`opportunities(${opportunity})/${nav}(${first})/$ref`)).status).toBe(204);
    expect((await client.delete(`opportunities(${opportunity})/${nav}/$ref?$id=${dv.apiUrl}${SolutionTable.entitySetName}(${second})`)).status).toBe(204);
    expect((await client.get<{ value: Json[] }>(`opportunities(${opportunity})/${nav}`)).body.value).toEqual([]);
  });

  it("binds collection-valued navigation properties on create (N:N) and supports deep insert", async () => {
    const nav = OpportunitySolutionRelationship.navigationProperty;
    const solution = await client.create(SolutionTable.entitySetName, { [SolutionTable.name]: "Defender", [SolutionTable.solutionIdentifier]: "SOL-3" });
    const opportunity = await client.create("opportunities", {
      name: "Security",
      [`${nav}@odata.bind`]: [`/${SolutionTable.entitySetName}(${solution})`],
      parentaccountid: { name: "Deep Insert Ltd" },
    });
    const read = await client.get(`opportunities(${opportunity})?$select=name&$expand=${nav}($select=${SolutionTable.name}),parentaccountid($select=name)`);
    expect(read.body[nav]).toEqual([expect.objectContaining({ [SolutionTable.name]: "Defender" })]);
    expect(read.body.parentaccountid).toEqual(expect.objectContaining({ name: "Deep Insert Ltd" }));
  });

  it("knows every column of the product's solution and rejects one it does not declare", async () => {
    const id = await client.create("opportunities", {
      name: "Shared deal",
      [OpportunityColumns.syncWithPartnerCenter]: true,
      [OpportunityColumns.syncStatus]: SyncStatusOptions.Pending,
      [OpportunityColumns.lastSyncedOn]: "2026-11-20T08:30:00Z",
    });
    const read = await client.get(`opportunities(${id})?$select=${OpportunityColumns.syncWithPartnerCenter},${OpportunityColumns.syncStatus},${OpportunityColumns.lastSyncedOn}`, { Prefer: 'odata.include-annotations="OData.Community.Display.V1.FormattedValue"' });
    expect(read.body).toMatchObject({ [OpportunityColumns.syncWithPartnerCenter]: true, [OpportunityColumns.syncStatus]: SyncStatusOptions.Pending, [OpportunityColumns.lastSyncedOn]: "2026-11-20T08:30:00Z" });
    expect(read.body[`${OpportunityColumns.syncWithPartnerCenter}@OData.Community.Display.V1.FormattedValue`]).toEqual(expect.any(String));
    const outside = await client.patch(`opportunities(${id})`, { [OpportunityColumns.syncStatus]: 123 });
    expect(outside.status).toBe(400);
    expect((outside.body.error as Json).message).toContain(`The value 123 of '${OpportunityColumns.syncStatus}' on record of type 'opportunity' is outside the valid range.`);
    const unknown = await client.patch(`opportunities(${id})`, { cosell_nosuchcolumn: "x" });
    expect(unknown.status).toBe(400);
    expect((unknown.body.error as Json).message).toContain("Invalid property 'cosell_nosuchcolumn' was found in entity 'Microsoft.Dynamics.CRM.opportunity'");
  });

  it("deletes a row (204) and then answers 404 for it", async () => {
    const id = await client.create("accounts", { name: "Short-lived" });
    expect((await client.delete(`accounts(${id})`)).status).toBe(204);
    const gone = await client.get(`accounts(${id})`);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ error: { code: "", message: `account With Id = ${id} Does Not Exist` } });
  });

  it("reads and writes a single property", async () => {
    const id = await client.create("accounts", { name: "Property" });
    expect((await client.get(`accounts(${id})/name`)).body).toEqual({ "@odata.context": `${dv.apiUrl}$metadata#accounts(${id})/name`, value: "Property" });
    expect((await client.call("PUT", `accounts(${id})/name`, { value: "Renamed" })).status).toBe(204);
    expect((await client.get(`accounts(${id})?$select=name`)).body.name).toBe("Renamed");
  });

  it("refuses to close an opportunity as Won through an update", async () => {
    const id = await client.create("opportunities", { name: "Not like this" });
    const answer = await client.patch(`opportunities(${id})`, { statecode: 1, statuscode: 3 });
    expect(answer.status).toBe(400);
    expect((answer.body.error as Json).message).toContain("use the WinOpportunityRequest message");
  });
});

describe("Dataverse Web API: platform clock", () => {
  it("stamps createdon/modifiedon from the emulator's clock, to the second", async () => {
    let now = new Date("2026-01-02T03:04:05.678Z");
    const dv = await startDataverse({ clock: () => now });
    try {
      const client = await Client.user(dv);
      const id = await client.create("accounts", { name: "Clocked" });
      now = new Date("2026-02-03T04:05:06.000Z");
      await client.patch(`accounts(${id})`, { name: "Clocked again" });
      expect((await client.get(`accounts(${id})?$select=createdon,modifiedon`)).body).toMatchObject({ createdon: "2026-01-02T03:04:05Z", modifiedon: "2026-02-03T04:05:06Z" });
      const since = await client.get<{ value: Json[] }>(`accounts?$select=name&$filter=modifiedon ge 2026-02-01T00:00:00Z`);
      expect(since.body.value.map((a) => a.name)).toEqual(["Clocked again"]);
    } finally {
      await dv.stop();
    }
  });
});
