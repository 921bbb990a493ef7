/**
 * $batch semantics (execute-batch-operations-using-web-api): change sets are atomic, processing
 * stops at the first failure unless Prefer: odata.continue-on-error, and Content-ID references
 * ($1) work in URLs and @odata.bind / @odata.id values.
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { Client, readMultipart, startDataverse, type Json, type ResponsePart } from "./dataverse-harness";

const CRLF = "\r\n";

interface PartSpec {
  method: string;
  url: string;
  body?: Json;
  contentId?: string;
  headers?: Record<string, string>;
}

function httpPart({ method, url, body, contentId, headers = {} }: PartSpec): string {
  const lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"];
  if (contentId) lines.push(`Content-ID: ${contentId}`);
  lines.push("", `${method} ${url} HTTP/1.1`, "Content-Type: application/json; type=entry");
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push("", body ? JSON.stringify(body) : "");
  return lines.join(CRLF);
}

/** A batch of top-level requests (PartSpec) and change sets (PartSpec[]). */
function batchBody(boundary: string, items: Array<PartSpec | PartSpec[]>): string {
  const chunks = items.map((item, i) => {
    if (!Array.isArray(item)) return `--${boundary}${CRLF}${httpPart(item)}`;
    const changeset = `changeset_${i}`;
    const parts = item.map((p) => `--${changeset}${CRLF}${httpPart(p)}`).join(CRLF);
    return `--${boundary}${CRLF}Content-Type: multipart/mixed; boundary=${changeset}${CRLF}${CRLF}${parts}${CRLF}--${changeset}--`;
  });
  return `${chunks.join(CRLF)}${CRLF}--${boundary}--${CRLF}`;
}

describe("Dataverse Web API: $batch", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.user(dv);
  });
  afterAll(() => dv.stop());

  async function send(items: Array<PartSpec | PartSpec[]>, headers: Record<string, string> = {}): Promise<{ status: number; parts: ResponsePart[] }> {
    const boundary = "batch_test";
    const answer = await client.call("POST", "$batch", batchBody(boundary, items), { "Content-Type": `multipart/mixed;boundary=${boundary}`, ...headers });
    const responseBoundary = /boundary=([^;]+)/.exec(answer.headers.get("content-type") ?? "")?.[1];
    if (!responseBoundary) throw new Error(`No multipart answer: ${answer.status} ${answer.text}`);
    return { status: answer.status, parts: readMultipart(answer.text, responseBoundary) };
  }

  const accountNames = async () => (await client.get<{ value: Json[] }>("accounts?$select=name&$orderby=name")).body.value.map((a) => a.name);

  it("rolls back a whole change set when one of its requests fails, and reports that one error", async () => {
    const before = await accountNames();
    const { status, parts } = await send([
      [
        { method: "POST", url: "/api/data/v9.2/accounts", body: { name: "Rollback A" }, contentId: "1" },
        { method: "POST", url: "/api/data/v9.2/accounts", body: { name: "Rollback B" }, contentId: "2" },
        { method: "POST", url: "/api/data/v9.2/accounts", body: { name: "x".repeat(161) }, contentId: "3" },
      ],
    ]);
    expect(status).toBe(400);
    expect(parts).toHaveLength(1);
    expect(parts[0].status).toBe(400);
    expect(JSON.parse(parts[0].body)).toEqual({
      error: { code: "0x80044331", message: "A validation error occurred.  The length of the 'name' attribute of the 'account' entity exceeded the maximum allowed length of '160'." },
    });
    expect(await accountNames()).toEqual(before);
  });

  it("commits a change set whose requests all succeed, resolving $n references in URLs and bodies", async () => {
    const { status, parts } = await send([
      [
        { method: "POST", url: "accounts", body: { name: "Batch Account" }, contentId: "1" },
        { method: "POST", url: "contacts", body: { firstname: "Batch", lastname: "Contact" }, contentId: "2" },
        { method: "PUT", url: "$1/primarycontactid/$ref", body: { "@odata.id": "$2" }, contentId: "3" },
        { method: "PATCH", url: "$2", body: { "parentcustomerid_account@odata.bind": "$1" }, contentId: "4" },
      ],
    ]);
    expect(status).toBe(200);
    const changeset = parts[0].parts!;
    expect(changeset.map((p) => [p.mimeHeaders["content-id"], p.status])).toEqual([["1", 204], ["2", 204], ["3", 204], ["4", 204]]);
    const account = /\(([0-9a-f-]{36})\)$/.exec(changeset[0].headers["odata-entityid"])![1];
    const contact = /\(([0-9a-f-]{36})\)$/.exec(changeset[1].headers["odata-entityid"])![1];
    expect((await client.get(`accounts(${account})?$select=_primarycontactid_value`)).body._primarycontactid_value).toBe(contact);
    expect((await client.get(`contacts(${contact})?$select=_parentcustomerid_value`)).body._parentcustomerid_value).toBe(account);
  });

  it("refuses a reference to a Content-ID not declared yet", async () => {
    const { parts } = await send([[{ method: "POST", url: "contacts", body: { lastname: "Orphan", "parentcustomerid_account@odata.bind": "$1" }, contentId: "2" }]]);
    expect(JSON.parse(parts[0].body).error.message).toBe("Content-ID Reference: '$1' does not exist in the batch context.");
  });

  it("stops at the first failure without odata.continue-on-error, and goes on with it", async () => {
    const items: PartSpec[] = [
      { method: "POST", url: "accounts", body: { name: "y".repeat(200) } },
      { method: "POST", url: "accounts", body: { name: "After failure 1" } },
      { method: "GET", url: `accounts?$select=name&$filter=${encodeURIComponent("startswith(name,'After failure')")}` },
    ];
    const stopped = await send(items);
    expect(stopped.status).toBe(400);
    expect(stopped.parts.map((p) => p.status)).toEqual([400]);
    expect(await accountNames()).not.toContain("After failure 1");

    const continued = await send(items, { Prefer: "odata.continue-on-error" });
    expect(continued.status).toBe(200);
    expect(continued.parts.map((p) => p.status)).toEqual([400, 204, 200]);
    expect(JSON.parse(continued.parts[2].body).value.map((a: Json) => a.name)).toEqual(["After failure 1"]);
  });

  it("rejects a GET inside a change set", async () => {
    const answer = await client.call("POST", "$batch", batchBody("batch_get", [[{ method: "GET", url: "accounts" }]]), { "Content-Type": "multipart/mixed;boundary=batch_get" });
    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: { code: "0x80060888", message: "GET requests are not allowed within a change set." } });
  });

  it("counts a $batch as one request and each part as an operation", async () => {
    dv.counters.reset();
    await send([{ method: "GET", url: "WhoAmI()" }, [{ method: "POST", url: "accounts", body: { name: "Counted" } }]]);
    const counters = dv.counters.snapshot();
    expect(counters).toMatchObject({ requests: 1, batches: 1, operations: 2 });
    expect(counters.byOperation).toMatchObject({ "GET WhoAmI": 1, "POST accounts": 1 });
  });
});
