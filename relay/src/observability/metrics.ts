/**
 * The relay's Prometheus metrics (prom-client, one registry per relay so tests and embedders do not
 * share state). Upstream traffic is read from the totals the Partner Center and Dataverse clients
 * keep, at scrape time, so the clients need no knowledge of Prometheus.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

export type EventSource = "partner-center" | "dataverse";
export type JobOutcome = "completed" | "failed";
export type Platform = "partner-center" | "dataverse";

/** What both clients count (PartnerCenterStats and DataverseCallTotals have these fields). */
export interface UpstreamTotals {
  calls: number;
  throttles: number;
  retries: number;
  failures: number;
}

export interface RelayMetrics {
  readonly registry: Registry;
  readonly contentType: string;
  eventReceived(source: EventSource, type: string): void;
  eventRejected(source: EventSource, reason: string): void;
  jobFinished(queue: string, outcome: JobOutcome): void;
  /** Seconds from the signal arriving to the job that handled it finishing. */
  syncLatency(queue: string, seconds: number): void;
  /** Reads the client's running totals at every scrape. */
  watchUpstream(platform: Platform, totals: () => UpstreamTotals): void;
  watchDeadLetters(count: () => Promise<number>): void;
  exposition(): Promise<string>;
}

export interface MetricsOptions {
  /** Node process metrics (CPU, memory, event loop). Default true. */
  processMetrics?: boolean;
}

export function createMetrics(options: MetricsOptions = {}): RelayMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: "cosell_relay_" });

  const events = new Counter({
    name: "cosell_events_received_total",
    help: "Authentic inbound signals, by source and event type.",
    labelNames: ["source", "type"] as const,
    registers: [registry],
  });
  const rejected = new Counter({
    name: "cosell_events_rejected_total",
    help: "Inbound signals refused (bad signature, wrong secret, unreadable body), by source and reason.",
    labelNames: ["source", "reason"] as const,
    registers: [registry],
  });
  const jobs = new Counter({
    name: "cosell_jobs_total",
    help: "Jobs handled, by queue and outcome (a failed job is retried until the dead-letter queue).",
    labelNames: ["queue", "outcome"] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: "cosell_sync_latency_seconds",
    help: "From the signal arriving at the relay to the job that handled it finishing.",
    labelNames: ["queue"] as const,
    buckets: [0.25, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900],
    registers: [registry],
  });

  const upstream = new Map<Platform, { totals: () => UpstreamTotals; last: UpstreamTotals }>();
  const upstreamCounter = (name: string, help: string, field: keyof UpstreamTotals) =>
    new Counter({
      name,
      help,
      labelNames: ["platform"] as const,
      registers: [registry],
      collect() {
        for (const [platform, watched] of upstream) {
          const now = watched.totals()[field];
          const delta = now - watched.last[field];
          if (delta > 0) this.inc({ platform }, delta);
          watched.last[field] = now;
        }
      },
    });
  upstreamCounter("cosell_upstream_requests_total", "HTTP requests sent to Partner Center and Dataverse, retries included.", "calls");
  upstreamCounter("cosell_upstream_throttled_total", "429/503 throttling answers received from Partner Center and Dataverse.", "throttles");
  upstreamCounter("cosell_upstream_retries_total", "Requests repeated after throttling, a transient error or a dropped connection.", "retries");
  upstreamCounter("cosell_upstream_failures_total", "Calls that failed after their retries.", "failures");

  let deadLetters: (() => Promise<number>) | undefined;
  new Gauge({
    name: "cosell_dead_letters",
    help: "Jobs that failed every retry and wait in the dead-letter queue.",
    registers: [registry],
    async collect() {
      if (deadLetters) this.set(await deadLetters());
    },
  });

  return {
    registry,
    contentType: registry.contentType,
    eventReceived: (source, type) => events.inc({ source, type }),
    eventRejected: (source, reason) => rejected.inc({ source, reason }),
    jobFinished: (queue, outcome) => jobs.inc({ queue, outcome }),
    syncLatency: (queue, seconds) => latency.observe({ queue }, Math.max(0, seconds)),
    watchUpstream(platform, totals) {
      upstream.set(platform, { totals, last: zero() });
    },
    watchDeadLetters(count) {
      deadLetters = count;
    },
    exposition: () => registry.metrics(),
  };
}

function zero(): UpstreamTotals {
  return { calls: 0, throttles: 0, retries: 0, failures: 0 };
}
