/**
 * What the relay costs to run: memory and CPU of the relay process (`cosell-relay start`, PGlite)
 * while 50 events a second arrive for two minutes, whether it keeps up, and how long it takes to
 * start on PGlite and on PostgreSQL (first start on an empty database, then restarts).
 */
import { LeadColumns } from "@cosell/core";
import { listAll, microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity } from "../tests/reliability/support/deals";
import { startEnvironment, until, type Environment } from "../tests/reliability/support/environment";
import { processUsage } from "../tests/reliability/support/relay-process";
import type { BenchOptions, BenchSection } from "./support/report";
import { REQUEST_LIMIT_LIFTED, REQUEST_LIMIT_NOTE, table } from "./support/report";
import { ms, round, summarize, thousands } from "./support/stats";

const RATE = 50;
const RECORDS = 200;
/**
 * pg-boss 10 runs one worker per queue that takes at most a batch per polling interval, so the
 * relay's defaults (5 jobs, every 1 s) cap it near 5 jobs/s per queue; 50 events/s needs more.
 */
const QUEUE_SETTINGS = { COSELL_QUEUE_BATCH_SIZE: "25", COSELL_QUEUE_POLL_SECONDS: "0.5" };
const MiB = 1024 * 1024;

export async function footprintBench(options: BenchOptions): Promise<BenchSection> {
  const startup = await startupTimes(options);
  const load = await underLoad(options);
  const markdown = [
    `### Under load`,
    "",
    `\`cosell-relay start\` as its own process on PGlite (the default single-node deployment), log level warn, COSELL_QUEUE_BATCH_SIZE=${QUEUE_SETTINGS.COSELL_QUEUE_BATCH_SIZE} and COSELL_QUEUE_POLL_SECONDS=${QUEUE_SETTINGS.COSELL_QUEUE_POLL_SECONDS} (with the defaults, 5 and 1 s, a relay works off about 5 jobs a second per queue: pg-boss 10 waits out the polling interval after every batch). ${thousands(RECORDS)} incoming referrals (as Leads) and ${thousands(RECORDS)} shared deals are synced first; then ${RATE} events a second arrive for ${load.seconds} s, half of them Microsoft changing a referral's deal value, half sellers saving a new deal value, each a real change to sync. CPU and resident memory are read from /proc every second (100% = one core). ${REQUEST_LIMIT_NOTE}`,
    "",
    table(
      ["", "value"],
      [
        ["events offered", `${thousands(load.events)} (${RATE}/s for ${load.seconds} s)`],
        ["resident memory: idle after setup", `${round(load.idleRss / MiB)} MiB`],
        ["resident memory: peak under load", `${round(load.peakRss / MiB)} MiB`],
        ["CPU under load: mean / p95 of 1 s samples", `${round(load.cpu.mean)}% / ${round(load.cpu.p95)}%`],
        ["kept up", load.drainedMs === undefined ? "no: changes were still missing 120 s after the load ended" : `yes: the last change was synced ${ms(load.drainedMs)} after the load ended`],
      ],
    ),
    "",
    `### Start-up`,
    "",
    "From spawning `cosell-relay start` to `/readyz` answering 200 (the TypeScript sources are compiled on load by tsx; its cache is warm after the first start of the run).",
    "",
    table(["database", "first start (empty)", "restart (median of 3)", "resident memory when ready"], startup.map((s) => [s.database, ms(s.first), ms(s.restart), `${round(s.rss / MiB)} MiB`])),
    "",
    "PGlite runs PostgreSQL (compiled to WebAssembly) inside the relay's process, so its memory is part of the relay's; with PostgreSQL the database lives elsewhere.",
  ].join("\n");
  return {
    title: "Footprint",
    markdown,
    headlines: [
      `Footprint at ${RATE} events/s: ${round(load.peakRss / MiB)} MiB peak RSS, ${round(load.cpu.mean)}% of one core on average, ${load.drainedMs === undefined ? "did not keep up" : "kept up"}; start-up ${startup.map((s) => `${s.database} ${ms(s.restart)}`).join(", ")}`,
    ],
  };
}

async function startupTimes(options: BenchOptions): Promise<{ database: string; first: number; restart: number; rss: number }[]> {
  const results = [];
  for (const database of ["pglite", "postgres"] as const) {
    const env = await startEnvironment({ relay: "process", database, registerWebhooks: false, relaySettings: { COSELL_LOG_LEVEL: "warn" } });
    try {
      const first = env.processes[0].startupMs;
      const restarts: number[] = [];
      const rss: number[] = [];
      for (let i = 0; i < 3; i++) {
        await env.stopRelays();
        await env.startRelays();
        restarts.push(env.processes[0].startupMs);
        rss.push((await processUsage(env.processes[0].pid)).rssBytes);
      }
      const restart = summarize(restarts).p50;
      options.log(`footprint · start-up on ${database}: first ${ms(first)}, restarts ${restarts.map(ms).join(", ")}; ${round(summarize(rss).p50 / MiB)} MiB resident when ready`);
      results.push({ database: database === "pglite" ? "PGlite" : "PostgreSQL", first, restart, rss: summarize(rss).p50 });
    } finally {
      await env.stop();
    }
  }
  return results;
}

