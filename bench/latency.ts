/**
 * Sync latency as a seller feels it, in both directions, over open-loop arrivals (events come at a
 * steady random rate whether or not the relay has caught up):
 *
 * - Partner Center → Dynamics: Microsoft shares a referral; measured from the change in Partner
 *   Center to the Lead carrying its referral id being written in Dataverse.
 * - Dynamics → Partner Center: a seller saves a new deal value on a shared opportunity; measured
 *   from the save to the referral holding that value in Partner Center (its change timestamp).
 *
 * Once with the emulators answering at once (what the relay itself adds, queue polling included),
 * once with a realistic latency profile on every call the relay makes. The relay runs as its own
 * process on PGlite, as a single node is deployed.
 */
import { LeadColumns } from "@cosell/core";
import { microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity } from "../tests/reliability/support/deals";
import { startEnvironment, until, type Environment } from "../tests/reliability/support/environment";
import { mulberry32 } from "../tests/reliability/support/random";
import type { BenchOptions, BenchSection } from "./support/report";
import { REQUEST_LIMIT_LIFTED, REQUEST_LIMIT_NOTE, table } from "./support/report";
import { ms, summarize, thousands, type Summary } from "./support/stats";

/** The Microsoft connector's documented expectation after Sync = Yes (cosell-connectors.md §2). */
const MICROSOFT_CONNECTOR_MS = 10 * 60_000;

interface Profile {
  name: string;
  partnerCenterMs: number;
  dataverseMs: number;
  /** Events per second offered. */
  rate: number;
}

const PROFILES: Profile[] = [
  { name: "zero added latency", partnerCenterMs: 0, dataverseMs: 0, rate: 10 },
  { name: "realistic: Partner Center 300 ms, Dataverse 80 ms per call", partnerCenterMs: 300, dataverseMs: 80, rate: 4 },
];
/** Jobs a relay worker takes at once (COSELL_QUEUE_BATCH_SIZE); the default 5 is sized for small tenants. */
const BATCH_SIZE = "20";

export async function latencyBench(options: BenchOptions): Promise<BenchSection> {
  const events = options.quick ? 200 : 1000;
  const rows: (string | number)[][] = [];
  const headlines: string[] = [];
  for (const profile of PROFILES) {
    options.log(`latency · ${profile.name}: starting`);
    const env = await startEnvironment({
      relay: "process",
      random: mulberry32(1),
      relaySettings: { COSELL_QUEUE_BATCH_SIZE: BATCH_SIZE, COSELL_LOG_LEVEL: "warn" },
      partnerCenterFaults: { latency: { fixedMs: profile.partnerCenterMs, jitterMs: Math.round(profile.partnerCenterMs / 5) } },
      dataverseLatency: { fixedMs: profile.dataverseMs, jitterMs: Math.round(profile.dataverseMs / 5) },
      dataverseLimits: REQUEST_LIMIT_LIFTED,
    });
    try {
      const inbound = await partnerCenterToDynamics(env, events, profile.rate, options);
      options.log(`latency · ${profile.name} · Partner Center → Dynamics: ${describe(inbound)}`);
      const outbound = await dynamicsToPartnerCenter(env, events, profile.rate, options);
      options.log(`latency · ${profile.name} · Dynamics → Partner Center: ${describe(outbound)}`);
      for (const [direction, summary] of [["Partner Center event → Dynamics record", inbound], ["form save → referral written", outbound]] as const) {
        rows.push([profile.name, direction, thousands(summary.count), `${profile.rate}/s`, ms(summary.p50), ms(summary.p95), ms(summary.p99), ms(summary.max), ratio(summary.p95)]);
      }
      headlines.push(`Sync latency (${profile.partnerCenterMs ? "realistic latency" : "relay overhead"}): p95 ${ms(inbound.p95)} inbound, ${ms(outbound.p95)} outbound — ${ratio(Math.max(inbound.p95, outbound.p95))} faster than "wait 10 minutes"`);
    } finally {
      await env.stop();
    }
  }
  const markdown = [
    `${thousands(events)} events per direction and profile, arriving at random (exponential gaps) at the rate shown. The relay runs as \`cosell-relay start\` in its own process on PGlite with COSELL_QUEUE_BATCH_SIZE=${BATCH_SIZE}, COSELL_QUEUE_POLL_SECONDS=0.5; latency is added on every call the relay makes (±20% jitter). ${REQUEST_LIMIT_NOTE}`,
    "",
    table(["profile", "direction", "events", "rate", "p50", "p95", "p99", "max", "vs. \"wait 10 minutes\" (p95)"], rows),
    "",
    "Inbound is measured from the change in Partner Center to the Lead row being written; outbound from the seller's save to the referral's change timestamp in Partner Center. Both include the webhook hop, the queue (an idle worker polls every 0.5 s) and every read and write of the sync. Dataverse's own webhook dispatch delay is not modelled.",
  ].join("\n");
  return { title: "Sync latency", markdown, headlines };
}

