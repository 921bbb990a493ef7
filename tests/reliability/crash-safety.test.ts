/**
 * Crash safety: the relay runs as its own process on PostgreSQL and is killed with SIGKILL (no
 * shutdown, jobs cut off mid-write) at random points while 200 syncs are under way, then started
 * again. Webhooks that arrive while it is down fail and are retried by the platforms or found by
 * the reconcile sweep. Nothing may be duplicated, and nothing lost: every deal is synced, or its
 * job is still in the queue to be run again.
 */
import { LeadColumns, OpportunityColumns } from "@cosell/core";
import { openDatabase } from "../../relay/src/db/database";
import { crmRecordsByReferral, listAll, microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity } from "./support/deals";
import { startEnvironment, until, type Environment } from "./support/environment";
import { mulberry32 } from "./support/random";

const SYNCS = 200;
const KILLS = 3;
/** How long a restarted relay may take to finish what the crashes interrupted. */
/**
 * How long the relays get to finish the backlog after the last restart. Not a performance bound
 * (the figure is printed; it is some 15 s): long enough for a loaded machine, far too short for
 * work that waits on a dead relay's 15-minute job expiry.
 */
const CATCH_UP_MS = 90_000;

interface Outcome {
  lost: string[];
  duplicated: string[];
  /** Deals not synced yet whose job is still queued (to run again). */
  waiting: string[];
  caughtUpMs?: number;
}

describe("crash safety: SIGKILL during 200 syncs", () => {
  let env: Environment;
  const random = mulberry32(7_031_977);
  const opportunities: string[] = [];
  const incoming: string[] = [];
  let kills = 0;
  let outcome: Outcome;

  /** Deals synced once, more than once, or not at all. */
  async function tally(): Promise<{ synced: string[]; missing: string[]; duplicated: string[] }> {
    const synced: string[] = [];
    const missing: string[] = [];
    const duplicated: string[] = [];
    for (const id of opportunities) {
      const referrals = referralsOfOpportunity(env, id);
      const row = await env.seller.get("opportunities", id, [OpportunityColumns.referralId]);
      if (referrals.length > 1) duplicated.push(`opportunity ${id}: ${referrals.length} referrals`);
      if (referrals.length === 1 && row[OpportunityColumns.referralId] === referrals[0].id) synced.push(id);
      else if (referrals.length === 0 || !row[OpportunityColumns.referralId]) missing.push(id);
    }
    const records = await crmRecordsByReferral(env);
    for (const id of incoming) {
      const count = records.get(id.toLowerCase()) ?? 0;
      if (count > 1) duplicated.push(`referral ${id}: ${count} CRM records`);
      if (count === 1) synced.push(id);
      else missing.push(id);
    }
    return { synced, missing, duplicated };
  }

  /** Records whose job is queued, retrying or running. */
  async function queued(): Promise<Set<string>> {
    const db = await openDatabase({ databaseUrl: String(env.env.DATABASE_URL), maxConnections: 1 });
    try {
      const { rows } = await db.query<{ key: string }>("select data->>'opportunityId' as key from pgboss.job where name = 'push-opportunity' and state in ('created', 'retry', 'active') union select data->>'referralId' from pgboss.job where name = 'pull-referral' and state in ('created', 'retry', 'active')");
      return new Set(rows.map((r) => r.key.toLowerCase()));
    } finally {
      await db.close();
    }
  }

  beforeAll(async () => {
    env = await startEnvironment({
      relay: "process",
      database: "postgres",
      random,
      relaySettings: { COSELL_QUEUE_BATCH_SIZE: "10" },
      // Minutes of a busy tenant's work happen here in seconds; throttling has its own test (platform faults).
      dataverseLimits: { maxRequests: 100_000 },
    });
    const setup = await prepareSeller(env);
    const killAt = new Set<number>();
    while (killAt.size < KILLS) killAt.add(20 + Math.floor(random() * (SYNCS - 40)));

    const restarts: Promise<void>[] = [];
    for (let n = 0; n < SYNCS; n++) {
      if (killAt.has(n)) {
        await env.killRelays();
        kills++;
        // Started again in the background while sellers and Microsoft carry on.
        restarts.push(env.startRelays());
      }
      if (n % 2 === 0) opportunities.push(await shareCoSellOpportunity(env, setup, n));
      else incoming.push(microsoftSendsReferral(env, n));
    }
    await Promise.all(restarts);
    const restartedAt = Date.now();
    // What the webhooks of the downtime would have said, the sweep finds.
    await env.reconcile();
    const caughtUp = await until(async () => (await tally()).missing.length === 0, "every deal synced", CATCH_UP_MS, 1_000).then(
      () => true,
      () => false,
    );
    const { missing, duplicated } = await tally();
    const inQueue = await queued();
    outcome = {
      lost: missing.filter((id) => !inQueue.has(id.toLowerCase())),
      duplicated,
      waiting: missing.filter((id) => inQueue.has(id.toLowerCase())),
      caughtUpMs: caughtUp ? Date.now() - restartedAt : undefined,
    };
    const leads = await listAll(env, "leads", `?$select=leadid&$filter=${LeadColumns.referralId} ne null`);
    console.log(
      `crash safety: ${SYNCS} syncs, ${kills} SIGKILLs, lost ${outcome.lost.length}, duplicated ${outcome.duplicated.length}, ` +
        `still waiting in the queue ${outcome.waiting.length}, ${leads.length} leads for ${incoming.length} incoming referrals, ` +
        `${env.dataverseProxy.counts().total} Dataverse requests (${env.dataverseProxy.counts().byStatus[429] ?? 0} throttled), ` +
        (caughtUp ? `caught up ${Math.round(outcome.caughtUpMs! / 1000)} s after the last restart` : `not caught up ${CATCH_UP_MS / 1000} s after the last restart`),
    );
  });
  afterAll(async () => {
    expect(env.leakedSecrets()).toEqual([]);
    await env?.stop();
  });

  it("duplicates nothing and loses nothing: every deal is synced or still queued", () => {
    expect(kills).toBe(KILLS);
    expect({ lost: outcome.lost, duplicated: outcome.duplicated }).toEqual({ lost: [], duplicated: [] });
  });

  // A job cut off by the kill stays "active" until it expires, and with the stately policy any
  // newer job for the same record makes every fetch of its queue fail meanwhile, so the whole
  // queue waits. Heartbeats keep that wait to some ten seconds (then the job is retried, and the
  // dead holder's record leases have expired too), instead of the job's whole run limit.
  it("catches up by itself after the last restart: no work waits on a killed relay", () => {
    expect(outcome.waiting).toEqual([]);
    expect(outcome.caughtUpMs).toBeDefined();
  });
});
