import Fastify, { type FastifyInstance } from "fastify";
import { createPartnerCenterClient } from "./client";
import { ConflictError } from "./errors";
import { WEBHOOKS_AUDIENCE, callbackTokenProvider } from "./tokens";

describe("Webhooks client", () => {
  let app: FastifyInstance;
  let url: string;
  let registration: Record<string, unknown> | undefined;
  const bodies: unknown[] = [];
  const audiences: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.addHook("onRequest", async (request, reply) => {
      if (request.headers.authorization !== "Bearer webhooks-token") return reply.code(401).send({ code: 401, description: "Wrong audience" });
    });
    app.get("/webhooks/v1/registration", async (_request, reply) => registration ?? reply.code(404).send({ code: 404, description: "No registration" }));
    app.post("/webhooks/v1/registration", async (request, reply) => {
      bodies.push(request.body);
      if (registration) return reply.code(409).send({ code: 409, description: "A registration already exists." });
      // Answer in swagger camelCase, to show both casings are read.
      const body = request.body as { WebhookUrl: string; WebhookEvents: string[] };
      registration = { subscriberId: "sub-1", webhookUrl: body.WebhookUrl, webhookEvents: body.WebhookEvents };
      return registration;
    });
    app.get("/webhooks/v1/registration/events", async () => ["referral-created", "test-created"]);
    app.post("/webhooks/v1/registration/validationEvents", async () => ({ correlationId: "c-1" }));
    app.get("/webhooks/v1/registration/validationEvents/:id", async () => ({
      correlationId: "c-1",
      partnerId: "p-1",
      status: "completed",
      callbackUrl: "https://relay.example/hooks/partner-center",
      results: [{ responseCode: "OK", responseMessage: "", systemError: false, dateTimeUtc: "2017-12-08T21:39:48.2386997" }],
    }));
    url = await app.listen({ host: "127.0.0.1", port: 0 });
  });
  afterAll(() => app.close());

  const client = () =>
    createPartnerCenterClient({
      referralsApiUrl: "https://referrals.invalid",
      webhooksApiUrl: url,
      tokenProvider: callbackTokenProvider((audience) => {
        audiences.push(audience);
        return audience === WEBHOOKS_AUDIENCE ? "webhooks-token" : "referrals-token";
      }),
    }).webhooks;

  it("reads no registration as null, registers with the documented body, and refuses a second POST", async () => {
    await expect(client().getRegistration()).resolves.toBeNull();
    const created = await client().register({ webhookUrl: "https://relay.example/hooks/partner-center", webhookEvents: ["referral-created"], signatureTokenToMsSignatureHeader: true });
    expect(created).toEqual({ subscriberId: "sub-1", webhookUrl: "https://relay.example/hooks/partner-center", webhookEvents: ["referral-created"], signatureTokenToMsSignatureHeader: undefined });
    expect(bodies[0]).toEqual({ WebhookUrl: "https://relay.example/hooks/partner-center", WebhookEvents: ["referral-created"], SignatureTokenToMsSignatureHeader: true });
    await expect(client().register({ webhookUrl: "https://other.example", webhookEvents: [] })).rejects.toBeInstanceOf(ConflictError);
    expect(new Set(audiences)).toEqual(new Set([WEBHOOKS_AUDIENCE]));
  });

  it("lists event types and follows a test event's delivery attempts", async () => {
    await expect(client().listEventTypes()).resolves.toEqual(["referral-created", "test-created"]);
    const { correlationId } = await client().sendTestEvent();
    await expect(client().getTestEventStatus(correlationId)).resolves.toMatchObject({
      status: "completed",
      results: [{ responseCode: "OK", systemError: false }],
    });
  });
});
