/**
 * Fault injection for a run: slow answers, random 5xx, bursts of 429 with Retry-After
 * (partner-center-api.md §3.7, §7.13) and lost webhook deliveries. Settable from the options, from
 * code, and over HTTP (`/_emulator/faults`), so a reliability test or a person at the sandbox can
 * turn them on and off while things run.
 */
export interface FaultSettings {
  /** Delay before every API answer: `fixedMs` plus a uniform random 0..`jitterMs`. */
  latency: { fixedMs: number; jitterMs: number };
  /** Share (0..1) of API requests answered with `status` instead of being handled. */
  errors: { rate: number; status: 500 | 502 | 503 | 504; retryAfterSeconds?: number };
  /** The next `remaining` API requests get 429 with `Retry-After: retryAfterSeconds`. */
  throttle: { remaining: number; retryAfterSeconds: number };
  /** Webhook events that are never delivered: each with `probability`, plus the next `next` events. */
  dropWebhooks: { probability: number; next: number };
}

export type FaultOverrides = {
  [K in keyof FaultSettings]?: Partial<FaultSettings[K]>;
};

export type FaultDecision =
  | { kind: "pass"; delayMs: number }
  | { kind: "throttle"; delayMs: number; retryAfterSeconds: number }
  | { kind: "error"; delayMs: number; status: number; retryAfterSeconds?: number };

export const noFaults = (): FaultSettings => ({
  latency: { fixedMs: 0, jitterMs: 0 },
  errors: { rate: 0, status: 503, retryAfterSeconds: 1 },
  throttle: { remaining: 0, retryAfterSeconds: 1 },
  dropWebhooks: { probability: 0, next: 0 },
});

export class FaultController {
  private settings = noFaults();

  constructor(overrides: FaultOverrides = {}, private readonly random: () => number = Math.random) {
    this.set(overrides);
  }

  current(): FaultSettings {
    return structuredClone(this.settings);
  }

  /** Merges the given settings into the current ones; throws on a value that makes no sense. */
  set(overrides: FaultOverrides): FaultSettings {
    const next = structuredClone(this.settings);
    for (const [group, values] of Object.entries(overrides ?? {})) {
      if (!(group in next)) throw new Error(`Unknown fault group '${group}'; use latency, errors, throttle or dropWebhooks.`);
      Object.assign(next[group as keyof FaultSettings], values);
    }
    check(next);
    this.settings = next;
    return this.current();
  }

  reset(): FaultSettings {
    this.settings = noFaults();
    return this.current();
  }

  /** The next `count` API requests are answered 429 with `Retry-After: retryAfterSeconds`. */
  throttleNext(count: number, retryAfterSeconds = 1): void {
    this.set({ throttle: { remaining: count, retryAfterSeconds } });
  }

  /** The next `count` webhook events are lost (never delivered). */
  dropNextDeliveries(count: number): void {
    this.set({ dropWebhooks: { next: count } });
  }

  /** Decides the fate of one API request. */
  decide(): FaultDecision {
    const { latency, errors, throttle } = this.settings;
    const delayMs = latency.fixedMs + (latency.jitterMs ? Math.floor(this.random() * (latency.jitterMs + 1)) : 0);
    if (throttle.remaining > 0) {
      throttle.remaining -= 1;
      return { kind: "throttle", delayMs, retryAfterSeconds: throttle.retryAfterSeconds };
    }
    if (errors.rate > 0 && this.random() < errors.rate) {
      return { kind: "error", delayMs, status: errors.status, retryAfterSeconds: errors.retryAfterSeconds };
    }
    return { kind: "pass", delayMs };
  }

  /** Whether the next webhook event should be lost. */
  dropDelivery(): boolean {
    const drop = this.settings.dropWebhooks;
    if (drop.next > 0) {
      drop.next -= 1;
      return true;
    }
    return drop.probability > 0 && this.random() < drop.probability;
  }
}

function check(s: FaultSettings): void {
  const nonNegative = (value: number, name: string) => {
    if (!Number.isFinite(value) || value < 0) throw new Error(`Fault setting ${name} must be a number ≥ 0; got ${value}.`);
  };
  const share = (value: number, name: string) => {
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`Fault setting ${name} must be between 0 and 1; got ${value}.`);
  };
  nonNegative(s.latency.fixedMs, "latency.fixedMs");
  nonNegative(s.latency.jitterMs, "latency.jitterMs");
  share(s.errors.rate, "errors.rate");
  if (![500, 502, 503, 504].includes(s.errors.status)) throw new Error(`Fault setting errors.status must be 500, 502, 503 or 504; got ${s.errors.status}.`);
  if (s.errors.retryAfterSeconds !== undefined) nonNegative(s.errors.retryAfterSeconds, "errors.retryAfterSeconds");
  nonNegative(s.throttle.remaining, "throttle.remaining");
  nonNegative(s.throttle.retryAfterSeconds, "throttle.retryAfterSeconds");
  share(s.dropWebhooks.probability, "dropWebhooks.probability");
  nonNegative(s.dropWebhooks.next, "dropWebhooks.next");
}
