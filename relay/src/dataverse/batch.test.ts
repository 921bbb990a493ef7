import fs from "node:fs";
import path from "node:path";
import { decodeBatchResponse, encodeBatch, MAX_BATCH_OPERATIONS } from "./batch";

const reference = path.resolve(__dirname, "../../../../shared/reference/dataverse");
const apiRoot = "https://org.example.crm.dynamics.com/api/data/v9.2/";

describe("$batch wire format", () => {
  it("frames a change set and a single request as the Web API documents", () => {
    const { contentType, body } = encodeBatch(
      [
        [
          { method: "POST", path: "tasks", body: '{"subject":"Task 1 in batch"}' },
          { method: "POST", path: "tasks", body: '{"subject":"Task 2 in batch"}' },
        ],
        { method: "GET", path: "accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject" },
      ],
      apiRoot,
    );
    const batch = /^multipart\/mixed;boundary=(batch_[\w-]+)$/.exec(contentType)?.[1];
    expect(batch).toBeDefined();
    const lines = body.split("\r\n");
    expect(body).not.toMatch(/[^\r]\n/);
    expect(lines[0]).toBe(`--${batch}`);
    const changeSet = /^Content-Type: multipart\/mixed;boundary=(changeset_[\w-]+)$/.exec(lines[1])?.[1];
    expect(changeSet).toBeDefined();
    expect(lines.filter((l) => l === `--${changeSet}`)).toHaveLength(2);
    expect(lines).toContain("Content-ID: 1");
    expect(lines).toContain("Content-ID: 2");
    expect(lines).toContain(`POST ${apiRoot}tasks HTTP/1.1`);
    expect(lines).toContain("Content-Type: application/json;type=entry");
    expect(lines).toContain('{"subject":"Task 2 in batch"}');
    expect(lines).toContain(`--${changeSet}--`);
    expect(lines).toContain(`GET ${apiRoot}accounts(00000000-0000-0000-0000-000000000001)/Account_Tasks?$select=subject HTTP/1.1`);
    expect(lines[lines.length - 2]).toBe(`--${batch}--`);
  });

  it("refuses an empty batch and one over the platform's limit", () => {
    expect(() => encodeBatch([], apiRoot)).toThrow(/at least one/);
    const many = Array.from({ length: MAX_BATCH_OPERATIONS + 1 }, () => ({ method: "GET" as const, path: "accounts" }));
    expect(() => encodeBatch([many], apiRoot)).toThrow(/at most 1000/);
  });

  it("reads the documented sample response: change set parts, then the query result", () => {
    const sample = fs.readFileSync(path.join(reference, "webapi-batch-response.txt"), "utf8").replace(/\r?\n/g, "\r\n");
    const parts = decodeBatchResponse(sample, "multipart/mixed; boundary=batchresponse_c1bd45c1-dd81-470d-b897-e965846aad2f");
    expect(parts.map((p) => [p.status, p.contentId])).toEqual([
      [204, "1"],
      [204, "2"],
      [200, undefined],
    ]);
    expect(parts[0].headers.get("odata-entityid")).toBe("[Organization URI]/api/data/v9.1/tasks(a59c24f3-fafc-e411-80dd-00155d2a68cb)");
    const result = JSON.parse(parts[2].body) as { value: { subject: string }[] };
    expect(result.value.map((t) => t.subject)).toContain("Task 2 in batch");
  });

  it("finds the boundary in the body when the header lacks it, with bare LF line ends", () => {
    const sample = fs.readFileSync(path.join(reference, "webapi-batch-response.txt"), "utf8");
    expect(decodeBatchResponse(sample, "multipart/mixed")).toHaveLength(3);
  });

  it("reads a failed change set answered by one error part", () => {
    const body = [
      "--batchresponse_1",
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "",
      "HTTP/1.1 404 Not Found",
      "Content-Type: application/json; odata.metadata=minimal",
      "",
      '{"error":{"code":"0x80040217","message":"account With Id = 1 Does Not Exist"}}',
      "--batchresponse_1--",
      "",
    ].join("\r\n");
    const [part] = decodeBatchResponse(body, "multipart/mixed; boundary=batchresponse_1");
    expect(part.status).toBe(404);
    expect(JSON.parse(part.body).error.message).toContain("Does Not Exist");
  });
});
