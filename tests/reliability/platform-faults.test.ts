/**
 * Both platforms misbehave the way they do in production: 429 storms with Retry-After, bursts of
 * 5xx, requests that time out, and 412s from sellers and Microsoft editing the same deals while the
 * relay writes them. While a fault lasts less than the retry horizon, everything ends synced and
 * nothing is dead-lettered. A fault that outlasts it leaves dead letters that the seller sees in
 * Audit and the admin sees in `doctor`; `dead-letter retry` finishes them once the fault is gone.
 */
import { OpportunityColumns, parseAuditLog, SyncStatusOptions } from "@cosell/core";
import { crmRecordsByReferral, microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity, type SellerSetup } from "./support/deals";
import { startEnvironment, until, type Environment } from "./support/environment";
import { mulberry32 } from "./support/random";

describe("platform faults", () => {
  let env: Environment;
  let setup: SellerSetup;

  beforeAll(async () => {
    env = await startEnvironment({
      database: "postgres",
      random: mulberry32(4_242),
      // A short retry horizon so "beyond it" fits in the suite: two job retries 1 and 2 s apart.
      relaySettings: { COSELL_QUEUE_RETRY_LIMIT: "2", COSELL_QUEUE_RETRY_DELAY_SECONDS: "1" },
      clients: {
        // The clients' own attempts as shipped (6 and 5), with shorter waits between them.
        partnerCenter: { requestTimeoutMs: 1_500, retry: { maxAttempts: 6, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalWaitMs: 10_000 } },
        dataverseRetry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1_000, maxTotalWaitMs: 10_000 },
      },
    });
    setup = await prepareSeller(env);
  });
  afterAll(async () => {
    expect(env.leakedSecrets()).toEqual([]);
    await env?.stop();
  });

  it("within the retry horizon, 429 storms, 5xx bursts, timeouts and 412 races all end synced, nothing dead-lettered", async () => {
    const pc = env.partnerCenter;
    const deals = new Map<string, { value: number }>();
    const incoming: string[] = [];

    // Partner Center: a 429 storm, then a third of the calls fail with 503, and some never answer in time.
    pc.faults.set({ throttle: { remaining: 25, retryAfterSeconds: 1 }, errors: { rate: 0.3, status: 503, retryAfterSeconds: 0 } });
    env.partnerCenterProxy.stallNext(6, 2_000);
    // Dataverse: a 429 storm with Retry-After and a 503 burst, on calls only the relay makes (sellers carry on).
    const throttled = { status: 429, code: "0x80072322", message: "Number of requests exceeded the limit of 6000 over time window of 300 seconds.", retryAfter: 1 };
    env.dataverse.faults.inject({ ...throttled, method: "GET", path: /^opportunities\(/, times: 10 });
    env.dataverse.faults.inject({ ...throttled, method: "POST", path: /^leads$/, times: 5 });
    env.dataverse.faults.inject({ method: "GET", path: /^leads$/, status: 503, message: "Service Unavailable", times: 8 });
    // 412 races: just before the relay's write lands, someone else edits the same record.
    const raced = { referrals: new Set<string>(), opportunities: new Set<string>() };
    env.partnerCenterProxy.intercept = (method, path) => {
      const id = /\/referrals\/([0-9a-f-]{36})$/i.exec(path)?.[1];
      if (method !== "PATCH" || !id || raced.referrals.size >= 6 || raced.referrals.has(id)) return;
      raced.referrals.add(id);
      const referral = pc.referrals.get(id);
      pc.microsoft.update(id, { details: { notes: String((referral?.details as { notes?: string } | undefined)?.notes ?? "") } });
    };
    env.dataverseProxy.intercept = async (method, path) => {
      const id = /opportunities\(([0-9a-f-]{36})\)/i.exec(path)?.[1]?.toLowerCase();
      const deal = id ? deals.get(id) : undefined;
      if (method !== "PATCH" || !id || !deal || raced.opportunities.size >= 6 || raced.opportunities.has(id)) return;
      raced.opportunities.add(id);
      deal.value += 100;
      await env.seller.update("opportunities", id, { estimatedvalue: deal.value });
    };

    for (let n = 0; n < 8; n++) {
      const value = 10_100 + n;
      const id = await shareCoSellOpportunity(env, setup, 100 + n, { estimatedvalue: value });
      deals.set(id, { value });
      incoming.push(microsoftSendsReferral(env, 100 + n));
    }
    await until(async () => [...deals.keys()].every((id) => referralsOfOpportunity(env, id).length > 0), "every deal in Partner Center", 60_000);
    // The burst ends; the storm ended when its 25 answers were used up.
    pc.faults.reset();
    // Sellers keep editing while the relay works through the faults.
    for (const [id, deal] of deals) {
      deal.value += 1_000;
      await env.seller.update("opportunities", id, { estimatedvalue: deal.value });
    }
    await env.settled(90_000);
    env.partnerCenterProxy.intercept = undefined;
    env.dataverseProxy.intercept = undefined;

    const problems: string[] = [];
    for (const [id, deal] of deals) {
      const [referral, ...extra] = referralsOfOpportunity(env, id);
      if (extra.length) problems.push(`${id} has ${extra.length + 1} referrals`);
      const dealValue = (referral.details as { dealValue?: number }).dealValue;
      if (dealValue !== deal.value) problems.push(`${id}: referral deal value ${dealValue}, seller saved ${deal.value}`);
      const row = await env.seller.get("opportunities", id, [OpportunityColumns.syncStatus]);
      if (row[OpportunityColumns.syncStatus] !== SyncStatusOptions.Synced) problems.push(`${id}: sync status ${String(row[OpportunityColumns.syncStatus])}`);
    }
    const records = await crmRecordsByReferral(env);
    for (const id of incoming) if (records.get(id.toLowerCase()) !== 1) problems.push(`referral ${id} has ${records.get(id.toLowerCase()) ?? 0} CRM records`);

    const pcStatus = (status: number) => Object.values(pc.counters.snapshot()).reduce((sum, byStatus) => sum + (byStatus[status] ?? 0), 0);
    const dv = env.dataverseProxy.counts();
    const timeouts = env.partnerCenterProxy.counts().abandoned;
    const letters = await env.relay!.queue.deadLetters();
    const deadLetters = letters.length;
    for (const letter of letters) console.log(`dead letter ${letter.queue} ${JSON.stringify(letter.data)}: ${letter.error}`);
    console.log(
      `platform faults: ${deals.size + incoming.length} deals; Partner Center answered 429 ×${pcStatus(429)}, 503 ×${pcStatus(503)}, 412 ×${pcStatus(412)}, ` +
        `timed out ×${timeouts}; Dataverse answered 429 ×${dv.byStatus[429] ?? 0}, 503 ×${dv.byStatus[503] ?? 0}, 412 ×${dv.byStatus[412] ?? 0}; ` +
        `dead letters ${deadLetters}; mismatches ${problems.length}`,
    );
    expect({ throttled: pcStatus(429) > 0 && (dv.byStatus[429] ?? 0) > 0, unavailable: pcStatus(503) > 0 && (dv.byStatus[503] ?? 0) > 0, timeouts: timeouts > 0 }).toEqual({ throttled: true, unavailable: true, timeouts: true });
    expect({ partnerCenter: pcStatus(412) > 0, dataverse: (dv.byStatus[412] ?? 0) > 0 }).toEqual({ partnerCenter: true, dataverse: true });
    expect(problems).toEqual([]);
    expect(deadLetters).toBe(0);
  });

  it("beyond it, dead letters show in Audit and doctor, and dead-letter retry finishes them", async () => {
    env.partnerCenter.faults.set({ errors: { rate: 1, status: 503, retryAfterSeconds: 0 } });
    const deals: string[] = [];
    for (let n = 0; n < 3; n++) deals.push(await shareCoSellOpportunity(env, setup, 200 + n));
    // Each deal may leave more than one dead letter (its create and its update were both notified).
    const deadLettered = async () => new Set((await env.relay!.queue.deadLetters()).map((l) => ("opportunityId" in l.data ? l.data.opportunityId : "")));
    await until(async () => (await deadLettered()).size >= deals.length && (await env.pendingJobs()) === 0, "the pushes to be dead-lettered", 60_000);
    expect([...(await deadLettered())].sort()).toEqual([...deals].sort());
    const letters = await env.relay!.queue.deadLetters();

    // The seller sees it on the record.
    for (const id of deals) {
      const row = await until(async () => {
        const current = await env.seller.get("opportunities", id);
        return current[OpportunityColumns.syncStatus] === SyncStatusOptions.Error && current;
      }, "Sync Status Error on the opportunity");
      const [latest] = parseAuditLog(String(row[OpportunityColumns.audit]));
      expect(latest).toMatchObject({ kind: "entry", outcome: "error", message: expect.stringContaining("failed after every retry") });
      expect(latest.kind === "entry" && latest.fix).toContain("cosell-relay dead-letter retry");
      expect(String(row.name)).toMatch(/✖$/);
    }
    // The admin sees it in doctor and in the dead-letter list.
    const doctor = await env.cli(["doctor"]);
    expect(doctor.out).toMatch(new RegExp(`^warn\\s+Job queue: ${letters.length} dead-lettered job`, "m"));
    const list = await env.cli(["dead-letter", "list"]);
    expect(list.code).toBe(0);
    for (const id of deals) expect(list.out).toContain(`opportunity ${id}`);

    // The cause goes away; the admin retries; the relay finishes them.
    env.partnerCenter.faults.reset();
    const retry = await env.cli(["dead-letter", "retry", "--all"]);
    expect(retry).toMatchObject({ code: 0, out: expect.stringContaining(`Put ${letters.length} jobs back on the queue`) });
    await env.settled(60_000);
    for (const id of deals) {
      expect(referralsOfOpportunity(env, id)).toHaveLength(1);
      expect((await env.seller.get("opportunities", id, [OpportunityColumns.syncStatus]))[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
    }
    expect(await env.relay!.queue.deadLetters()).toEqual([]);
    console.log(`platform faults beyond the horizon: ${deals.length} deals, ${letters.length} dead letters shown in Audit and doctor, all finished by dead-letter retry`);
  });
});
