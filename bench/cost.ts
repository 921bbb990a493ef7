/**
 * Cost per sync in steady state: how many Partner Center and Dataverse requests the relay makes
 * for each kind of change, counted at proxies only the relay talks through (sellers and Microsoft
 * act directly), each change followed until the relay is idle again, so the handling of the echo of
 * its own writes is included. A no-op (a save or an update that changes nothing synced) must cost
 * reads only.
 */
import { prepareSeller, microsoftSendsReferral, referralsOfOpportunity, shareCoSellOpportunity, type SellerSetup } from "../tests/reliability/support/deals";
import { startEnvironment, until, type Environment } from "../tests/reliability/support/environment";
import type { CallCounts } from "../tests/reliability/support/api-proxy";
import type { BenchOptions, BenchSection } from "./support/report";
import { REQUEST_LIMIT_LIFTED, table } from "./support/report";
import { round } from "./support/stats";

interface Cost {
  pcReads: number;
  pcWrites: number;
  dvReads: number;
  dvWrites: number;
  events: number;
}

interface Operation {
  name: string;
  /** Runs the change once (the n-th time). */
  run(n: number): Promise<void>;
}

export async function costBench(options: BenchOptions): Promise<BenchSection> {
  const repeats = options.quick ? 5 : 20;
  const env = await startEnvironment({ database: "postgres", relaySettings: { COSELL_LOG_LEVEL: "warn" }, dataverseLimits: REQUEST_LIMIT_LIFTED });
  try {
    const setup = await prepareSeller(env);
    const deals: string[] = [];
    const incoming: string[] = [];
    const operations = buildOperations(env, setup, deals, incoming);
    const rows: (string | number)[][] = [];
    const costs = new Map<string, Cost>();
    for (const operation of operations) {
      const total: Cost = { pcReads: 0, pcWrites: 0, dvReads: 0, dvWrites: 0, events: 0 };
      for (let n = 0; n < repeats; n++) {
        await env.settled();
        const before = snapshot(env);
        await operation.run(n);
        await env.settled();
        const after = snapshot(env);
        for (const key of Object.keys(total) as (keyof Cost)[]) total[key] += after[key] - before[key];
      }
      const average: Cost = { pcReads: total.pcReads / repeats, pcWrites: total.pcWrites / repeats, dvReads: total.dvReads / repeats, dvWrites: total.dvWrites / repeats, events: total.events / repeats };
      costs.set(operation.name, average);
      options.log(`cost · ${operation.name}: Partner Center ${round(average.pcReads)} reads + ${round(average.pcWrites)} writes, Dataverse ${round(average.dvReads)} reads + ${round(average.dvWrites)} writes, ${round(average.events)} webhook events`);
      rows.push([
        operation.name,
        `${round(average.pcReads)} + ${round(average.pcWrites)}`,
        `${round(average.dvReads)} + ${round(average.dvWrites)}`,
        round(average.pcReads + average.pcWrites + average.dvReads + average.dvWrites),
        round(average.events),
      ]);
    }
    const echo = [...costs.entries()].filter(([name]) => name.startsWith("no-op"));
    const echoWrites = echo.reduce((sum, [, c]) => sum + c.pcWrites + c.dvWrites, 0);
    const markdown = [
      `Average over ${repeats} repetitions of each change, in steady state (the relay idle before and after), zero added latency. Requests are counted at proxies in front of each platform that only the relay uses; "reads + writes" (a Dataverse \`$batch\` counts as one write). Webhook events are the notifications the relay received for the change, its own writes' echoes included.`,
      "",
      table(["change", "Partner Center requests (reads + writes)", "Dataverse requests (reads + writes)", "total", "webhook events"], rows),
      "",
      echoWrites === 0
        ? "Both no-op changes cost reads only: the echo of the relay's own writes, and a save that changes nothing synced, write nothing anywhere."
        : `A no-op change wrote ${round(echoWrites)} times on average: echo suppression is not complete.`,
    ].join("\n");
    const create = costs.get(operations[0].name)!;
    const update = costs.get(operations[1].name)!;
    return {
      title: "Cost per sync",
      markdown,
      headlines: [
        `Cost per sync: share ${round(create.pcReads + create.pcWrites)} Partner Center + ${round(create.dvReads + create.dvWrites)} Dataverse requests; update ${round(update.pcReads + update.pcWrites)} + ${round(update.dvReads + update.dvWrites)}; no-op echo ${echoWrites === 0 ? "reads only" : `${round(echoWrites)} writes`}`,
      ],
    };
  } finally {
    await env.stop();
  }
}

function buildOperations(env: Environment, setup: SellerSetup, deals: string[], incoming: string[]): Operation[] {
  const referralOf = async (opportunityId: string) =>
    String((await until(() => referralsOfOpportunity(env, opportunityId).length > 0 && referralsOfOpportunity(env, opportunityId), "the referral"))[0].id);
  return [
    {
      name: "share a deal (Dynamics → Partner Center create, from the first save)",
      run: async (n) => void deals.push(await shareCoSellOpportunity(env, setup, 10_000 + n)),
    },
    {
      name: "seller changes the deal value (Dynamics → Partner Center update)",
      run: async (n) => env.seller.update("opportunities", deals[n % deals.length], { estimatedvalue: 50_000 + n }),
    },
    {
      name: "Microsoft shares a referral (Partner Center → Dynamics create, as a Lead)",
      run: async (n) => void incoming.push(microsoftSendsReferral(env, 20_000 + n)),
    },
    {
      name: "Microsoft changes the deal value (Partner Center → Dynamics update)",
      run: async (n) => void env.partnerCenter.microsoft.update(incoming[n % incoming.length], { details: { dealValue: 70_000 + n } }),
    },
    {
      name: "Microsoft accepts a co-sell deal (Partner Center → Dynamics status)",
      run: async (n) => void env.partnerCenter.microsoft.accept(await referralOf(deals[n % deals.length]), { msxId: `7-COST${n}` }),
    },
    {
      name: "no-op: seller saves without changing anything synced",
      run: async (n) => env.seller.update("opportunities", deals[n % deals.length], { estimatedvalue: 50_000 + n }),
    },
    {
      name: "no-op: Partner Center reports a change to nothing synced",
      run: async (n) => void env.partnerCenter.microsoft.update(incoming[n % incoming.length], { details: { dealValue: 70_000 + n } }),
    },
  ];
}

function snapshot(env: Environment): Cost {
  const pc: CallCounts = env.partnerCenterProxy.counts();
  const dv: CallCounts = env.dataverseProxy.counts();
  return { pcReads: pc.reads, pcWrites: pc.writes, dvReads: dv.reads, dvWrites: dv.writes, events: env.gateway.stats().received };
}
