/**
 * `POST /hooks/partner-center`: the verified-webhook route from `webhooks/`, wired to the queue. An
 * authentic referral event only enqueues a `pull-referral` job keyed by the referral id and answers
 * at once; the job reads the referral itself (the event carries no body, partner-center-api.md §4.3).
 */
import { isReferralEvent, referralIdFromResourceUri, ReferralEventNames, TestEventName, type PartnerCenterEvent } from "@cosell/core";
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import type { RelayMetrics } from "../observability/metrics";
import { partnerCenterWebhookRoute, PARTNER_CENTER_HOOK_PATH } from "../webhooks/fastify";
import type { WebhookVerifier } from "../webhooks/verifier";
import type { Inbox } from "./inbox";

export interface PartnerCenterHookOptions {
  verifier: WebhookVerifier;
  inbox: Inbox;
  metrics: RelayMetrics;
}

/** Partner Center events are small; anything near this is not one. */
export const PARTNER_CENTER_HOOK_BODY_LIMIT = 256 * 1024;

const KNOWN_EVENTS = new Set<string>([...ReferralEventNames, TestEventName]);

export function partnerCenterHook(options: PartnerCenterHookOptions): FastifyPluginAsync {
  const onEvent = async (event: PartnerCenterEvent, request: FastifyRequest) => {
    const name = event.eventName.toLowerCase();
    options.metrics.eventReceived("partner-center", KNOWN_EVENTS.has(name) ? name : "other");

    if (name === TestEventName) {
      // `cosell-relay webhooks test` follows this delivery from Partner Center's side.
      request.log.info({ event: name, resourceUri: event.resourceUri }, "Partner Center test event received");
      return;
    }
    if (!isReferralEvent(event)) {
      request.log.info({ event: event.eventName.slice(0, 80) }, "Partner Center event ignored: the relay does not act on it");
      return;
    }
    const referralId = referralIdFromResourceUri(event.resourceUri);
    if (!referralId) {
      // Retrying cannot make the URI readable; the reconcile sweep still picks up the change.
      options.metrics.eventRejected("partner-center", "no-referral-id");
      request.log.warn({ event: name, resourceUri: event.resourceUri.slice(0, 200) }, "Partner Center event names no referral id; left to the reconcile sweep");
      return;
    }
    await options.inbox.pullReferral(referralId, name);
    request.log.info({ event: name, referralId }, "pull-referral enqueued");
  };

  return async (app) => {
    app.addHook("onResponse", async (_request, reply) => {
      if (reply.statusCode === 401) options.metrics.eventRejected("partner-center", "unauthenticated");
    });
    await app.register(partnerCenterWebhookRoute({ verifier: options.verifier, path: PARTNER_CENTER_HOOK_PATH, onEvent }), {});
  };
}
