import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { registerWebhook } from "../../relay/src/dataverse";
import { startDataverseHarness, unique, type DataverseHarness } from "./dataverse-harness";

interface Received {
  headers: IncomingHttpHeaders;
  body: { MessageName?: string; PrimaryEntityName?: string; PrimaryEntityId?: string };
}

describe("Dataverse access layer: registering the relay's webhook", () => {
  let h: DataverseHarness;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];

  beforeAll(async () => {
    h = await startDataverseHarness();
    receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        received.push({ headers: req.headers, body: JSON.parse(body) as Received["body"] });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/dataverse`;
  });
  afterAll(async () => {
    await h.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const registration = (url: string) => ({
    name: "Co-sell relay",
    url,
    secret: { header: "x-cosell-secret", value: "s3cr&t\"value" },
    steps: [
      { message: "Create" as const, table: "opportunity" },
      { message: "Update" as const, table: "opportunity", filteringAttributes: ["cosell_syncwithpartnercenter", "name"] },
    ],
  });

  it("makes Dataverse post changes of the watched columns to the relay with the shared secret", async () => {
    const result = await registerWebhook(h.connection, registration(receiverUrl));
    expect(result.stepIds).toHaveLength(2);

    const id = await h.repository.createOpportunity({ name: unique("Hooked") });
    await h.repository.updateOpportunity(id, { description: "not watched" });
    await h.repository.updateOpportunity(id, { cosell_syncwithpartnercenter: true });
    await h.dv.webhooks.idle();

    const forThisRow = received.filter((r) => r.body.PrimaryEntityId === id);
    expect(forThisRow.map((r) => r.body.MessageName)).toEqual(["Create", "Update"]);
    expect(forThisRow.every((r) => r.headers["x-cosell-secret"] === 's3cr&t"value' && r.body.PrimaryEntityName === "opportunity")).toBe(true);
  });

  it("updates its own endpoint and steps when run again, and says where they pointed before", async () => {
    const first = await registerWebhook(h.connection, registration(receiverUrl));
    const moved = await registerWebhook(h.connection, registration(`${receiverUrl}?moved=1`));
    expect(moved.serviceEndpointId).toBe(first.serviceEndpointId);
    expect(moved.stepIds).toEqual(first.stepIds);
    expect(moved.previousUrl).toBe(receiverUrl);
    const endpoints = await h.connection.client.retrieveMultiple("?$select=name&$filter=name eq 'Co-sell relay'", { logicalName: "serviceendpoint" });
    expect(endpoints.entities).toHaveLength(1);
  });

  it("refuses a plain-http URL off this machine and a bad header name before writing anything", async () => {
    await expect(registerWebhook(h.connection, registration("http://relay.contoso.example/hooks/dataverse"))).rejects.toThrow(/must use https/);
    await expect(registerWebhook(h.connection, { ...registration(receiverUrl), secret: { header: "x secret", value: "v" } })).rejects.toThrow(/not a valid HTTP header name/);
  });
});
