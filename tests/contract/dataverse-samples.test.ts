/**
 * The emulator reproduces the documented Web API exchanges in reference/dataverse: the error
 * bodies of conditional operations and invalid requests, and the $batch request/response pair.
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { Client, readMultipart, sample, sampleText, startDataverse, type Json } from "./dataverse-harness";

describe("Dataverse Web API: documented error bodies", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.user(dv);
  });
  afterAll(() => dv.stop());

  it("answers PATCH with If-Match: * on a missing row with 404 and webapi-error-404-upsert-if-match.json, creating nothing", async () => {
    const answer = await client.patch("accounts(00000000-0000-0000-0000-000000000001)", { name: "Updated Sample Account " }, { "If-Match": "*" });
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual(sample("webapi-error-404-upsert-if-match.json"));
    expect((await client.get("accounts(00000000-0000-0000-0000-000000000001)")).status).toBe(404);
  });

  it("answers PATCH with If-None-Match: * on an existing row with 412 and webapi-error-412-upsert-if-none-match.json, changing nothing", async () => {
    const id = await client.create("accounts", { name: "Sample Account" });
    const answer = await client.patch(`accounts(${id})`, { name: "Created Sample Account" }, { "If-None-Match": "*" });
    expect(answer.status).toBe(412);
    expect(answer.body).toEqual(sample("webapi-error-412-upsert-if-none-match.json"));
    expect((await client.get(`accounts(${id})?$select=name`)).body.name).toBe("Sample Account");
  });

  it("answers a stale If-Match on PATCH and DELETE with 412 and the optimistic-concurrency samples", async () => {
    const id = await client.create("accounts", { name: "Contoso Ltd" });
    const stale = (await client.get(`accounts(${id})?$select=name`)).body["@odata.etag"] as string;
    expect((await client.patch(`accounts(${id})`, { telephone1: "555-0000" })).status).toBe(204);

    const update = await client.patch(`accounts(${id})`, { name: "Other name" }, { "If-Match": stale });
    expect(update.status).toBe(412);
    expect(update.body).toEqual(sample("webapi-error-412-optimistic-concurrency-update.json"));

    const remove = await client.delete(`accounts(${id})`, { "If-Match": stale });
    expect(remove.status).toBe(412);
    expect(remove.body).toEqual(sample("webapi-error-412-optimistic-concurrency-delete.json"));
    expect((await client.get(`accounts(${id})?$select=name`)).body.name).toBe("Contoso Ltd");
  });

  it("uses the documented error shape: exactly { error: { code, message } }", async () => {
    const template = sample<{ error: Json }>("webapi-error-format.json");
    const answer = await client.get("accounts?$select=Name");
    expect(answer.status).toBe(400);
    expect(Object.keys(answer.body)).toEqual(Object.keys(template));
    expect(Object.keys(answer.body.error as Json).sort()).toEqual(Object.keys(template.error).sort());
    expect(answer.headers.get("content-type")).toBe("application/json; odata.metadata=minimal");
  });

  it("rejects an unknown $select column, entity set and body column with the platform's messages", async () => {
    expect((await client.get("accounts?$select=Name")).body).toEqual({
      error: { code: "0x0", message: "Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.account'." },
    });
    const segment = await client.get("Account");
    expect(segment.status).toBe(404);
    expect(segment.body).toEqual({ error: { code: "0x8006088a", message: "Resource not found for the segment 'Account'." } });

    const before = (await client.get<{ value: unknown[] }>("accounts?$select=name")).body.value.length;
    const column = await client.post("accounts", { Name: "Account name" });
    expect(column.status).toBe(400);
    expect(column.body).toEqual({
      error: {
        code: "0x0",
        message: "An error occurred while validating input parameters: Microsoft.Crm.CrmException: Invalid property 'Name' was found in entity 'Microsoft.Dynamics.CRM.account'. ---> Microsoft.OData.ODataException: Does not support untyped value in non-open type.",
      },
    });
    expect((await client.get<{ value: unknown[] }>("accounts?$select=name")).body.value).toHaveLength(before);
  });

  it("rejects a lookup bound through its column name instead of its navigation property", async () => {
    const account = await client.create("accounts", { name: "Parent" });
    const answer = await client.post("contacts", { firstname: "test", lastname: "contact", "parentcustomerid@odata.bind": `accounts(${account})` });
    expect(answer.status).toBe(400);
    expect((answer.body.error as Json).code).toBe("0x80048d19");
    expect((answer.body.error as Json).message).toContain(
      "An undeclared property 'parentcustomerid' which only has property annotations in the payload but no property value was found in the payload.",
    );
  });

  it("answers a function called with the wrong method with 404 'No HTTP resource was found'", async () => {
    const answer = await client.post("WhoAmI", {});
    expect(answer.status).toBe(404);
    expect(answer.body).toEqual({ error: { code: "", message: `No HTTP resource was found that matches the request URI '${dv.apiUrl}WhoAmI'.` } });
  });
});

describe("Dataverse Web API: the documented $batch exchange", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.user(dv);
  });
  afterAll(() => dv.stop());

  it("executes webapi-batch-request.txt and answers in the shape of webapi-batch-response.txt", async () => {
    const account = await client.create("accounts", { name: "Test Account" });
    for (const subject of ["Task Created with Test Account", "Task 1", "Task 2", "Task 3"]) {
      await client.create("tasks", { subject, "regardingobjectid_account_task@odata.bind": `/accounts(${account})` });
    }
    // The sample prints the placeholder [Organization URI] and an account id with a missing group;
    // substitute the emulator's URL and a real account, and use CRLF as on the wire.
    const raw = sampleText("webapi-batch-request.txt")
      .replaceAll("[Organization URI]", dv.environmentUrl)
      .replaceAll("00000000-0000-0000-000000000001", account);
    const [head, ...rest] = raw.split("\n\n");
    const contentType = /Content-Type: (.+)/.exec(head)![1];
    const body = rest.join("\n\n").replace(/\n/g, "\r\n");

    const answer = await client.call("POST", `${dv.environmentUrl}/api/data/v9.1/$batch`, body, { "Content-Type": contentType });
    expect(answer.status).toBe(200);
    const boundary = /boundary=(batchresponse_[0-9a-f-]+)/.exec(answer.headers.get("content-type") ?? "")![1];
    const actual = readMultipart(answer.text, boundary);

    const sampleResponse = sampleText("webapi-batch-response.txt").replaceAll("[Organization URI]", dv.environmentUrl);
    const expected = readMultipart(sampleResponse, sampleResponse.split("\n")[0].slice(2));

    expect(actual).toHaveLength(expected.length);
    const [changeset, query] = actual;
    const [expectedChangeset, expectedQuery] = expected;
    expect(changeset.mimeHeaders["content-type"]).toMatch(/^multipart\/mixed; boundary=changesetresponse_/);
    expect(changeset.parts).toHaveLength(expectedChangeset.parts!.length);
    changeset.parts!.forEach((part, i) => {
      const reference = expectedChangeset.parts![i];
      expect(part.mimeHeaders).toEqual(reference.mimeHeaders);
      expect(part.status).toBe(reference.status);
      expect(Object.keys(part.headers).sort()).toEqual(Object.keys(reference.headers).sort());
      expect(part.headers["odata-entityid"]).toMatch(new RegExp(`^${dv.environmentUrl}/api/data/v9\\.1/tasks\\([0-9a-f-]{36}\\)$`));
      expect(part.headers.location).toBe(part.headers["odata-entityid"]);
    });

    expect(query.mimeHeaders).toEqual(expectedQuery.mimeHeaders);
    expect(query.status).toBe(200);
    expect(query.headers["content-type"]).toBe(expectedQuery.headers["content-type"]);
    const result = JSON.parse(query.body) as { "@odata.context": string; value: Json[] };
    const reference = JSON.parse(expectedQuery.body) as { "@odata.context": string; value: Json[] };
    expect(result["@odata.context"]).toBe(reference["@odata.context"]);
    expect(result.value.map((task) => Object.keys(task))).toEqual(reference.value.map((task) => Object.keys(task)));
    expect(result.value.map((task) => task.subject)).toEqual(reference.value.map((task) => task.subject));
    expect(result.value.every((task) => /^W\/"\d+"$/.test(task["@odata.etag"] as string))).toBe(true);
    const created = changeset.parts!.map((p) => /\(([0-9a-f-]{36})\)$/.exec(p.headers["odata-entityid"])![1]);
    expect(result.value.slice(-2).map((task) => task.activityid)).toEqual(created);
  });
});
