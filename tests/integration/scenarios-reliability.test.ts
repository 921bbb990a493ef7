/**
 * Nothing lost, nothing duplicated (ARCHITECTURE.md "Data flow"): duplicate and out-of-order
 * signals, a crash between creating a referral and recording it, concurrent writers (412), a
 * throttling burst (429), a relay that is down while signals arrive, a lost webhook, and a job that
 * fails until an administrator retries it from the dead-letter queue.
 */
import { OpportunityColumns, SyncStatusOptions, parseAuditLog } from "@cosell/core";
import { QueueNames } from "../../relay/src/jobs/queue";
import type { PartnerCenterPort } from "../../relay/src/sync";
import { attachSolution, createCustomer, draftCoSellOpportunity, opportunity } from "./support/deals";
import { until, type SyncHarness } from "./support/harness";
import { reportAndStop, startScenario } from "./support/scenario";

/** Lets a test make something happen in the middle of the engine's next create or patch. */
class Interceptor {
  beforePatch?: () => Promise<void> | void;
  afterCreate?: () => Promise<void> | void;

  wrap = (port: PartnerCenterPort): PartnerCenterPort => ({
    ...port,
    patch: async (id, operations, eTag) => {
      const hook = this.beforePatch;
      this.beforePatch = undefined;
      await hook?.();
      return port.patch(id, operations, eTag);
    },
    create: async (body) => {
      const created = await port.create(body);
      const hook = this.afterCreate;
      this.afterCreate = undefined;
      await hook?.();
      return created;
    },
  });
}

