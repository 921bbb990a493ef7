import { NotFoundError } from "./errors";
import { DataverseHttp } from "./http";
import { startScriptedServer, type ScriptedServer } from "./scripted-server.test-support";
import { MetadataEntityNames, NodeXrmWebApi } from "./web-api";

const ID = "9c1e0d7a-3b2f-4e51-8a60-7d9e8f0a1b23";
const metadata = { entities: { account: { collectionName: "accounts", primaryIdAttribute: "accountid" } } };

describe("NodeXrmWebApi", () => {
  let server: ScriptedServer;
  afterEach(() => server.close());

  function webApi(): NodeXrmWebApi {
    const http = new DataverseHttp({ environmentUrl: server.url, tokens: { getToken: async () => "t" }, sleep: async () => undefined });
    return new NodeXrmWebApi(http, new MetadataEntityNames(metadata, http));
  }

  it("creates a row and returns the id from OData-EntityId, sending the body once serialized", async () => {
    server = await startScriptedServer([{ status: 204, headers: { "OData-EntityId": `${"http://x"}/api/data/v9.2/accounts(${ID.toUpperCase()})` } }]);
    const created = await webApi().createRecord("account", { name: "Contoso" });
    expect(created).toEqual({ entityType: "account", id: ID });
    expect(server.requests[0]).toMatchObject({ method: "POST", url: "/api/data/v9.2/accounts", body: '{"name":"Contoso"}' });
  });

  it("updates only an existing row unless told to upsert", async () => {
    server = await startScriptedServer([{ status: 204 }]);
    await webApi().updateRecord("account", ID, { name: "A" });
    await webApi().withScope({ upsert: true }).updateRecord("account", "accountnumber='A-1'", { name: "B" });
    await webApi().withScope({ ifMatch: 'W/"7"' }).updateRecord("account", ID, { name: "C" });
    expect(server.requests.map((r) => [r.url, r.headers["if-match"]])).toEqual([
      [`/api/data/v9.2/accounts(${ID})`, "*"],
      ["/api/data/v9.2/accounts(accountnumber='A-1')", undefined],
      [`/api/data/v9.2/accounts(${ID})`, 'W/"7"'],
    ]);
  });

  it("asks for pages of the given size and follows the nextLink as given", async () => {
    server = await startScriptedServer((request) =>
      request.url.includes("skiptoken")
        ? { status: 200, body: JSON.stringify({ value: [{ accountid: "2" }] }) }
        : { status: 200, body: JSON.stringify({ value: [{ accountid: "1" }], "@odata.nextLink": `${server.url}/api/data/v9.2/accounts?$select=name&$skiptoken=abc` }) },
    );
    const api = webApi();
    const first = await api.retrieveMultipleRecords("account", "?$select=name", 1);
    expect(first.entities).toEqual([{ accountid: "1" }]);
    const second = await api.retrieveMultipleRecords("account", first.nextLink, 1);
    expect(second).toMatchObject({ entities: [{ accountid: "2" }], nextLink: undefined });
    expect(server.requests.map((r) => r.headers.prefer)).toEqual(['odata.include-annotations="*",odata.maxpagesize=1', 'odata.include-annotations="*",odata.maxpagesize=1']);
    expect(server.requests[1].url).toBe("/api/data/v9.2/accounts?$select=name&$skiptoken=abc");
    await expect(api.retrieveMultipleRecords("account", "", 5001)).rejects.toThrow(/maxPageSize/);
  });

  it("learns the entity set of a table the metadata lacks, once", async () => {
    server = await startScriptedServer((request) =>
      request.url.startsWith("/api/data/v9.2/EntityDefinitions")
        ? { status: 200, body: JSON.stringify({ EntitySetName: "businessunits", PrimaryIdAttribute: "businessunitid" }) }
        : { status: 200, body: JSON.stringify({ businessunitid: ID }) },
    );
    const api = webApi();
    await api.retrieveRecord("businessunit", ID);
    await api.retrieveRecord("businessunit", ID);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/api/data/v9.2/EntityDefinitions(LogicalName='businessunit')?$select=EntitySetName,PrimaryIdAttribute",
      `/api/data/v9.2/businessunits(${ID})`,
      `/api/data/v9.2/businessunits(${ID})`,
    ]);
  });

  it("fails a $batch with the first failed part's error", async () => {
    const boundary = "batchresponse_x";
    server = await startScriptedServer([
      {
        status: 200,
        headers: { "content-type": `multipart/mixed; boundary=${boundary}` },
        body: [`--${boundary}`, "Content-Type: application/http", "", "HTTP/1.1 404 Not Found", "", '{"error":{"code":"","message":"account With Id = 1 Does Not Exist"}}', `--${boundary}--`, ""].join("\r\n"),
      },
    ]);
    const crud = { getMetadata: () => ({ operationName: "Delete", operationType: 2, parameterTypes: {} }), entityReference: { entityType: "account", id: ID } };
    const error = await webApi().executeMultiple([[crud]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(server.requests[0].headers["content-type"]).toMatch(/^multipart\/mixed;boundary=batch_/);
  });
});
