/**
 * Throughput of the initial load: `cosell-relay backfill` brings every referral waiting in Partner
 * Center into Dynamics 365, while the Dataverse emulator enforces the real service-protection
 * limits (6,000 requests per 5 minutes per user, 52 concurrent) scaled down in time by a stated
 * factor so the run fits in minutes. Reports referrals per second, requests per referral, how much
 * of the allowance the relay used, and failures (there must be none).
 */
import { DEFAULT_LIMITS } from "../emulators/dataverse/src";
import { crmRecordsByReferral, microsoftSendsReferral } from "../tests/reliability/support/deals";
import { startEnvironment, type Environment } from "../tests/reliability/support/environment";
import type { BenchOptions, BenchSection } from "./support/report";
import { table } from "./support/report";
import { round, thousands } from "./support/stats";

/** The limits' time window is divided by this: the same 6,000 requests in 1/6 of 5 minutes (50 s). */
export const LIMIT_SCALE = 6;
const CONCURRENCY = 16;

export async function throughputBench(options: BenchOptions): Promise<BenchSection> {
  const referrals = options.quick ? 1_000 : 10_000;
  const limits = { ...DEFAULT_LIMITS, windowMs: DEFAULT_LIMITS.windowMs / LIMIT_SCALE, maxExecutionMs: DEFAULT_LIMITS.maxExecutionMs / LIMIT_SCALE };
  const allowedPerSecond = limits.maxRequests / (limits.windowMs / 1000);
  const env = await startEnvironment({ relay: "none", registerWebhooks: false, dataverseLimits: limits, relaySettings: { COSELL_LOG_LEVEL: "warn" } });
  try {
    options.log(`throughput: seeding ${thousands(referrals)} referrals from Microsoft in Partner Center`);
    const ids = new Set<string>();
    let emulatorCallWhenSmall = NaN;
    for (let n = 0; n < referrals; n++) {
      ids.add(microsoftSendsReferral(env, n).toLowerCase());
      if (n === 99) emulatorCallWhenSmall = await partnerCenterCallMs(env, [...ids][0]);
    }
    const emulatorCallWhenFull = await partnerCenterCallMs(env, [...ids][0]);
    env.dataverseProxy.resetCounts();
    env.partnerCenterProxy.resetCounts();
    const throttledBefore = env.dataverse.counters.snapshot().throttled;

    options.log(`throughput: cosell-relay backfill --concurrency ${CONCURRENCY}, Dataverse limits ${thousands(limits.maxRequests)} requests per ${limits.windowMs / 1000} s (×${LIMIT_SCALE} the real rate), ${limits.maxConcurrent} concurrent`);
    const started = performance.now();
    const result = await env.cli(["backfill", "--concurrency", String(CONCURRENCY)]);
    const seconds = (performance.now() - started) / 1000;
    if (result.code !== 0) throw new Error(`backfill failed (${result.code}):\n${result.err || result.out}`);

    const records = await crmRecordsByReferral(env);
    const loaded = [...ids].filter((id) => records.get(id) === 1).length;
    const duplicated = [...ids].filter((id) => (records.get(id) ?? 0) > 1).length;
    const failed = Number(/of which (\d+) failed/.exec(result.out)?.[1] ?? 0);
    const dv = env.dataverseProxy.counts();
    const pc = env.partnerCenterProxy.counts();
    const throttled = env.dataverse.counters.snapshot().throttled - throttledBefore;
    const perSecond = referrals / seconds;
    const dvPerSecond = dv.total / seconds;
    // A sliding window allows its full count at once, then its rate: over a run of `seconds`, at most this many.
    const allowedOverRun = limits.maxRequests * Math.max(1, seconds / (limits.windowMs / 1000));
    const share = (100 * dv.total) / allowedOverRun;
    const realMinutes = (dv.total / (allowedPerSecond / LIMIT_SCALE)) / 60;

    options.log(
      `throughput: ${thousands(loaded)}/${thousands(referrals)} referrals in ${round(seconds)} s = ${round(perSecond)} referrals/s; ` +
        `${round(dv.total / referrals, 2)} Dataverse and ${round(pc.total / referrals, 2)} Partner Center requests per referral; ` +
        `${round(dvPerSecond)} Dataverse requests/s, ${round(share)}% of what the limits allow over the run; ${throttled} throttled (429), ${failed} failed, ${duplicated} duplicated`,
    );

    const markdown = [
      `\`cosell-relay backfill --concurrency ${CONCURRENCY}\` (the relay's own initial-load command, PGlite) loads ${thousands(referrals)} incoming referrals that wait in Partner Center; each becomes a Lead with its account and contact matched or created. The Dataverse emulator enforces the service-protection limits per user with the time window divided by ${LIMIT_SCALE}: ${thousands(limits.maxRequests)} requests per ${limits.windowMs / 1000} s (= ${thousands(allowedPerSecond)} requests/s, ${LIMIT_SCALE}× the real ${thousands(allowedPerSecond / LIMIT_SCALE)}/s), at most ${limits.maxConcurrent} at once, combined execution time ${thousands(limits.maxExecutionMs / 1000)} s per window. No latency is added. The share of the allowance is the requests made over what a sliding window permits in the run's duration (its full count at once, then its rate).`,
      "",
      table(
        ["referrals", "time", "referrals/s", "Dataverse requests/referral (reads + writes)", "Partner Center requests/referral", "Dataverse requests/s", "share of what the limits allow over the run", "429 answers", "failed", "duplicated"],
        [[
          `${thousands(loaded)} / ${thousands(referrals)}`,
          `${round(seconds)} s`,
          round(perSecond),
          `${round(dv.total / referrals, 2)} (${round(dv.reads / referrals, 2)} + ${round(dv.writes / referrals, 2)})`,
          round(pc.total / referrals, 2),
          round(dvPerSecond),
          `${round(share)}%`,
          thousands(throttled),
          thousands(failed),
          thousands(duplicated),
        ]],
      ),
      "",
      `The benchmark's own process hosts both emulators beside the backfill. The Partner Center emulator answers a referral read in ${round(emulatorCallWhenSmall)} ms with 100 referrals stored and ${round(emulatorCallWhenFull)} ms with ${thousands(referrals)} (it sweeps its whole store for expired referrals on every call), and it shares the process's core with the relay, so much of the fall in rate as the store grows is the emulator's.`,
      "",
      `At the real limits one application user gets ${thousands(allowedPerSecond / LIMIT_SCALE)} Dataverse requests/s, so a backfill of this kind loads at most ${round(allowedPerSecond / LIMIT_SCALE / (dv.total / referrals), 1)} referrals/s: ${thousands(referrals)} referrals take at least ${round(realMinutes)} minutes. The limit, not the relay, sets the pace.`,
    ].join("\n");
    return {
      title: "Throughput: backfill",
      markdown,
      headlines: [
        `Backfill: ${round(perSecond)} referrals/s, ${round(dv.total / referrals, 1)} Dataverse requests per referral, ${round(share)}% of what the (×${LIMIT_SCALE}) service-protection limits allow, ${failed} failures, ${duplicated} duplicates`,
      ],
    };
  } finally {
    await env.stop();
  }
}

/** Mean time of the Partner Center emulator to answer one referral read, over 20 reads. */
async function partnerCenterCallMs(env: Environment, referralId: string): Promise<number> {
  const token = await env.partnerCenter.issueToken({ api: "referrals" });
  const started = performance.now();
  for (let i = 0; i < 20; i++) {
    const response = await fetch(`${env.partnerCenter.referralsUrl}/${referralId}`, { headers: { Authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
  }
  return (performance.now() - started) / 20;
}
