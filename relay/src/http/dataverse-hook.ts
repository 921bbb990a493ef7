/**
 * `POST /hooks/dataverse`: notifications from the Dataverse service endpoint (webhook contract,
 * HttpHeader authentication). The shared secret is checked, in constant time, before the body is
 * even read; then the notification only enqueues jobs and the platform gets its 2xx at once.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import type { RelayMetrics } from "../observability/metrics";
import { eventType, NotificationFormatError, readNotification, signalFor, type DataverseSignal } from "./dataverse-notification";
import type { Inbox } from "./inbox";
import { HttpProblem, sendProblem } from "./problem";

export const DATAVERSE_HOOK_PATH = "/hooks/dataverse";
/**
 * Dataverse trims a context above 256 KB (and says so in x-ms-dynamics-msg-size-exceeded); the
 * margin covers the envelope that stays.
 */
export const DATAVERSE_HOOK_BODY_LIMIT = 512 * 1024;

export interface DataverseHookOptions {
  /** Undefined: no secret configured, so every notification is refused. */
  secret?: { header: string; value: string };
  inbox: Inbox;
  metrics: RelayMetrics;
  /** The referral a lead was created from, from the link store. */
  referralForLead(leadId: string): Promise<string | undefined>;
}

const bodySchema = {
  type: "object",
  required: ["MessageName", "PrimaryEntityName", "PrimaryEntityId"],
  properties: {
    MessageName: { type: "string", minLength: 1 },
    PrimaryEntityName: { type: "string", minLength: 1 },
    PrimaryEntityId: { type: "string", minLength: 1 },
    InputParameters: { type: "array" },
    PreEntityImages: { type: "array" },
    PostEntityImages: { type: "array" },
  },
} as const;

const responseSchema = {
  type: "object",
  properties: { received: { type: "boolean" }, enqueued: { type: "integer" } },
} as const;

export function dataverseHook(options: DataverseHookOptions): FastifyPluginAsync {
  const expected = options.secret ? digest(options.secret.value) : undefined;
  const header = options.secret?.header;

  return async (app) => {
    app.post(
      DATAVERSE_HOOK_PATH,
      {
        bodyLimit: DATAVERSE_HOOK_BODY_LIMIT,
        schema: { body: bodySchema, response: { 202: responseSchema } },
        onRequest: async (request, reply) => {
          const presented = header ? first(request.headers[header]) : undefined;
          if (expected && presented !== undefined && timingSafeEqual(digest(presented), expected)) return;
          options.metrics.eventRejected("dataverse", presented === undefined ? "missing-secret" : "wrong-secret");
          request.log.warn({ header, presented: presented !== undefined, configured: expected !== undefined }, "Dataverse notification refused");
          return sendProblem(
            reply,
            401,
            expected
              ? `The notification does not carry the relay's shared secret in the ${header} header.`
              : "This relay has no Dataverse webhook secret configured (COSELL_DATAVERSE_WEBHOOK_SECRET), so it accepts no notifications.",
          );
        },
      },
      async (request, reply) => {
        let signals: DataverseSignal[];
        let type: string;
        try {
          const notification = readNotification(request.body);
          type = eventType(notification);
          signals = signalFor(notification);
        } catch (error) {
          if (error instanceof NotificationFormatError) throw new HttpProblem(400, error.message);
          throw error;
        }
        options.metrics.eventReceived("dataverse", type);

        let enqueued = 0;
        for (const signal of signals) {
          const resolved = signal.kind === "lead" ? await leadSignal(signal, options) : signal;
          if (resolved.kind === "push-opportunity") {
            await options.inbox.pushOpportunity(resolved.opportunityId, resolved.reason);
            request.log.info({ type, opportunityId: resolved.opportunityId }, "push-opportunity enqueued");
            enqueued++;
          } else if (resolved.kind === "pull-referral") {
            await options.inbox.pullReferral(resolved.referralId, resolved.reason);
            request.log.info({ type, referralId: resolved.referralId }, "pull-referral enqueued");
            enqueued++;
          } else if (resolved.kind === "ignore") {
            request.log.debug({ type, why: resolved.why }, "Dataverse notification needs no sync");
          }
        }
        return reply.code(202).send({ received: true, enqueued });
      },
    );
  };
}

async function leadSignal(signal: Extract<DataverseSignal, { kind: "lead" }>, options: DataverseHookOptions): Promise<DataverseSignal> {
  const referralId = await options.referralForLead(signal.leadId);
  return referralId ? { kind: "pull-referral", referralId, reason: signal.reason } : { kind: "ignore", why: "the lead did not come from Partner Center" };
}

/** Equal-length digests, so the comparison time says nothing about the secret. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