async function underLoad(options: BenchOptions) {
  const seconds = options.quick ? 20 : 120;
  const env = await startEnvironment({ relay: "process", relaySettings: { COSELL_LOG_LEVEL: "warn", ...QUEUE_SETTINGS }, dataverseLimits: REQUEST_LIMIT_LIFTED });
  try {
    const setup = await prepareSeller(env);
    const referrals: string[] = [];
    const deals: string[] = [];
    for (let n = 0; n < RECORDS; n++) {
      referrals.push(microsoftSendsReferral(env, n));
      deals.push(await shareCoSellOpportunity(env, setup, n));
    }
    const referralOf = new Map<string, string>();
    for (const id of deals) {
      const [referral] = await until(() => referralsOfOpportunity(env, id).length > 0 && referralsOfOpportunity(env, id), `the referral of ${id}`, 300_000);
      referralOf.set(id, String(referral.id));
    }
    await until(async () => (await listAll(env, "leads", `?$select=leadid&$filter=${LeadColumns.referralId} ne null`)).length === RECORDS, "every lead", 300_000, 1_000);
    await quiet(env);
    const pid = env.processes[0].pid;
    const idleRss = (await processUsage(pid)).rssBytes;
    options.log(`footprint: ${RECORDS} leads and ${RECORDS} shared deals synced; relay idle at ${round(idleRss / MiB)} MiB`);

    const lastDealValue = new Map<string, number>();
    const lastBudget = new Map<string, number>();
    const cpu: number[] = [];
    let peakRss = idleRss;
    let previous = { at: performance.now(), ...(await processUsage(pid)) };
    const sampler = setInterval(() => {
      void processUsage(pid).then((usage) => {
        const at = performance.now();
        cpu.push((100 * (usage.cpuSeconds - previous.cpuSeconds)) / ((at - previous.at) / 1000));
        peakRss = Math.max(peakRss, usage.rssBytes);
        previous = { at, ...usage };
      });
    }, 1_000);

    const saveErrors: string[] = [];
    const events = RATE * seconds;
    const started = performance.now();
    for (let n = 0; n < events; n++) {
      // Keep to the schedule: the n-th event goes out at n / RATE seconds.
      const due = started + (n * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const value = 1_000_000 + n;
      if (n % 2 === 0) {
        const referralId = referrals[(n / 2) % referrals.length];
        env.partnerCenter.microsoft.update(referralId, { details: { dealValue: value } });
        lastBudget.set(referralId.toLowerCase(), value);
      } else {
        const id = deals[((n - 1) / 2) % deals.length];
        env.seller.update("opportunities", id, { estimatedvalue: value }).catch((error: Error) => saveErrors.push(error.message));
        lastDealValue.set(referralOf.get(id)!, value);
      }
    }
    const endedAt = performance.now();
    if (saveErrors.length) throw new Error(`${saveErrors.length} seller saves failed, e.g. ${saveErrors[0]}`);
    options.log(`footprint: ${thousands(events)} events sent in ${round((endedAt - started) / 1000)} s`);

    const drained = await until(
      async () => {
        const outgoing = [...lastDealValue].every(([referralId, value]) => (env.partnerCenter.referrals.get(referralId)?.details as { dealValue?: number } | undefined)?.dealValue === value);
        if (!outgoing) return false;
        const leads = await listAll(env, "leads", `?$select=budgetamount,${LeadColumns.referralId}&$filter=${LeadColumns.referralId} ne null`);
        return leads.every((lead) => lastBudget.get(String(lead[LeadColumns.referralId]).toLowerCase()) === undefined || lastBudget.get(String(lead[LeadColumns.referralId]).toLowerCase()) === lead.budgetamount);
      },
      "the relay to catch up",
      120_000,
      500,
    ).then(
      () => performance.now() - endedAt,
      () => undefined,
    );
    clearInterval(sampler);
    const summary = summarize(cpu);
    options.log(`footprint: CPU mean ${round(summary.mean)}%, p95 ${round(summary.p95)}%; peak RSS ${round(peakRss / MiB)} MiB; ${drained === undefined ? "did not catch up" : `caught up ${ms(drained)} after the load`}`);
    return { seconds, events, idleRss, peakRss, cpu: summary, drainedMs: drained };
  } finally {
    await env.stop();
  }
}

/** Waits until the relay has finished every job it took on (its completed-job count stops moving). */
async function quiet(env: Environment): Promise<void> {
  let last = -1;
  let still = 0;
  await until(
    async () => {
      await env.gateway.idle();
      const metrics = await (await fetch(`${env.processes[0].url}/metrics`)).text();
      const done = [...metrics.matchAll(/^cosell_jobs_total\{[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
      still = done === last ? still + 1 : 0;
      last = done;
      return still >= 4;
    },
    "the relay to go quiet",
    300_000,
    500,
  );
}
