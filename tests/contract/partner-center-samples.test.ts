/**
 * The emulator answers the documented requests with the documented shapes and status codes
 * (shared/reference/partner-center/INDEX.md): each sample JSON is loaded and compared by structure.
 */
import type { PartnerCenterEmulator } from "@cosell/emulators/partner-center/src";
import { Client, emulator, outgoingReferral, sample, shapeDifferences, startReceiver, type Referral } from "./partner-center-harness";

let pc: PartnerCenterEmulator;
let client: Client;

beforeAll(async () => {
  pc = await emulator();
  client = await Client.forUser(pc);
});
afterAll(() => pc.stop());

/**
 * The 2019 create sample is a co-sell (`type: Shared`) that predates the visibility switch; the
 * current rules (§7.8) need it set, so it is added. Nothing else is changed.
 */
function createRequest() {
  const body = sample<Record<string, Record<string, unknown>>>("referral-create-request.json");
  body.consent.consentToShareReferralWithMicrosoftSellers = true;
  return body;
}

describe("referral samples", () => {
  it("POST referral-create-request.json → 201 shaped like referral-create-response.json", async () => {
    const created = await client.create(createRequest());
    expect(created.status).toBe(201);
    expect(shapeDifferences(created.body, sample("referral-create-response.json"))).toEqual([]);
  });

  it("GET by id of an incoming referral is shaped like both documented get-by-id responses", async () => {
    // Microsoft sends the partner the referral of the 2019 sample (all its client-owned fields).
    const sent = pc.microsoft.createIncomingReferral({ referral: sample("referral-get-by-id-response-2019.json") });
    const read = await client.get<Referral>(`${pc.referralsUrl}/${String(sent.id)}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ "@odata.context": expect.stringMatching(/\$metadata#Referrals\/\$entity$/), direction: "Incoming", status: "New", substatus: "Pending" });
    expect(shapeDifferences(read.body, sample("referral-get-by-id-response.json"))).toEqual([]);
    expect(shapeDifferences(read.body, sample("referral-get-by-id-response-2019.json"))).toEqual([]);
  });

  it("GET by id of an outgoing referral is shaped like the 2020+ get-by-id response", async () => {
    const created = await client.create(createRequest());
    const read = await client.get<Referral>(`${pc.referralsUrl}/${created.body.id}`);
    expect(read.status).toBe(200);
    expect(shapeDifferences(read.body, sample("referral-get-by-id-response.json"))).toEqual([]);
  });

  it("GET list of more than a page is shaped like both documented list responses, nextLink included", async () => {
    for (let i = 0; i < 101; i++) pc.microsoft.createIncomingReferral();
    const list = await client.get(pc.referralsUrl);
    expect(list.status).toBe(200);
    expect(shapeDifferences(list.body, sample("referral-list-response.json"))).toEqual([]);
    // The 2019 items differ from each other (one has `ids: {}`); compare the collection envelope.
    expect(shapeDifferences(list.body, { ...sample<Record<string, unknown>>("referral-list-response-2019.json"), value: [] })).toEqual([]);
  });

  it.each(["referral-patch-request.json", "referral-patch-request-dealvalue-notes.json", "referral-patch-request-add-team-member.json", "referral-patch-request-close-won.json"])(
    "PATCH %s → 204 with an empty body",
    async (file) => {
      const created = await client.create(createRequest());
      const patched = await client.patch(created.body.id, sample(file));
      expect(patched.status).toBe(204);
      expect(patched.text).toBe("");
    },
  );

  it("PATCH with Prefer: return=representation → 200 and the referral", async () => {
    const created = await client.create(createRequest());
    const patched = await client.patch(created.body.id, sample("referral-patch-request-dealvalue-notes.json"), { prefer: "return=representation" });
    expect(patched.status).toBe(200);
    expect(shapeDifferences(patched.body, sample("referral-create-response.json"))).toEqual([]);
    expect(patched.body.details).toMatchObject({ dealValue: 10000, notes: "Lorem ipsum dolor sit amet." });
  });

  it("PUT referral-update-put-request.json with If-Match → 200 shaped like referral-update-put-response.json", async () => {
    // The PUT sample is a private (Independent) deal, so it replaces one.
    const created = await client.create(outgoingReferral());
    const body = { ...sample<Record<string, unknown>>("referral-update-put-request.json"), id: created.body.id };
    const put = await client.call<Referral>("PUT", `${pc.referralsUrl}/${created.body.id}`, body, { "if-match": created.body.eTag });
    expect(put.status).toBe(200);
    expect(shapeDifferences(put.body, sample("referral-update-put-response.json"))).toEqual([]);
    expect([put.body.status, put.body.substatus]).toEqual(["Closed", "Won"]);
  });

  it("errors are shaped like error-response.json", async () => {
    const missing = await client.get(`${pc.referralsUrl}/00000000-0000-0000-0000-000000000000`);
    expect(missing.status).toBe(404);
    expect(shapeDifferences(missing.body, sample("error-response.json")).filter((d) => !d.includes("innerError"))).toEqual([]);
  });
});

describe("webhook samples", () => {
  let hooks: Client;
  let pcW: PartnerCenterEmulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    pcW = await emulator();
    hooks = new Client(pcW, await pcW.issueToken({ api: "webhooks" }));
    receiver = await startReceiver();
  });
  afterAll(async () => {
    await pcW.stop();
    await receiver.close();
  });

  it("GET /registration/events is a JSON array of names, like webhook-events-list-response.json", async () => {
    const events = await hooks.get<string[]>(`${pcW.webhooksUrl}/registration/events`);
    expect(events.status).toBe(200);
    expect(shapeDifferences(events.body, sample("webhook-events-list-response.json"))).toEqual([]);
    expect(events.body).toEqual(expect.arrayContaining(sample<string[]>("webhook-events-list-response.json")));
  });

  it("registration POST, GET and PUT answer like the documented samples", async () => {
    const request = { ...sample<Record<string, unknown>>("webhook-registration-request.json"), WebhookUrl: receiver.url };
    const created = await hooks.call("POST", `${pcW.webhooksUrl}/registration`, request);
    expect(created.status).toBe(200);
    expect(shapeDifferences(created.body, sample("webhook-registration-response.json"))).toEqual([]);

    const read = await hooks.get(`${pcW.webhooksUrl}/registration`);
    expect(read.status).toBe(200);
    expect(shapeDifferences(read.body, sample("webhook-registration-get-response.json"))).toEqual([]);

    const update = { ...sample<Record<string, unknown>>("webhook-registration-update-request.json"), WebhookUrl: receiver.url };
    const updated = await hooks.call("PUT", `${pcW.webhooksUrl}/registration`, update);
    expect(updated.status).toBe(200);
    expect(shapeDifferences(updated.body, sample("webhook-registration-update-response.json"))).toEqual([]);

    const referralEvents = { ...sample<Record<string, unknown>>("webhook-registration-request-referral-events.json"), WebhookUrl: receiver.url };
    expect((await hooks.call("PUT", `${pcW.webhooksUrl}/registration`, referralEvents)).status).toBe(200);
  });

  it("validation events answer like the documented samples and deliver a body like webhook-event-test-created.json", async () => {
    await hooks.call("PUT", `${pcW.webhooksUrl}/registration`, { WebhookUrl: receiver.url, WebhookEvents: ["test-created", ...["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"]] });
    const started = await hooks.call<{ correlationId: string }>("POST", `${pcW.webhooksUrl}/registration/validationEvents`);
    expect(started.status).toBe(200);
    expect(shapeDifferences(started.body, sample("webhook-validation-event-response.json"))).toEqual([]);
    await pcW.deliveries.idle();
    const status = await hooks.get(`${pcW.webhooksUrl}/registration/validationEvents/${started.body.correlationId}`);
    expect(status.status).toBe(200);
    expect(shapeDifferences(status.body, sample("webhook-validation-event-status-response.json"))).toEqual([]);
    const delivered = receiver.calls.find((c) => c.body.EventName === "test-created");
    expect(shapeDifferences(delivered?.body, sample("webhook-event-test-created.json"))).toEqual([]);
    expect(shapeDifferences(delivered?.body, sample("webhook-callback-post-body-test-created.json"))).toEqual([]);
  });

  it("referral events are shaped like the four documented referral event bodies", async () => {
    const user = await Client.forUser(pcW);
    receiver.calls.length = 0;
    const created = await user.create(createRequest());
    await user.patch(created.body.id, [{ op: "replace", path: "/details/notes", value: "Updated." }]);
    pcW.microsoft.accept(created.body.id);
    pcW.microsoft.decline(created.body.id, { reason: "No capacity this quarter." });
    await pcW.deliveries.idle();
    for (const name of ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated"]) {
      const body = receiver.calls.find((c) => c.body.EventName === name)?.body;
      expect({ name, differences: shapeDifferences(body, sample(`webhook-event-${name}.json`)) }).toEqual({ name, differences: [] });
    }
  });
});
