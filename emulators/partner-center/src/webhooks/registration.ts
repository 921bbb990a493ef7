/**
 * The tenant's single webhook registration (partner-center-api.md §4.1, §7.14): one URL and a list
 * of events. POST creates it (409 if one exists), PUT replaces it, GET reads it (404 if none);
 * there is no DELETE. Property names are read in any casing; answers use the documented
 * PascalCase names of the doc samples.
 */
import { randomUUID } from "node:crypto";
import { ApiError } from "../errors";
import { SUPPORTED_EVENTS } from "./events";

export interface WebhookRegistration {
  subscriberId: string;
  webhookUrl: string;
  webhookEvents: string[];
  /** When true the signature goes in `x-ms-signature` instead of `Authorization` (§4.4). */
  signatureTokenToMsSignatureHeader: boolean;
  lastModifiedTimestamp: string;
}

const badRequest = (message: string) => new ApiError(400, "invalidRequest", message, "registration");

export function readRegistration(body: unknown, subscriberId: string | undefined, now: Date): WebhookRegistration {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw badRequest('Send {"WebhookUrl":"https://...","WebhookEvents":["referral-created",...]}.');
  }
  const field = (name: string) => Object.entries(body).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
  const url = field("webhookUrl");
  let parsed: URL | undefined;
  try {
    parsed = typeof url === "string" ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== "https:" && parsed.protocol !== "http:")) {
    throw badRequest(`WebhookUrl must be an absolute http(s) URL; got ${JSON.stringify(url ?? null)}.`);
  }
  const events = field("webhookEvents");
  if (!Array.isArray(events) || events.length === 0 || events.some((e) => typeof e !== "string")) {
    throw badRequest("WebhookEvents must be a non-empty array of event names; GET /webhooks/v1/registration/events lists them.");
  }
  const canonical = events.map((name: string) => {
    const match = SUPPORTED_EVENTS.find((e) => e.toLowerCase() === name.toLowerCase());
    if (!match) throw badRequest(`'${name}' is not a Partner Center webhook event; GET /webhooks/v1/registration/events lists them.`);
    return match;
  });
  const flag = field("signatureTokenToMsSignatureHeader");
  if (flag !== undefined && flag !== null && typeof flag !== "boolean") throw badRequest("SignatureTokenToMsSignatureHeader must be true or false.");
  return {
    subscriberId: subscriberId ?? randomUUID(),
    webhookUrl: url as string,
    webhookEvents: [...new Set(canonical)],
    signatureTokenToMsSignatureHeader: flag === true,
    lastModifiedTimestamp: now.toISOString(),
  };
}

/** The PascalCase form of the doc samples (`webhook-registration-response.json`). */
export function registrationBody(registration: WebhookRegistration) {
  return {
    SubscriberId: registration.subscriberId,
    WebhookUrl: registration.webhookUrl,
    WebhookEvents: registration.webhookEvents,
    SignatureTokenToMsSignatureHeader: registration.signatureTokenToMsSignatureHeader,
    LastModifiedTimestamp: registration.lastModifiedTimestamp,
  };
}
