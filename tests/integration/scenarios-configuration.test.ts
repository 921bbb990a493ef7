/**
 * PRODUCT.md §6 scenarios 6 and 7: the documented customisations by environment variable alone
 * (check mark off, another deal value column, another country code column), a wrong setting told
 * on the record with its fix, and the same solution and relay run against staging, then production.
 */
import { EnvironmentVariables, OpportunityColumns, SyncStatusOptions, parseAuditLog } from "@cosell/core";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../../emulators/partner-center/src";
import { addCatalogSolution, attachSolution, completeSellerProfile, createCustomer, draftCoSellOpportunity, opportunity } from "./support/deals";
import { startSyncHarness, until, type SyncHarness } from "./support/harness";
import { everyDatabase, reportAndStop, startScenario } from "./support/scenario";

const referralIdOf = async (h: SyncHarness, opportunityId: string) =>
  String(await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the referral id on the opportunity"));

describe.each(everyDatabase)("scenario 6: customisation by environment variables, relay on %s", (database) => {
  let h: SyncHarness;
  let solutionRowId: string;

  beforeAll(async () => {
    ({ h, solutionRowId } = await startScenario({ database }));
  });
  reportAndStop(() => h);

  it("check mark off, deal value from budgetamount and country code from address2_country apply without redeploying", async () => {
    await h.setEnvironmentVariable(EnvironmentVariables.displayCheckMark.schemaName, "no");
    await h.setEnvironmentVariable(EnvironmentVariables.dealValueField.schemaName, "budgetamount");
    await h.setEnvironmentVariable(EnvironmentVariables.countryCodeField.schemaName, "address2_country");
    // Another deal value column is another column for Dataverse to report changes of: the admin runs
    // "cosell-relay dataverse register-webhook" again (doctor asks for it); until then edits of only
    // that column reach Partner Center with the reconcile sweep.
    await h.registerWebhooks();

    const customer = await createCustomer(
      h.seller,
      { name: "Margie's Travel", address1_country: "United States", address2_country: "US", address1_postalcode: "98004" },
      { firstname: "Margie", lastname: "Shoop", emailaddress1: "margie@margiestravel.example" },
    );
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Margie's Travel booking engine", estimatedvalue: 1, budgetamount: 88000 });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    const referralId = await referralIdOf(h, opportunityId);
    await h.settled();

    const referral = await h.referral(referralId);
    expect(referral.details?.dealValue).toBe(88000);
    expect(referral.customerProfile?.address?.country).toBe("US");
    const shared = await opportunity(h.seller, opportunityId);
    expect(shared.name).toBe("Margie's Travel booking engine");
    expect(shared[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);

    // Partner Center's deal value comes back into the configured column, not into estimatedvalue.
    h.partnerCenter.microsoft.update(referralId, { details: { dealValue: 91000 } });
    await until(async () => (await opportunity(h.seller, opportunityId)).budgetamount === 91000, "the deal value in budgetamount");
    await h.settled();
    expect((await opportunity(h.seller, opportunityId)).estimatedvalue).toBe(1);

    // Check mark back on: the next sync marks the name.
    await h.setEnvironmentVariable(EnvironmentVariables.displayCheckMark.schemaName, "yes");
    await h.seller.update("opportunities", opportunityId, { budgetamount: 92000 });
    await until(async () => (await opportunity(h.seller, opportunityId)).name === "Margie's Travel booking engine ✔", "the check mark");
    await h.settled();
    expect((await h.referral(referralId)).details?.dealValue).toBe(92000);
  });

  it("a wrong setting stops the sync and says on the record which variable to fix and how", async () => {
    await h.setEnvironmentVariable(EnvironmentVariables.dealValueField.schemaName, "estimatedvalue");
    await h.setEnvironmentVariable(EnvironmentVariables.countryCodeField.schemaName, null);
    const customer = await createCustomer(h.seller, { name: "Lucerne Publishing", address1_country: "CH", address1_postalcode: "6003" }, { firstname: "Lu", lastname: "Cerne", emailaddress1: "lu@lucerne.example" });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Lucerne print pipeline" });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    const referralId = await referralIdOf(h, opportunityId);
    await h.settled();
    const eTag = (await h.referral(referralId)).eTag;

    await h.setEnvironmentVariable(EnvironmentVariables.dealValueField.schemaName, "Est. Revenue");
    await h.seller.update("opportunities", opportunityId, { estimatedvalue: 60000 });
    const broken = await until(async () => {
      const row = await opportunity(h.seller, opportunityId);
      return row[OpportunityColumns.syncStatus] === SyncStatusOptions.Error ? row : undefined;
    }, "the configuration error on the record");
    await h.settled();
    const [entry] = parseAuditLog(String(broken[OpportunityColumns.audit]));
    expect(entry).toMatchObject({ outcome: "error", message: expect.stringContaining("cosell_DealValueField"), fix: expect.stringMatching(/logical name/) });
    expect((await h.referral(referralId)).eTag).toBe(eTag);

    await h.setEnvironmentVariable(EnvironmentVariables.dealValueField.schemaName, "cosell_nosuchcolumn");
    const answer = await h.engine.syncOpportunityNow(opportunityId, { objectId: h.sellerObjectId });
    expect(answer.outcome).toBe("invalid");
    expect(answer.message).toMatch(/cosell_nosuchcolumn does not exist on opportunity/);
    expect((await h.referral(referralId)).eTag).toBe(eTag);

    await h.setEnvironmentVariable(EnvironmentVariables.dealValueField.schemaName, "estimatedvalue");
    const fixed = await h.engine.syncOpportunityNow(opportunityId, { objectId: h.sellerObjectId });
    expect(fixed.outcome).toBe("synced");
    expect((await h.referral(referralId)).details?.dealValue).toBe(60000);
    await h.settled();
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
  });
});

describe.each(everyDatabase)("scenario 7: staging first, then production, relay on %s", (database) => {
  let partnerCenter: PartnerCenterEmulator;
  let staging: SyncHarness | undefined;
  let production: SyncHarness | undefined;

  beforeAll(async () => {
    partnerCenter = await startPartnerCenterEmulator({ webhooks: { retryIntervalMs: 200 } });
  });
  afterAll(async () => {
    await staging?.stop();
    await production?.stop();
    await partnerCenter?.stop();
  });

  async function shareFrom(h: SyncHarness, solutionRowId: string, name: string): Promise<string> {
    const customer = await createCustomer(h.seller, { name: `${name} customer`, address1_postalcode: "02110", address1_country: "US" }, { firstname: "Ci", lastname: "Lee", emailaddress1: `ci@${name.toLowerCase().replace(/\W/g, "")}.example` });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    return referralIdOf(h, opportunityId);
  }

  const leadsFor = (h: SyncHarness, referralId: string) => h.admin.list("leads", `?$filter=cosell_referralid eq '${referralId}'`);

  it("the same solution and relay settings work against staging, then production takes over the Partner Center tenant", async () => {
    staging = await startSyncHarness({ partnerCenter, organizationName: "contoso-staging", database });
    await staging.registerWebhooks();
    await completeSellerProfile(staging);
    const stagingSolution = await addCatalogSolution(staging);
    const stagingReferral = await shareFrom(staging, stagingSolution, "Staging trial deal");
    const fromMicrosoftInStaging = String(partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Staging: incoming" } }).id);
    await until(async () => (await leadsFor(staging!, fromMicrosoftInStaging))[0], "the incoming lead in staging");
    await staging.settled();
    expect((await staging.referral(stagingReferral)).name).toBe("Staging trial deal");

    production = await startSyncHarness({ partnerCenter, organizationName: "contoso", database });
    await production.registerWebhooks();
    await staging.stop();
    staging = undefined;
    expect((await production.partnerCenterClient.webhooks.getRegistration())?.webhookUrl).toBe(`${production.hooksUrl}/hooks/partner-center`);

    await completeSellerProfile(production);
    const productionSolution = await addCatalogSolution(production);
    const productionReferral = await shareFrom(production, productionSolution, "Production deal");
    const fromMicrosoft = String(partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Production: incoming" } }).id);
    await until(async () => (await leadsFor(production!, fromMicrosoft))[0], "the incoming lead in production");
    await production.settled();

    expect(await production.referral(productionReferral)).toMatchObject({ name: "Production deal", type: "Shared", status: "Active" });
    expect(await leadsFor(production, fromMicrosoftInStaging)).toEqual([]);
    expect(partnerCenter.referrals.list().filter((r) => r.name === "Production deal" && !JSON.stringify(r.target).includes("msft"))).toHaveLength(1);
  });
});
