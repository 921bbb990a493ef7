/**
 * Scale-out: one, two and four `cosell-relay start` processes on one PostgreSQL database behind
 * one webhook address (round robin), with the realistic latency profile so the relays wait on the
 * platforms as they would in production. A burst of incoming referrals and shared deals arrives at
 * once; reported: syncs per second until everything is in, and duplicates (there must be none).
 */
import { OpportunityColumns } from "@cosell/core";
import { crmRecordsByReferral, draftCoSellOpportunity, microsoftSendsReferral, prepareSeller, referralsOfOpportunity } from "../tests/reliability/support/deals";
import { startEnvironment, until } from "../tests/reliability/support/environment";
import { mulberry32 } from "../tests/reliability/support/random";
import type { BenchOptions, BenchSection } from "./support/report";
import { REQUEST_LIMIT_LIFTED, REQUEST_LIMIT_NOTE, table } from "./support/report";
import { round, thousands } from "./support/stats";

const REPLICAS = [1, 2, 4];
const LATENCY = { partnerCenterMs: 300, dataverseMs: 80 };

export async function scaleOutBench(options: BenchOptions): Promise<BenchSection> {
  const perKind = options.quick ? 60 : 200;
  const rows: (string | number)[][] = [];
  let single = 0;
  const results: { replicas: number; perSecond: number; duplicates: number }[] = [];
  for (const replicas of REPLICAS) {
    const env = await startEnvironment({
      relay: "process",
      replicas,
      database: "postgres",
      random: mulberry32(replicas),
      relaySettings: { COSELL_LOG_LEVEL: "warn" },
      partnerCenterFaults: { latency: { fixedMs: LATENCY.partnerCenterMs, jitterMs: LATENCY.partnerCenterMs / 5 } },
      dataverseLatency: { fixedMs: LATENCY.dataverseMs, jitterMs: LATENCY.dataverseMs / 5 },
      dataverseLimits: REQUEST_LIMIT_LIFTED,
    });
    try {
      const setup = await prepareSeller(env);
      // Sellers' drafts first (Sync = No), so the burst is only the syncs.
      const drafts: string[] = [];
      for (let n = 0; n < perKind; n++) drafts.push(await draftCoSellOpportunity(env, setup, n));
      await env.settled(300_000);

      const started = performance.now();
      const incoming: string[] = [];
      for (let n = 0; n < perKind; n++) {
        incoming.push(microsoftSendsReferral(env, n));
        await env.seller.update("opportunities", drafts[n], { [OpportunityColumns.syncWithPartnerCenter]: true });
      }
      await until(async () => {
        if (!drafts.every((id) => referralsOfOpportunity(env, id).length > 0)) return false;
        const records = await crmRecordsByReferral(env);
        return incoming.every((id) => records.has(id.toLowerCase()));
      }, "every sync", 900_000, 250);
      const seconds = (performance.now() - started) / 1000;
      await env.settled(300_000);

      const records = await crmRecordsByReferral(env);
      const duplicates =
        drafts.reduce((sum, id) => sum + Math.max(0, referralsOfOpportunity(env, id).length - 1), 0) +
        incoming.reduce((sum, id) => sum + Math.max(0, (records.get(id.toLowerCase()) ?? 0) - 1), 0);
      const syncs = 2 * perKind;
      const perSecond = syncs / seconds;
      if (replicas === 1) single = perSecond;
      results.push({ replicas, perSecond, duplicates });
      options.log(`scale-out · ${replicas} relay${replicas === 1 ? "" : "s"}: ${syncs} syncs in ${round(seconds)} s = ${round(perSecond, 2)}/s (×${round(perSecond / single, 2)}), ${duplicates} duplicates`);
      rows.push([replicas, thousands(syncs), `${round(seconds)} s`, round(perSecond, 2), `×${round(perSecond / single, 2)}`, duplicates]);
    } finally {
      await env.stop();
    }
  }
  const markdown = [
    `Each run: ${thousands(perKind)} referrals from Microsoft and ${thousands(perKind)} deals switched to Sync = Yes, all at once, against relays that share one PostgreSQL database and one webhook address (round robin). Every call the relays make gets the realistic latency (Partner Center ${LATENCY.partnerCenterMs} ms, Dataverse ${LATENCY.dataverseMs} ms, ±20%); each relay works with the default COSELL_QUEUE_BATCH_SIZE=5. Time runs from the first change to the last record being in place on the other side. All processes share the machine's cores with the emulators. ${REQUEST_LIMIT_NOTE}`,
    "",
    table(["relays", "syncs", "time", "syncs/s", "vs. one relay", "duplicates"], rows),
  ].join("\n");
  const best = results.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
  return {
    title: "Scale-out",
    markdown,
    headlines: [`Scale-out: ${results.map((r) => `${r.replicas} relay${r.replicas === 1 ? "" : "s"} ${round(r.perSecond, 1)}/s`).join(", ")} (best ×${round(best.perSecond / single, 2)}); ${results.reduce((sum, r) => sum + r.duplicates, 0)} duplicates`],
  };
}