function describe(summary: Summary): string {
  return `${summary.count} events, p50 ${ms(summary.p50)}, p95 ${ms(summary.p95)}, p99 ${ms(summary.p99)}, max ${ms(summary.max)}`;
}

function ratio(latencyMs: number): string {
  return `${thousands(MICROSOFT_CONNECTOR_MS / latencyMs)}×`;
}

/** Waits so that events arrive as a Poisson process of the given rate. */
function arrivals(rate: number, seed: number): () => Promise<void> {
  const random = mulberry32(seed);
  return () => new Promise((resolve) => setTimeout(resolve, (-Math.log(1 - random()) / rate) * 1000));
}

async function partnerCenterToDynamics(env: Environment, events: number, rate: number, options: BenchOptions): Promise<Summary> {
  const sentAt = new Map<string, number>();
  const latencies: number[] = [];
  env.dataverse.environment.onChange((change) => {
    if (change.entity !== "lead" || change.message !== "Create") return;
    const referralId = String(change.target[LeadColumns.referralId] ?? "").toLowerCase();
    const sent = sentAt.get(referralId);
    if (sent === undefined) return;
    latencies.push(Date.now() - sent);
    sentAt.delete(referralId);
  });
  const next = arrivals(rate, 2);
  for (let n = 0; n < events; n++) {
    await next();
    const at = Date.now();
    sentAt.set(microsoftSendsReferral(env, 100_000 + n).toLowerCase(), at);
    if (n % 200 === 199) options.log(`  ${n + 1} referrals sent, ${latencies.length} in Dynamics`);
  }
  await until(() => latencies.length === events, "every referral in Dynamics", 600_000, 200);
  await env.settled(300_000);
  return summarize(latencies);
}

async function dynamicsToPartnerCenter(env: Environment, events: number, rate: number, options: BenchOptions): Promise<Summary> {
  const setup = await prepareSeller(env);
  const deals = Math.min(events, 200);
  const opportunities: { id: string; referralId: string }[] = [];
  const ids: string[] = [];
  for (let n = 0; n < deals; n++) ids.push(await shareCoSellOpportunity(env, setup, 200_000 + n));
  for (const id of ids) {
    const [referral] = await until(() => referralsOfOpportunity(env, id).length > 0 && referralsOfOpportunity(env, id), `the referral of ${id}`, 300_000);
    opportunities.push({ id, referralId: String(referral.id).toLowerCase() });
  }
  await env.settled(300_000);
  options.log(`  ${deals} shared deals ready`);

  // The referral's change timestamp, read from the event Partner Center sends when it changes.
  const waiting = new Map<string, { value: number; savedAt: number }>();
  const latencies: number[] = [];
  env.gateway.onDelivery((delivery) => {
    if (!delivery.path.startsWith("/hooks/partner-center")) return;
    const event = JSON.parse(delivery.body.toString("utf8")) as { ResourceUri: string; ResourceChangeUtcDate: string };
    const referralId = event.ResourceUri.split("/").at(-1)!.toLowerCase();
    const expected = waiting.get(referralId);
    if (!expected) return;
    const referral = env.partnerCenter.referrals.get(referralId);
    if ((referral?.details as { dealValue?: number } | undefined)?.dealValue !== expected.value) return;
    latencies.push(Date.parse(event.ResourceChangeUtcDate) - expected.savedAt);
    waiting.delete(referralId);
  });
  const next = arrivals(rate, 3);
  for (let n = 0; n < events; n++) {
    await next();
    const deal = opportunities[n % opportunities.length];
    // A deal saved again before its last change arrived is measured from its last save.
    const value = 300_000 + n;
    const savedAt = Date.now();
    waiting.set(deal.referralId, { value, savedAt });
    await env.seller.update("opportunities", deal.id, { estimatedvalue: value });
    if (n % 200 === 199) options.log(`  ${n + 1} saves, ${latencies.length} in Partner Center`);
  }
  await until(() => waiting.size === 0, "every save in Partner Center", 600_000, 200);
  await env.settled(300_000);
  return summarize(latencies);
}
