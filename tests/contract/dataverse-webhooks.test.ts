/**
 * Webhooks registered through the Web API — a service endpoint with contract 8 and an HttpHeader
 * secret, steps on Create/Update of opportunity with filtering attributes — deliver the
 * RemoteExecutionContext of reference/dataverse/webhook-remoteexecutioncontext-contact-update.json
 * with the configured secret header, after the change commits.
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { Client, PRODUCT_SOLUTION, sample, startDataverse, startReceiver, type Json, type ReceivedWebhook } from "./dataverse-harness";

/** Every member of the sample is present with the same JSON type (a null in the sample allows any). */
function shapeDifferences(actual: unknown, expected: unknown, where = "$"): string[] {
  if (expected === null) return [];
  const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
  if (kind(actual) !== kind(expected)) return [`${where}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected)) {
    const list = actual as unknown[];
    if (expected.length === 0 || list.length === 0) return [];
    return shapeDifferences(list[0], expected[0], `${where}[0]`);
  }
  if (typeof expected === "object") {
    const object = actual as Record<string, unknown>;
    return Object.entries(expected as Record<string, unknown>).flatMap(([key, value]) => (key in object ? shapeDifferences(object[key], value, `${where}.${key}`) : [`${where}.${key}: missing`]));
  }
  return [];
}

const attributesOf = (context: Json): Record<string, unknown> => {
  const target = (context.InputParameters as Array<{ key: string; value: Json }>).find((p) => p.key === "Target")!.value;
  return Object.fromEntries((target.Attributes as Array<{ key: string; value: unknown }>).map((a) => [a.key, a.value]));
};

describe("Dataverse webhooks", () => {
  let dv: DataverseEmulator;
  let admin: Client;
  let seller: Client;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let endpointId: string;
  let updateStep: string;

  beforeAll(async () => {
    dv = await startDataverse({ solutions: [PRODUCT_SOLUTION], webhooks: { attempts: 2, retryDelayMs: 1 } });
    admin = await Client.app(dv);
    seller = await Client.user(dv, "ana@contoso.example", "Ana Bowman");
    receiver = await startReceiver();

    endpointId = await admin.create("serviceendpoints", {
      name: "Co-sell relay",
      contract: 8,
      url: receiver.url,
      authtype: 5,
      authvalue: '<settings><setting name="x-cosell-secret" value="s3cret-value"/></settings>',
      messageformat: 2,
      userclaim: 1,
    });
    const messageId = async (name: string) => (await admin.get<{ value: Json[] }>(`sdkmessages?$filter=name eq '${name}'&$select=sdkmessageid`)).body.value[0].sdkmessageid as string;
    const filterId = async (message: string) =>
      (await admin.get<{ value: Json[] }>(`sdkmessagefilters?$filter=primaryobjecttypecode eq 'opportunity' and _sdkmessageid_value eq ${message}&$select=sdkmessagefilterid`)).body.value[0].sdkmessagefilterid as string;
    for (const name of ["Create", "Update"]) {
      const message = await messageId(name);
      const id = await admin.create("sdkmessageprocessingsteps", {
        name: `Co-sell relay: ${name} of opportunity`,
        mode: 1,
        rank: 1,
        stage: 40,
        supporteddeployment: 0,
        asyncautodelete: false,
        ...(name === "Update" ? { filteringattributes: "name,estimatedvalue,cosell_syncwithpartnercenter" } : {}),
        "sdkmessageid@odata.bind": `/sdkmessages(${message})`,
        "sdkmessagefilterid@odata.bind": `/sdkmessagefilters(${await filterId(message)})`,
        "eventhandler_serviceendpoint@odata.bind": `/serviceendpoints(${endpointId})`,
      });
      if (name === "Update") updateStep = id;
    }
  });
  beforeEach(async () => {
    await dv.webhooks.idle();
    receiver.received.length = 0;
    receiver.respondWith(200);
  });
  afterAll(async () => {
    await dv.stop();
    await receiver.stop();
  });

  it("keeps the endpoint's secret write-only", async () => {
    const endpoint = await admin.get(`serviceendpoints(${endpointId})`);
    expect(endpoint.body).toMatchObject({ name: "Co-sell relay", contract: 8, authtype: 5, url: receiver.url });
    expect("authvalue" in endpoint.body).toBe(false);
  });

  it("delivers an update of a filtered column with the sample's shape, the secret header and the documented headers", async () => {
    const id = await seller.create("opportunities", { name: "Webhook deal" });
    await dv.webhooks.idle();
    receiver.received.length = 0;

    expect((await seller.patch(`opportunities(${id})`, { name: "Webhook deal (renamed)" })).status).toBe(204);
    await dv.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    const [call] = receiver.received as [ReceivedWebhook];
    expect(call.headers).toMatchObject({
      "content-type": "application/json",
      "x-cosell-secret": "s3cret-value",
      "x-ms-dynamics-entity-name": "opportunity",
      "x-ms-dynamics-request-name": "Update",
      "x-ms-dynamics-organization": new URL(dv.environmentUrl).host,
      "x-ms-correlation-request-id": expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const context = JSON.parse(call.body) as Json;
    const reference = sample<Json>("webhook-remoteexecutioncontext-contact-update.json");
    expect(shapeDifferences(context, reference)).toEqual([]);
    expect(Object.keys(context)).toEqual(Object.keys(reference));
    expect(call.body).toMatch(/"OperationCreatedOn":"\\\/Date\(\d+\)\\\/"/);
    const me = (await seller.get("WhoAmI()")).body.UserId;
    expect(context).toMatchObject({ MessageName: "Update", PrimaryEntityName: "opportunity", PrimaryEntityId: id, Stage: 40, Mode: 1, Depth: 1, UserId: me, InitiatingUserId: me });
    expect(context.OwningExtension).toEqual({ Id: updateStep, KeyAttributes: [], LogicalName: "sdkmessageprocessingstep", Name: null, RowVersion: null });
    const attributes = attributesOf(context);
    expect(attributes.name).toBe("Webhook deal (renamed)");
    expect(attributes.opportunityid).toBe(id);
    expect(attributes.modifiedby).toEqual({ __type: "EntityReference:http://schemas.microsoft.com/xrm/2011/Contracts", Id: me, KeyAttributes: [], LogicalName: "systemuser", Name: null, RowVersion: null });
    expect(attributes.modifiedon).toMatch(/^\/Date\(\d+\)\/$/);
    expect(attributes.modifiedonbehalfby).toBeNull();
    expect((context.ParentContext as Json).Stage).toBe(30);
    expect((context.PostEntityImages as Array<{ key: string }>)[0].key).toBe("AsynchronousStepPrimaryName");
  });

  it("does not fire the update step for columns outside its filtering attributes", async () => {
    const id = await seller.create("opportunities", { name: "Quiet deal" });
    await dv.webhooks.idle();
    receiver.received.length = 0;
    await seller.patch(`opportunities(${id})`, { description: "only the description changed" });
    await dv.webhooks.idle();
    expect(receiver.received).toEqual([]);
  });

  it("delivers creates with the created id as output parameter, and nothing for a rolled-back change set", async () => {
    const id = await seller.create("opportunities", { name: "New deal", cosell_syncwithpartnercenter: true });
    await dv.webhooks.idle();
    expect(receiver.received).toHaveLength(1);
    const context = JSON.parse(receiver.received[0].body) as Json;
    expect(context).toMatchObject({ MessageName: "Create", PrimaryEntityId: id, OutputParameters: [{ key: "id", value: id }] });
    expect(attributesOf(context)).toMatchObject({ name: "New deal", cosell_syncwithpartnercenter: true });

    receiver.received.length = 0;
    const body = [
      "--batch_x",
      "Content-Type: multipart/mixed; boundary=changeset_x",
      "",
      "--changeset_x",
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "Content-ID: 1",
      "",
      "POST opportunities HTTP/1.1",
      "Content-Type: application/json",
      "",
      JSON.stringify({ name: "Never committed" }),
      "--changeset_x",
      "Content-Type: application/http",
      "Content-Transfer-Encoding: binary",
      "Content-ID: 2",
      "",
      "POST opportunities HTTP/1.1",
      "Content-Type: application/json",
      "",
      JSON.stringify({ name: "z".repeat(400) }),
      "--changeset_x--",
      "--batch_x--",
      "",
    ].join("\r\n");
    expect((await seller.call("POST", "$batch", body, { "Content-Type": "multipart/mixed;boundary=batch_x" })).status).toBe(400);
    await dv.webhooks.idle();
    expect(receiver.received).toEqual([]);
  });

  it("retries a failing receiver and records the outcome", async () => {
    receiver.respondWith(500);
    const id = await seller.create("opportunities", { name: "Unlucky" });
    await dv.webhooks.idle();
    expect(receiver.received).toHaveLength(2);
    const delivery = dv.webhooks.deliveries.filter((d) => d.id === id);
    expect(delivery).toEqual([expect.objectContaining({ delivered: false, attempts: 2, status: 500, message: "Create" })]);
  });

  it("carries the impersonated user as UserId and the caller as InitiatingUserId", async () => {
    const me = (await seller.get("WhoAmI()")).body.UserId as string;
    const relayUserId = (await admin.get("WhoAmI()")).body.UserId as string;
    const id = await admin.create("opportunities", { name: "On behalf" });
    await dv.webhooks.idle();
    receiver.received.length = 0;
    expect((await admin.patch(`opportunities(${id})`, { estimatedvalue: 42 }, { MSCRMCallerID: me })).status).toBe(204);
    await dv.webhooks.idle();
    const context = JSON.parse(receiver.received[0].body) as Json;
    expect(context).toMatchObject({ UserId: me, InitiatingUserId: relayUserId });
    expect((attributesOf(context).modifiedonbehalfby as Json).Id).toBe(relayUserId);
  });

  it("stops delivering once the step is disabled", async () => {
    expect((await admin.patch(`sdkmessageprocessingsteps(${updateStep})`, { statecode: 1 })).status).toBe(204);
    const id = await seller.create("opportunities", { name: "Disabled" });
    await dv.webhooks.idle();
    receiver.received.length = 0;
    await seller.patch(`opportunities(${id})`, { name: "Disabled (renamed)" });
    await dv.webhooks.idle();
    expect(receiver.received).toEqual([]);
    await admin.patch(`sdkmessageprocessingsteps(${updateStep})`, { statecode: 0 });
  });
});
