/**
 * Validation ("test") events (partner-center-api.md §4.1, §7.15): POST sends a `test-created` event
 * to the registered URL and returns a correlation id; GET reports one result per delivery attempt.
 * At most two POSTs a minute per tenant; records are purged after seven days. Both limits run on
 * the emulator clock.
 */
import { randomUUID } from "node:crypto";
import { wireTimestamp, type EmulatorClock } from "../clock";
import { ApiError } from "../errors";
import { statusCodeName, type Delivery, type DeliveryAttempt } from "./delivery";

export const VALIDATION_EVENTS_PER_MINUTE = 2;
const PURGE_AFTER_MS = 7 * 24 * 60 * 60 * 1000;

export interface ValidationEventRecord {
  correlationId: string;
  partnerId: string;
  /** pending while attempts remain; completed once delivered; failed once parked or dropped. */
  status: "pending" | "completed" | "failed";
  callbackUrl: string;
  results: { responseCode: string; responseMessage: string; systemError: boolean; dateTimeUtc: string }[];
  createdAt: number;
}

export class ValidationEvents {
  private readonly records = new Map<string, ValidationEventRecord>();
  private readonly byDelivery = new Map<string, string>();
  private posts: number[] = [];

  constructor(private readonly clock: EmulatorClock, private readonly partnerId: string) {}

  /** Throws 429 when the per-minute allowance is used up; otherwise counts this POST. */
  admit(): void {
    const now = this.clock.now().getTime();
    this.posts = this.posts.filter((at) => now - at < 60_000);
    if (this.posts.length >= VALIDATION_EVENTS_PER_MINUTE) {
      const retryAfter = Math.max(1, Math.ceil((this.posts[0] + 60_000 - now) / 1000));
      throw new ApiError(429, "serviceNotAvailable", `Validation events are limited to ${VALIDATION_EVENTS_PER_MINUTE} per minute.`, "validationEvents", { "retry-after": String(retryAfter) });
    }
    this.posts.push(now);
  }

  start(callbackUrl: string): ValidationEventRecord {
    this.purge();
    const record: ValidationEventRecord = {
      correlationId: randomUUID(),
      partnerId: this.partnerId,
      status: "pending",
      callbackUrl,
      results: [],
      createdAt: this.clock.now().getTime(),
    };
    this.records.set(record.correlationId, record);
    return record;
  }

  track(correlationId: string, delivery: Delivery): void {
    this.byDelivery.set(delivery.id, correlationId);
    if (delivery.state === "dropped") this.records.get(correlationId)!.status = "failed";
  }

  recordAttempt(delivery: Delivery, attempt: DeliveryAttempt): void {
    const record = this.records.get(this.byDelivery.get(delivery.id) ?? "");
    if (!record) return;
    record.results.push({
      responseCode: statusCodeName(attempt.status),
      responseMessage: attempt.message,
      systemError: attempt.systemError,
      // The sample shows seven fractional digits and no zone designator.
      dateTimeUtc: wireTimestamp(this.clock.now()).replace(/Z$/, ""),
    });
    if (delivery.state === "delivered") record.status = "completed";
    if (delivery.state === "parked") record.status = "failed";
  }

  get(correlationId: string): ValidationEventRecord | undefined {
    this.purge();
    return this.records.get(correlationId.toLowerCase());
  }

  private purge(): void {
    const now = this.clock.now().getTime();
    for (const [id, record] of this.records) if (now - record.createdAt >= PURGE_AFTER_MS) this.records.delete(id);
  }
}