describe("reliability", () => {
  let h: SyncHarness;
  let solutionRowId: string;
  const interceptor = new Interceptor();

  beforeAll(async () => {
    ({ h, solutionRowId } = await startScenario({ wrapPartnerCenter: interceptor.wrap, queue: { retryLimit: 2, retryDelaySeconds: 1 } }));
  });
  reportAndStop(() => h);

  let counter = 0;
  async function readyOpportunity(name: string, sync = false): Promise<string> {
    counter++;
    const customer = await createCustomer(h.seller, { name: `${name} Ltd`, address1_postalcode: `9${counter}000`, address1_country: "US" }, { firstname: "Pat", lastname: `Contact${counter}`, emailaddress1: `pat${counter}@${name.toLowerCase().replace(/\W/g, "")}.example` });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    if (sync) await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    return opportunityId;
  }

  const referralsOf = (opportunityId: string) =>
    h.partnerCenter.referrals.list().filter((r) => r.externalReferenceId === opportunityId && !JSON.stringify(r.target ?? []).includes("msft"));

  it("duplicate signals for one opportunity, queued and run side by side, create one referral", async () => {
    const opportunityId = await readyOpportunity("Duplicate Signals");
    // Sync = Yes arrives while the form's "sync now", a replayed notification and a reconcile all push the same record.
    await h.admin.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    const user = { objectId: h.sellerObjectId };
    await Promise.all([
      h.engine.syncOpportunityNow(opportunityId, user),
      h.engine.pushOpportunity({ opportunityId, reason: "replayed notification" }),
      h.engine.pushOpportunity({ opportunityId, reason: "replayed notification" }),
      ...Array.from({ length: 3 }, () => h.queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId, reason: "duplicate webhook" } })),
    ]);
    await h.settled();
    expect(referralsOf(opportunityId)).toHaveLength(1);
    const [referral] = referralsOf(opportunityId);
    expect(h.partnerCenter.referrals.list().filter((r) => r.engagementId === referral.engagementId)).toHaveLength(2);
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId]).toBe(referral.id);

    // Echoes of what was just synced are read and dropped: neither side is written again.
    const rowVersion = (await opportunity(h.seller, opportunityId))["@odata.etag"];
    const eTag = (await h.referral(String(referral.id))).eTag;
    await Promise.all([
      h.engine.pullReferral({ referralId: String(referral.id), reason: "referral-updated (echo)" }),
      h.engine.pullReferral({ referralId: String(referral.id), reason: "referral-updated (echo)" }),
      h.engine.pushOpportunity({ opportunityId, reason: "dataverse Update (echo)" }),
    ]);
    await h.settled();
    expect((await opportunity(h.seller, opportunityId))["@odata.etag"]).toBe(rowVersion);
    expect((await h.referral(String(referral.id))).eTag).toBe(eTag);
  });

  it("duplicate and out-of-order referral events create one lead holding the latest values", async () => {
    h.partnerCenter.faults.dropNextDeliveries(2);
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Out of order", details: { dealValue: 1000 } } });
    const referralId = String(incoming.id);
    h.partnerCenter.microsoft.update(referralId, { details: { dealValue: 2000 } });
    // The update's event arrives first, then the create's, several times, some at once.
    await h.engine.pullReferral({ referralId, reason: "referral-updated" });
    await Promise.all([
      h.engine.pullReferral({ referralId, reason: "referral-created" }),
      h.engine.pullReferral({ referralId, reason: "referral-created (redelivered)" }),
      h.queue.enqueue({ queue: QueueNames.pullReferral, data: { referralId, reason: "referral-created (redelivered)" } }),
    ]);
    await h.settled();
    const leads = await h.admin.list("leads", `?$filter=cosell_referralid eq '${referralId}'`);
    expect(leads).toHaveLength(1);
    expect(leads[0].budgetamount).toBe(2000);
  });

  it("a crash right after Partner Center created the referral does not create a second one", async () => {
    const opportunityId = await readyOpportunity("Crash After Create");
    interceptor.afterCreate = () => {
      throw new Error("the relay process died");
    };
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the retry to record the referral");
    await h.settled();
    expect(referralsOf(opportunityId)).toHaveLength(1);
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId]).toBe(referralsOf(opportunityId)[0].id);
  });

  it("a concurrent change in Partner Center (412) is re-read and merged; both changes stand", async () => {
    const opportunityId = await readyOpportunity("Race 412", true);
    const referralId = String(await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the referral"));
    await h.settled();

    interceptor.beforePatch = () => {
      // Someone edits the referral in Partner Center between the relay's read and its write.
      h.partnerCenter.microsoft.update(referralId, { name: "Race 412 (renamed in Partner Center)" });
    };
    const stale = () => h.partnerCenter.counters.count("PATCH", "/v1.0/engagements/referrals/:id", 412);
    const staleBefore = stale();
    await h.seller.update("opportunities", opportunityId, { estimatedvalue: 99000 });
    await until(async () => (await h.referral(referralId)).details?.dealValue === 99000, "the deal value after the 412");
    await h.settled();
    expect(stale() - staleBefore).toBe(1);
    expect(h.logs.filter((line) => line.includes("push failed"))).toEqual([]);
    const referral = await h.referral(referralId);
    expect(referral.name).toBe("Race 412 (renamed in Partner Center)");
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
  });

  it("a burst of 429s with Retry-After is waited out and the change still arrives", async () => {
    const opportunityId = await readyOpportunity("Throttled", true);
    const referralId = String(await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the referral"));
    await h.settled();

    h.partnerCenter.faults.throttleNext(4, 1);
    const before = h.partnerCenterClient.stats().throttles;
    await h.seller.update("opportunities", opportunityId, { description: "Changed during a throttling burst." });
    await until(async () => (await h.referral(referralId)).details?.notes === "Changed during a throttling burst.", "the notes after the burst", 60_000);
    await h.settled();
    expect(h.partnerCenterClient.stats().throttles - before).toBeGreaterThanOrEqual(3);
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
  });

  it("work queued while the relay's workers are down is done after a restart", async () => {
    const opportunityId = await readyOpportunity("Restart", true);
    const referralId = String(await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the referral"));
    await h.settled();

    await h.stopWorkers();
    await h.startWorkers({ work: false });
    await h.seller.update("opportunities", opportunityId, { estimatedvalue: 123456 });
    await until(async () => (await h.pendingJobs()) > 0, "the change to be queued");
    await h.dataverse.webhooks.idle();
    expect((await h.referral(referralId)).details?.dealValue).toBe(50000);

    await h.stopWorkers();
    await h.startWorkers();
    await until(async () => (await h.referral(referralId)).details?.dealValue === 123456, "the queued change after the restart");
    await h.settled();
  });

  it("reconcile repairs a change whose webhook was lost", async () => {
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Lost webhook", details: { dealValue: 5000 } } });
    const referralId = String(incoming.id);
    const lead = await until(async () => (await h.admin.list("leads", `?$filter=cosell_referralid eq '${referralId}'`))[0], "the lead");
    await h.settled();

    h.partnerCenter.faults.dropNextDeliveries(1);
    h.partnerCenter.microsoft.update(referralId, { details: { dealValue: 7500, notes: "Updated while the webhook was lost." } });
    await h.settled();
    expect((await h.admin.get("leads", String(lead.leadid))).budgetamount).toBe(5000);

    await h.engine.reconcile({ reason: "schedule" });
    await until(async () => (await h.admin.get("leads", String(lead.leadid))).budgetamount === 7500, "reconcile to repair the lead");
    await h.settled();
  });

  it("a job that fails every retry says so on the record, and a dead-letter retry finishes it", async () => {
    const opportunityId = await readyOpportunity("Dead Letter", true);
    const referralId = String(await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the referral"));
    await h.settled();

    h.partnerCenter.faults.set({ errors: { rate: 1, status: 503, retryAfterSeconds: 0 } });
    await h.seller.update("opportunities", opportunityId, { estimatedvalue: 31337 });
    const failed = await until(async () => {
      const row = await opportunity(h.seller, opportunityId);
      return row[OpportunityColumns.syncStatus] === SyncStatusOptions.Error ? row : undefined;
    }, "the dead-lettered push to show on the record", 90_000);
    expect(failed.name).toBe("Dead Letter ✖");
    const [entry] = parseAuditLog(String(failed[OpportunityColumns.audit]));
    expect(entry).toMatchObject({ outcome: "error", fix: expect.stringContaining("cosell-relay dead-letter retry") });
    const letters = await until(async () => {
      const found = (await h.queue.deadLetters()).filter((l) => "opportunityId" in l.data && l.data.opportunityId === opportunityId);
      return found.length ? found : undefined;
    }, "the dead letter");

    h.partnerCenter.faults.reset();
    expect(await h.queue.retryDeadLetter(letters[0].id)).toBe(true);
    await until(async () => (await h.referral(referralId)).details?.dealValue === 31337, "the retried push");
    await h.settled();
    const healed = await opportunity(h.seller, opportunityId);
    expect(healed[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
    expect(healed.name).toBe("Dead Letter ✔");
  });
});
