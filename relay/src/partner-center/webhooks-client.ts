/**
 * The Partner Center Webhooks API (`/webhooks/v1/registration…`, partner-center-api.md §4.1): one
 * registration per partner tenant, test (validation) events and their delivery status.
 */
import { NotFoundError, PartnerCenterError } from "./errors";
import type { CallOptions, PartnerCenterHttp } from "./http";
import type { ValidationEventAttempt, ValidationEventStatus, WebhookRegistration, WebhookRegistrationRequest } from "./types";

export const WEBHOOKS_PATH = "/webhooks/v1/registration";

export class WebhooksClient {
  private readonly registrationUrl: string;

  /** @param apiUrl origin of the Partner Center API, e.g. `https://api.partnercenter.microsoft.com` */
  constructor(
    private readonly http: PartnerCenterHttp,
    apiUrl: string,
  ) {
    this.registrationUrl = new URL(apiUrl.replace(/\/+$/, "") + WEBHOOKS_PATH).href;
  }

  /** The tenant's registration, or null when there is none. */
  async getRegistration(options: CallOptions = {}): Promise<WebhookRegistration | null> {
    try {
      const { body } = await this.http.send({ ...options, operation: "getWebhookRegistration", method: "GET", url: this.registrationUrl, idempotent: true });
      return body === undefined ? null : readRegistration(body);
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }

  /** First registration; the server answers 409 (ConflictError) when one exists already. */
  async register(registration: WebhookRegistrationRequest, options: CallOptions = {}): Promise<WebhookRegistration> {
    const { body } = await this.http.send({
      ...options,
      operation: "createWebhookRegistration",
      method: "POST",
      url: this.registrationUrl,
      body: wireRegistration(registration),
      idempotent: false,
    });
    return readRegistration(body);
  }

  /** Replaces the tenant's registration (URL and events); there is no DELETE (§4.1). */
  async replaceRegistration(registration: WebhookRegistrationRequest, options: CallOptions = {}): Promise<WebhookRegistration> {
    const { body } = await this.http.send({
      ...options,
      operation: "replaceWebhookRegistration",
      method: "PUT",
      url: this.registrationUrl,
      body: wireRegistration(registration),
      idempotent: true,
    });
    return readRegistration(body);
  }

  /** Event names the tenant can register for. */
  async listEventTypes(options: CallOptions = {}): Promise<string[]> {
    const { body } = await this.http.send({ ...options, operation: "listWebhookEvents", method: "GET", url: `${this.registrationUrl}/events`, idempotent: true });
    if (!Array.isArray(body) || !body.every((name) => typeof name === "string")) {
      throw new PartnerCenterError("Partner Center answered the webhook event list with something other than an array of names.");
    }
    return body;
  }

  /**
   * Asks Partner Center to deliver a `test-created` event to the registered URL. Needs `test-created`
   * in the registration; limited to 2 per minute (§4.1, §7.15).
   */
  async sendTestEvent(options: CallOptions = {}): Promise<{ correlationId: string }> {
    const { body } = await this.http.send({
      ...options,
      operation: "createValidationEvent",
      method: "POST",
      url: `${this.registrationUrl}/validationEvents`,
      idempotent: false,
    });
    const correlationId = field(body, "correlationId");
    if (typeof correlationId !== "string" || !correlationId) {
      throw new PartnerCenterError("Partner Center accepted the test event but returned no correlationId.");
    }
    return { correlationId };
  }

  /** Delivery status of a test event: one result per attempt. */
  async getTestEventStatus(correlationId: string, options: CallOptions = {}): Promise<ValidationEventStatus> {
    const { body } = await this.http.send({
      ...options,
      operation: "getValidationEvent",
      method: "GET",
      url: `${this.registrationUrl}/validationEvents/${encodeURIComponent(correlationId)}`,
      idempotent: true,
    });
    const results = field(body, "results");
    return {
      correlationId: text(field(body, "correlationId")) ?? correlationId,
      partnerId: text(field(body, "partnerId")),
      status: text(field(body, "status")) ?? "unknown",
      callbackUrl: text(field(body, "callbackUrl")),
      results: Array.isArray(results) ? results.map(readAttempt) : [],
    };
  }
}

// The docs send PascalCase and the swagger camelCase; the service accepts both. We send the
// documented PascalCase and read either (§4.1).
function wireRegistration(registration: WebhookRegistrationRequest): Record<string, unknown> {
  return {
    WebhookUrl: registration.webhookUrl,
    WebhookEvents: registration.webhookEvents,
    ...(registration.signatureTokenToMsSignatureHeader === undefined
      ? {}
      : { SignatureTokenToMsSignatureHeader: registration.signatureTokenToMsSignatureHeader }),
  };
}

function readRegistration(body: unknown): WebhookRegistration {
  const webhookUrl = field(body, "webhookUrl");
  const events = field(body, "webhookEvents");
  if (typeof webhookUrl !== "string" || !Array.isArray(events)) {
    throw new PartnerCenterError("Partner Center answered with a webhook registration that has no WebhookUrl or WebhookEvents.");
  }
  const header = field(body, "signatureTokenToMsSignatureHeader");
  return {
    subscriberId: text(field(body, "subscriberId")),
    webhookUrl,
    webhookEvents: events.filter((e): e is string => typeof e === "string"),
    signatureTokenToMsSignatureHeader: typeof header === "boolean" ? header : undefined,
  };
}

function readAttempt(entry: unknown): ValidationEventAttempt {
  const code = field(entry, "responseCode");
  return {
    responseCode: typeof code === "number" ? String(code) : (text(code) ?? ""),
    responseMessage: text(field(entry, "responseMessage")) ?? "",
    systemError: field(entry, "systemError") === true,
    dateTimeUtc: text(field(entry, "dateTimeUtc")) ?? "",
  };
}

/** Case-insensitive property read. */
function field(body: unknown, name: string): unknown {
  if (typeof body !== "object" || body === null) return undefined;
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(body)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}
