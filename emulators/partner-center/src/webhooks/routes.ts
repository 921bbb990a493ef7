/**
 * `/webhooks/v1/...` (partner-center-api.md §4.1, §7.14, §7.15): the registration, the event list
 * and validation events. Tokens need the Partner Center API audience; app-only and App+User both
 * work (§1).
 */
import type { FastifyPluginAsync } from "fastify";
import { installApiHooks, webhooksResponseIds } from "../api-hooks";
import { authenticate, WEBHOOKS_AUDIENCE } from "../auth";
import type { EmulatorContext } from "../context";
import { ApiError, webhooksErrorBody } from "../errors";
import { SUPPORTED_EVENTS, testEvent } from "./events";
import { readRegistration, registrationBody } from "./registration";
import { wireTimestamp } from "../clock";

export const WEBHOOKS_PATH = "/webhooks/v1";

export function webhookRoutes(ctx: EmulatorContext): FastifyPluginAsync {
  return async (app) => {
    installApiHooks(app, ctx.faults, webhooksErrorBody);
    app.addHook("onRequest", async (request, reply) => {
      webhooksResponseIds(request, reply);
      await authenticate(request, ctx.identity, WEBHOOKS_AUDIENCE);
    });

    const noRegistration = () => new ApiError(404, "itemNotFound", "This tenant has no webhook registration; create one with POST /webhooks/v1/registration.");

    app.get("/registration/events", async () => [...SUPPORTED_EVENTS]);

    app.get("/registration", async () => {
      if (!ctx.registration.current) throw noRegistration();
      return registrationBody(ctx.registration.current);
    });

    app.post("/registration", async (request) => {
      if (ctx.registration.current) {
        throw new ApiError(409, "invalidRequest", "Registration already exists, use the PUT method to update a registration.");
      }
      ctx.registration.current = readRegistration(request.body, undefined, ctx.clock.now());
      return registrationBody(ctx.registration.current);
    });

    app.put("/registration", async (request) => {
      const existing = ctx.registration.current;
      if (!existing) throw noRegistration();
      ctx.registration.current = readRegistration(request.body, existing.subscriberId, ctx.clock.now());
      return registrationBody(ctx.registration.current);
    });

    app.post("/registration/validationEvents", async () => {
      const registration = ctx.registration.current;
      if (!registration) throw noRegistration();
      if (!registration.webhookEvents.includes("test-created")) {
        throw new ApiError(400, "invalidRequest", "Register for the test-created event before sending a validation event.");
      }
      ctx.validationEvents.admit();
      const record = ctx.validationEvents.start(registration.webhookUrl);
      const delivery = ctx.dispatcher.send(registration, testEvent(ctx.resourceBaseUrl, record.correlationId, wireTimestamp(ctx.clock.now())));
      ctx.validationEvents.track(record.correlationId, delivery);
      return { correlationId: record.correlationId };
    });

    app.get<{ Params: { correlationId: string } }>("/registration/validationEvents/:correlationId", async (request) => {
      const record = ctx.validationEvents.get(request.params.correlationId);
      if (!record) throw new ApiError(404, "itemNotFound", `No validation event '${request.params.correlationId}' (they are kept for 7 days).`);
      const { createdAt: _createdAt, ...body } = record;
      return body;
    });

    app.setNotFoundHandler(async () => {
      throw new ApiError(404, "itemNotFound", "No such Webhooks API resource.");
    });
  };
}
