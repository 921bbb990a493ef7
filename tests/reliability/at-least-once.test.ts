/**
 * At-least-once delivery, as both platforms give it: every webhook reaches the relay one to three
 * times, late and out of order, and some never arrive. Sellers share and edit deals while
 * Microsoft sends, edits and accepts referrals. With the reconcile sweep on, the end state equals
 * what each side last said, with no duplicate referral, lead or opportunity.
 */
import { LeadColumns, OpportunityColumns, SyncStatusOptions } from "@cosell/core";
import { crmRecordsByReferral, listAll, microsoftSendsReferral, prepareSeller, referralsOfOpportunity, shareCoSellOpportunity } from "./support/deals";
import { startEnvironment, until, type Environment } from "./support/environment";
import { mulberry32 } from "./support/random";

const SHARED = 15;
const INCOMING = 15;
const ACCEPTED = 4;

describe("at-least-once chaos: duplicated, reordered and lost webhooks", () => {
  let env: Environment;
  const random = mulberry32(20_240_601);

  beforeAll(async () => {
    // PGlite, the default single-node deployment; the other files run on PostgreSQL.
    env = await startEnvironment({ random });
  });
  afterAll(async () => {
    expect(env.leakedSecrets()).toEqual([]);
    await env?.stop();
  });

  it("ends equal to the oracle: nothing lost, nothing duplicated", async () => {
    const setup = await prepareSeller(env);
    env.gateway.chaos = { dropRate: 0.15, maxCopies: 3, maxDelayMs: 1_500 };

    // Sellers share deals and keep editing them; Microsoft sends referrals and edits them.
    const opportunities: { id: string; value: number }[] = [];
    const incoming: { id: string; value: number; notes: string }[] = [];
    for (let n = 0; n < Math.max(SHARED, INCOMING); n++) {
      if (n < SHARED) opportunities.push({ id: await shareCoSellOpportunity(env, setup, n), value: 10_000 + n });
      if (n < INCOMING) incoming.push({ id: microsoftSendsReferral(env, n), value: 5_000 + n, notes: "" });
    }
    for (const deal of opportunities) {
      deal.value += 2_500;
      await env.seller.update("opportunities", deal.id, { estimatedvalue: deal.value });
    }
    for (const referral of incoming) {
      referral.value += 1_000;
      referral.notes = `Customer asked for a second workshop (${referral.id.slice(0, 8)}).`;
      env.partnerCenter.microsoft.update(referral.id, { details: { dealValue: referral.value, notes: referral.notes } });
    }
    // Microsoft takes up some of the co-sell deals once they reach Partner Center.
    const accepted = new Map<string, string>();
    for (const deal of opportunities.slice(0, ACCEPTED)) {
      const [referral] = await until(async () => referralsOfOpportunity(env, deal.id).length > 0 && referralsOfOpportunity(env, deal.id), `the referral of ${deal.id}`, 60_000);
      const msxId = `7-CHAOS${accepted.size}`;
      env.partnerCenter.microsoft.accept(String(referral.id), { msxId });
      accepted.set(deal.id, msxId);
    }

    // The sweep finds what the lost webhooks would have said.
    await env.settled(90_000);
    await env.reconcile();
    await env.settled(90_000);

    const stats = env.gateway.stats();
    const problems: string[] = [];
    let lost = 0;
    let duplicates = 0;

    for (const deal of opportunities) {
      const referrals = referralsOfOpportunity(env, deal.id);
      if (referrals.length === 0) lost++;
      if (referrals.length > 1) duplicates += referrals.length - 1;
      const row = await env.seller.get("opportunities", deal.id);
      const referral = referrals[0];
      if (!referral) continue;
      if (row[OpportunityColumns.referralId] !== referral.id) problems.push(`opportunity ${deal.id} links ${String(row[OpportunityColumns.referralId])}, not ${String(referral.id)}`);
      if ((referral.details as { dealValue?: number }).dealValue !== deal.value) problems.push(`referral ${String(referral.id)} has deal value ${(referral.details as { dealValue?: number }).dealValue}, the seller last saved ${deal.value}`);
      if (row[OpportunityColumns.syncStatus] !== SyncStatusOptions.Synced) problems.push(`opportunity ${deal.id} has sync status ${String(row[OpportunityColumns.syncStatus])}`);
      const msxId = accepted.get(deal.id);
      if (msxId && row[OpportunityColumns.microsoftCrmId] !== msxId) problems.push(`opportunity ${deal.id} has Microsoft CRM id ${String(row[OpportunityColumns.microsoftCrmId])}, Microsoft set ${msxId}`);
    }

    const records = await crmRecordsByReferral(env);
    const leads = await listAll(env, "leads", `?$select=${LeadColumns.referralId},budgetamount,description&$filter=${LeadColumns.referralId} ne null`);
    for (const referral of incoming) {
      const count = records.get(referral.id.toLowerCase()) ?? 0;
      if (count === 0) lost++;
      if (count > 1) duplicates += count - 1;
      const lead = leads.find((row) => String(row[LeadColumns.referralId]).toLowerCase() === referral.id.toLowerCase());
      if (!lead) continue;
      if (lead.budgetamount !== referral.value) problems.push(`lead of ${referral.id} has budget ${String(lead.budgetamount)}, Microsoft last sent ${referral.value}`);
      if (lead.description !== referral.notes) problems.push(`lead of ${referral.id} has notes "${String(lead.description)}", Microsoft last sent "${referral.notes}"`);
    }
    // Nothing the oracle does not know about: one link per shared deal, one record per incoming referral.
    const unexpected = [...records.keys()].filter((id) => !incoming.some((r) => r.id.toLowerCase() === id) && !opportunities.some((d) => referralsOfOpportunity(env, d.id).some((r) => String(r.id).toLowerCase() === id)));

    console.log(
      `at-least-once chaos: ${SHARED + INCOMING} deals, ${stats.received} webhook deliveries, ${stats.forwarded} copies handed on ` +
        `(${stats.duplicated} duplicates, ${stats.dropped} dropped), lost ${lost}, duplicated ${duplicates}, unexpected ${unexpected.length}, mismatches ${problems.length}`,
    );
    expect(stats.dropped).toBeGreaterThan(0);
    expect(stats.duplicated).toBeGreaterThan(0);
    expect({ lost, duplicates, unexpected, problems }).toEqual({ lost: 0, duplicates: 0, unexpected: [], problems: [] });
    expect(await env.relay!.queue.deadLetters()).toEqual([]);
  });
});
