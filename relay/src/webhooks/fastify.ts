/**
 * `POST /hooks/partner-center` as an encapsulated Fastify plugin: it keeps the raw body bytes (the
 * signature covers them exactly), verifies, parses, and hands the event on. Forged or unsigned
 * deliveries get 401 problem+json and one log line without any secret.
 */
import { parseWebhookEvent, PayloadFormatError, type PartnerCenterEvent } from "@cosell/core";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { WebhookRejection } from "./rejection";
import type { WebhookVerifier } from "./verifier";

export const PARTNER_CENTER_HOOK_PATH = "/hooks/partner-center";

export interface PartnerCenterWebhookRouteOptions {
  verifier: WebhookVerifier;
  /** Default `/hooks/partner-center`. */
  path?: string;
  /**
   * Called once per authentic event; should only enqueue work (the referral id is in
   * `referralIdFromResourceUri(event.resourceUri)`). A throw makes the reply 500 so Partner Center retries.
   */
  onEvent(event: PartnerCenterEvent, request: FastifyRequest): void | Promise<void>;
}

export function partnerCenterWebhookRoute(options: PartnerCenterWebhookRouteOptions): FastifyPluginAsync {
  return async (app) => {
    // Scoped to this plugin: keep bytes as they arrived instead of parsing JSON.
    app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    app.removeContentTypeParser("application/json");
    app.addContentTypeParser("application/json", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

    app.post(options.path ?? PARTNER_CENTER_HOOK_PATH, async (request, reply) => {
      const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      try {
        const verified = await options.verifier.verify(request.headers, rawBody);
        request.log.debug({ certificateHost: verified.certificateHost, bodyBytes: rawBody.length }, "Partner Center webhook signature verified");
      } catch (error) {
        if (!(error instanceof WebhookRejection)) throw error;
        request.log.warn(
          {
            reason: error.reason,
            // The operator's lead for a chain or host refusal; built from hosts and certificate names only.
            detail: error.message,
            certificateHost: error.certificateHost,
            algorithm: String(request.headers["x-ms-signature-algorithm"] ?? "").slice(0, 40) || undefined,
            bodyBytes: rawBody.length,
          },
          "Partner Center webhook rejected",
        );
        return reply.code(401).type("application/problem+json").send(error.toProblem());
      }

      let event: PartnerCenterEvent;
      try {
        event = parseWebhookEvent(JSON.parse(rawBody.toString("utf8")));
      } catch (error) {
        if (!(error instanceof SyntaxError || error instanceof PayloadFormatError)) throw error;
        const detail = error instanceof PayloadFormatError ? error.message : "The event body is not JSON.";
        request.log.warn({ bodyBytes: rawBody.length, problem: detail }, "Partner Center webhook body unreadable");
        return reply.code(400).type("application/problem+json").send({ type: "about:blank", title: "Bad Request", status: 400, detail });
      }
      await options.onEvent(event, request);
      return reply.code(200).send({ received: true });
    });
  };
}
