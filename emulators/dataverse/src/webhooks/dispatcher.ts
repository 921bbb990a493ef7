/**
 * Webhooks as Dataverse runs them: steps (`sdkmessageprocessingsteps`) registered on a message
 * (`sdkmessages`) and table (`sdkmessagefilters`), pointing at a service endpoint with contract
 * 8 (Webhook), fire after the change commits. For Update, a step with filtering attributes only
 * fires when the request carried one of them. The endpoint gets the RemoteExecutionContext JSON
 * plus the documented headers, authenticated per its authtype: 4 WebhookKey (`?code=`),
 * 5 HttpHeader and 6 HttpQueryString (`<settings><setting name value/></settings>`).
 * Synchronous steps (mode 0) are delivered the same way, after the commit: unlike the platform,
 * a failing receiver does not roll the change back.
 */
import type { DataChange, DataverseEnvironment } from "../environment";
import { isReference, type EntityRecord } from "../data/store";
import { remoteExecutionContext, serializeContext } from "./remote-execution-context";

const WEBHOOK_CONTRACT = 8;
const AUTH_WEBHOOK_KEY = 4;
const AUTH_HTTP_HEADER = 5;
const AUTH_QUERY_STRING = 6;
const MAX_PAYLOAD_BYTES = 256 * 1024;
const TIMEOUT_MS = 60_000;

export interface WebhookDelivery {
  stepId: string;
  serviceEndpointId: string;
  url: string;
  message: string;
  entity: string;
  id: string;
  attempts: number;
  status?: number;
  error?: string;
  delivered: boolean;
}

export interface WebhookOptions {
  /** Total attempts per notification (the platform retries failed asynchronous operations). */
  attempts?: number;
  /** Delay before the first retry, doubled on each further retry. */
  retryDelayMs?: number;
}

/** `<settings><setting name="x-secret" value="…"/></settings>` → [[name, value]]. */
export function parseAuthSettings(authValue: string): Array<[string, string]> {
  const settings: Array<[string, string]> = [];
  const decode = (text: string) => text.replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  for (const match of authValue.matchAll(/<setting\s+([^>]*?)\/?>/g)) {
    const name = /name="([^"]*)"/.exec(match[1])?.[1];
    const value = /value="([^"]*)"/.exec(match[1])?.[1];
    if (name !== undefined && value !== undefined) settings.push([decode(name), decode(value)]);
  }
  return settings;
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private pending = 0;
  private waiters: Array<() => void> = [];
  private readonly attempts: number;
  private readonly retryDelayMs: number;

  constructor(
    private readonly env: DataverseEnvironment,
    private readonly organizationUrl: () => string,
    options: WebhookOptions = {},
  ) {
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.retryDelayMs = options.retryDelayMs ?? 1000;
    env.onChange((change) => this.onChange(change));
  }

  /** Resolves once every notification queued so far has been delivered or has given up. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private onChange(change: DataChange): void {
    for (const [stepId, step] of this.env.store.rows("sdkmessageprocessingstep")) {
      const endpoint = this.matchingEndpoint(step, change);
      if (!endpoint) continue;
      this.enqueue(stepId, step, endpoint.id, endpoint.row, change);
    }
  }

  private matchingEndpoint(step: EntityRecord, change: DataChange): { id: string; row: EntityRecord } | undefined {
    if (step.statecode !== 0) return undefined;
    const message = isReference(step.sdkmessageid) ? this.env.get("sdkmessage", step.sdkmessageid.id) : undefined;
    if (message?.name !== change.message) return undefined;
    if (isReference(step.sdkmessagefilterid)) {
      const filter = this.env.get("sdkmessagefilter", step.sdkmessagefilterid.id);
      if (filter?.primaryobjecttypecode !== change.entity) return undefined;
    }
    if (change.message === "Update" && typeof step.filteringattributes === "string" && step.filteringattributes.trim() !== "") {
      const filtering = step.filteringattributes.split(",").map((a) => a.trim().toLowerCase()).filter(Boolean);
      if (!filtering.some((attribute) => attribute in change.target)) return undefined;
    }
    const handler = step.eventhandler;
    if (!isReference(handler) || handler.logicalName !== "serviceendpoint") return undefined;
    const endpoint = this.env.get("serviceendpoint", handler.id);
    if (!endpoint || endpoint.contract !== WEBHOOK_CONTRACT || typeof endpoint.url !== "string") return undefined;
    return { id: handler.id, row: endpoint };
  }

  private enqueue(stepId: string, step: EntityRecord, endpointId: string, endpoint: EntityRecord, change: DataChange): void {
    const registration = { stepId, stage: typeof step.stage === "number" ? step.stage : 40, mode: typeof step.mode === "number" ? step.mode : 1 };
    const context = remoteExecutionContext(this.env, change, registration, this.env.organizationName);
    const delivery: WebhookDelivery = {
      stepId,
      serviceEndpointId: endpointId,
      url: String(endpoint.url),
      message: change.message,
      entity: change.entity,
      id: change.id,
      attempts: 0,
      delivered: false,
    };
    this.deliveries.push(delivery);
    this.pending++;
    setImmediate(() => {
      this.deliver(delivery, endpoint, context, change).finally(() => {
        this.pending--;
        if (this.pending === 0) for (const resolve of this.waiters.splice(0)) resolve();
      });
    });
  }

  private async deliver(delivery: WebhookDelivery, endpoint: EntityRecord, context: Record<string, unknown>, change: DataChange): Promise<void> {
    const url = new URL(delivery.url);
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-ms-dynamics-organization": new URL(this.organizationUrl()).host,
      "x-ms-dynamics-entity-name": change.entity,
      "x-ms-dynamics-request-name": change.message,
      "x-ms-correlation-request-id": change.correlationId,
    };
    const authValue = typeof endpoint.authvalue === "string" ? endpoint.authvalue : "";
    if (endpoint.authtype === AUTH_WEBHOOK_KEY && authValue) url.searchParams.set("code", authValue);
    if (endpoint.authtype === AUTH_HTTP_HEADER) for (const [name, value] of parseAuthSettings(authValue)) headers[name.toLowerCase()] = value;
    if (endpoint.authtype === AUTH_QUERY_STRING) for (const [name, value] of parseAuthSettings(authValue)) url.searchParams.set(name, value);
    let body = serializeContext(context);
    if (Buffer.byteLength(body) > MAX_PAYLOAD_BYTES) {
      // use-webhooks: oversized payloads lose these members and carry x-ms-dynamics-msg-size-exceeded.
      body = serializeContext({ ...context, ParentContext: null, InputParameters: [], PreEntityImages: [], PostEntityImages: [] });
      headers["x-ms-dynamics-msg-size-exceeded"] = "true";
    }
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      delivery.attempts = attempt;
      try {
        const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
        await response.arrayBuffer();
        delivery.status = response.status;
        // Any non-2xx status counts as a failure.
        if (response.ok) {
          delivery.delivered = true;
          delivery.error = undefined;
          return;
        }
        delivery.error = `HTTP ${response.status}`;
      } catch (error) {
        delivery.error = (error as Error).message;
      }
      if (attempt < this.attempts) await new Promise((resolve) => setTimeout(resolve, this.retryDelayMs * 2 ** (attempt - 1)));
    }
  }
}
