/**
 * `/_emulator/...`: the controls tests, the sandbox and the page use. Not part of Partner Center,
 * so no token is asked for; the emulator listens on loopback by default.
 */
import type { FastifyPluginAsync } from "fastify";
import type { EmulatorContext } from "../context";
import type { CounterpartyActions, IncomingReferralInput } from "../counterparty";
import { ApiError, referralErrorBody } from "../errors";
import type { FaultOverrides } from "../faults";
import { renderReferral } from "../referrals/render";
import { issueEmulatorToken, REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE, type EmulatorTokenRequest } from "../auth";
import type { PartnerUser } from "../users";
import { registrationBody } from "../webhooks/registration";

export function controlRoutes(ctx: EmulatorContext, microsoft: CounterpartyActions): FastifyPluginAsync {
  return async (app) => {
    app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
      const apiError = error instanceof ApiError ? error : new ApiError(error.statusCode && error.statusCode < 500 ? error.statusCode : 400, "invalidRequest", error.message);
      return reply.code(apiError.status).send(referralErrorBody(apiError));
    });

    app.get("/state", async () => ({
      now: ctx.clock.now().toISOString(),
      partner: ctx.partner,
      urls: ctx.urls(),
      referrals: ctx.store.all().map((r) => ({
        owner: r.owner,
        mine: r.owner === ctx.partner.organizationId,
        locationId: r.locationId,
        referral: renderReferral(r.doc, ctx.urls().referrals),
      })),
      registration: ctx.registration.current ? registrationBody(ctx.registration.current) : null,
      deliveries: ctx.dispatcher.list().slice(-50).reverse().map(({ id, eventName, url, state, attempts, event }) => ({ id, eventName, url, state, attempts, resourceUri: event.ResourceUri })),
      faults: ctx.faults.current(),
      users: ctx.users.list(),
    }));

    app.post<{ Body: IncomingReferralInput }>("/microsoft/referrals", async (request, reply) => {
      reply.code(201);
      return microsoft.createIncomingReferral(request.body ?? {});
    });
    app.post<{ Params: { id: string }; Body: { msxId?: string } }>("/microsoft/referrals/:id/accept", async (request) =>
      microsoft.accept(request.params.id, request.body ?? {}));
    app.post<{ Params: { id: string }; Body: { reason?: string } }>("/microsoft/referrals/:id/decline", async (request) =>
      microsoft.decline(request.params.id, request.body ?? {}));
    app.post<{ Params: { id: string }; Body: { substatus: "Won" | "Lost" | "Declined"; reason?: string } }>("/microsoft/referrals/:id/close", async (request) =>
      microsoft.close(request.params.id, request.body));
    app.patch<{ Params: { id: string }; Body: Record<string, unknown> }>("/microsoft/referrals/:id", async (request) =>
      microsoft.update(request.params.id, request.body ?? {}));

    app.get("/faults", async () => ctx.faults.current());
    app.put<{ Body: FaultOverrides }>("/faults", async (request) => ctx.faults.set(request.body ?? {}));
    app.delete("/faults", async () => ctx.faults.reset());

    app.get("/clock", async () => ({ now: ctx.clock.now().toISOString() }));
    app.post<{ Body: { advanceMs?: number; now?: string } }>("/clock", async (request) => {
      const body = request.body ?? {};
      if (body.now !== undefined) ctx.clock.set(body.now);
      else if (typeof body.advanceMs === "number") ctx.clock.advance(body.advanceMs);
      else throw new ApiError(400, "invalidRequest", 'Send {"advanceMs": 86400000} or {"now": "2030-01-01T00:00:00Z"}.');
      return { now: ctx.clock.now().toISOString() };
    });
    app.post("/expiry", async () => ({ expired: ctx.store.expireDue() }));

    app.get("/counters", async () => ctx.counters.snapshot());
    app.delete("/counters", async (_request, reply) => {
      ctx.counters.reset();
      return reply.code(204).send();
    });

    app.get("/deliveries", async () => ctx.dispatcher.list());

    app.get("/users", async () => ctx.users.list());
    app.post<{ Body: PartnerUser }>("/users", async (request, reply) => {
      reply.code(201);
      return ctx.users.add(request.body);
    });

    app.post<{ Body: EmulatorTokenRequest }>("/tokens", async (request) => {
      const body = request.body ?? {};
      const audience = body.api === "webhooks" ? WEBHOOKS_AUDIENCE : REFERRALS_AUDIENCE;
      return { token_type: "Bearer", audience, access_token: await issueEmulatorToken(ctx.identity, ctx.users, body) };
    });
  };
}
