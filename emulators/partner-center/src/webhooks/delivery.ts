/**
 * Signed delivery of webhook events with retries (partner-center-api.md §4.4, §4.5, §7.16–§7.18).
 * Each event is POSTed on its own; any non-2xx answer, network error or timeout is a failed
 * attempt. After `maxAttempts` (10 upstream) the event is parked in the offline queue and never
 * tried again. The interval between attempts is not documented upstream, so it is an option.
 */
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { FaultController } from "../faults";
import type { EventBody } from "./events";
import type { WebhookRegistration } from "./registration";
import type { SigningIdentity } from "./signing";

export interface DeliveryAttempt {
  /** ISO timestamp (real time) of the attempt. */
  at: string;
  /** HTTP status of the receiver's answer; absent when none came (network error, timeout). */
  status?: number;
  /** Receiver's answer text (first 1024 characters) or the transport error. */
  message: string;
  /** True when no HTTP answer came back. */
  systemError: boolean;
}

export interface Delivery {
  id: string;
  eventName: string;
  url: string;
  /** The exact bytes that were signed and sent. */
  body: string;
  event: EventBody;
  /** pending: attempts remain; delivered: a 2xx came back; parked: gave up; dropped: lost by fault injection. */
  state: "pending" | "delivered" | "parked" | "dropped";
  attempts: DeliveryAttempt[];
}

export interface DeliveryOptions {
  /** Attempts per event before it is parked (default 10, §4.5). */
  maxAttempts?: number;
  /** Wait before attempt n+1, in ms: a number, or a function of the attempts made so far (default 1000). */
  retryIntervalMs?: number | ((attemptsMade: number) => number);
  /** A receiver that has not answered after this long is a failed attempt (default 10000). */
  timeoutMs?: number;
}

export class WebhookDispatcher {
  private readonly deliveries: Delivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<string>();
  private idleWaiters: (() => void)[] = [];
  private readonly attemptListeners = new Set<(delivery: Delivery, attempt: DeliveryAttempt) => void>();
  private stopped = false;
  private readonly maxAttempts: number;
  private readonly interval: (attemptsMade: number) => number;
  private readonly timeoutMs: number;

  constructor(
    private readonly signing: () => SigningIdentity,
    private readonly certificateUrl: () => string,
    private readonly faults: FaultController,
    options: DeliveryOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 10;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) throw new Error(`webhooks.maxAttempts must be a whole number ≥ 1; got ${options.maxAttempts}.`);
    const interval = options.retryIntervalMs ?? 1000;
    this.interval = typeof interval === "function" ? interval : () => interval;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Queues one event for the registration's URL; the first attempt starts at once. */
  send(registration: WebhookRegistration, event: EventBody): Delivery {
    const delivery: Delivery = {
      id: randomUUID(),
      eventName: event.EventName,
      url: registration.webhookUrl,
      body: JSON.stringify(event),
      event,
      state: "pending",
      attempts: [],
    };
    this.deliveries.push(delivery);
    if (this.faults.dropDelivery()) {
      delivery.state = "dropped";
      return delivery;
    }
    this.inFlight.add(delivery.id);
    void this.attempt(delivery, registration.signatureTokenToMsSignatureHeader);
    return delivery;
  }

  list(): Delivery[] {
    return [...this.deliveries];
  }

  /** Events that exhausted their attempts (the "offline queue", §4.5). */
  parked(): Delivery[] {
    return this.deliveries.filter((d) => d.state === "parked");
  }

  /** Resolves once no delivery is pending (in flight or waiting for a retry). */
  idle(): Promise<void> {
    if (this.inFlight.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  onAttempt(listener: (delivery: Delivery, attempt: DeliveryAttempt) => void): () => void {
    this.attemptListeners.add(listener);
    return () => this.attemptListeners.delete(listener);
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  stop(): void {
    this.stopped = true;
    this.timers.forEach(clearTimeout);
    this.timers.clear();
    this.inFlight.clear();
    this.settle();
  }

  private async attempt(delivery: Delivery, useMsSignatureHeader: boolean): Promise<void> {
    if (this.stopped) return;
    const bytes = Buffer.from(delivery.body, "utf8");
    const signature = `Signature ${this.signing().sign(bytes)}`;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      "x-ms-certificate-url": this.certificateUrl(),
      "x-ms-signature-algorithm": "rsa-sha256",
      [useMsSignatureHeader ? "x-ms-signature" : "authorization"]: signature,
    };
    let attempt: DeliveryAttempt;
    try {
      const response = await fetch(delivery.url, { method: "POST", headers, body: bytes, signal: AbortSignal.timeout(this.timeoutMs), redirect: "manual" });
      const text = await response.text().catch(() => "");
      attempt = { at: new Date().toISOString(), status: response.status, message: text.slice(0, 1024), systemError: false };
    } catch (error) {
      const reason = (error as Error).name === "TimeoutError" ? `No answer within ${this.timeoutMs} ms.` : describe(error);
      attempt = { at: new Date().toISOString(), message: reason, systemError: true };
    }
    if (this.stopped) return;
    delivery.attempts.push(attempt);
    const ok = attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300;
    if (ok) delivery.state = "delivered";
    else if (delivery.attempts.length >= this.maxAttempts) delivery.state = "parked";
    this.attemptListeners.forEach((listener) => listener(delivery, attempt));
    if (delivery.state !== "pending") {
      this.inFlight.delete(delivery.id);
      this.settle();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(delivery, useMsSignatureHeader);
    }, this.interval(delivery.attempts.length));
    this.timers.add(timer);
  }

  private settle(): void {
    if (this.inFlight.size > 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

/** .NET `HttpStatusCode` names, as the validation-event results report them (`"OK"`, §4.1). */
export function statusCodeName(status: number | undefined): string {
  if (status === undefined) return "";
  const phrase = STATUS_CODES[status] ?? String(status);
  return phrase === "OK" ? "OK" : phrase.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : "")).replace(/^./, (c) => c.toUpperCase());
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ? `${cause.code}: ${cause.message ?? ""}`.trim() : (error as Error).message;
}
