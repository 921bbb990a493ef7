/**
 * PRODUCT.md §6 scenarios 1, 2 and 5: a seller shares an opportunity, keeps editing it, and is told
 * exactly what to fix when it cannot be shared.
 */
import { HelpNeededOptions, OpportunityColumns, SyncStatusOptions, parseAuditLog } from "@cosell/core";
import { attachSolution, createCustomer, currencyId, draftCoSellOpportunity, opportunity, PARTNER_SOLUTION } from "./support/deals";
import { until, type SyncHarness } from "./support/harness";
import { everyDatabase, reportAndStop, startScenario } from "./support/scenario";

describe.each(everyDatabase)("CRM → Partner Center, relay on %s", (database) => {
  let h: SyncHarness;
  let solutionRowId: string;
  let sellerUserId: string;

  beforeAll(async () => {
    ({ h, sellerUserId, solutionRowId } = await startScenario({ database }));
  });
  reportAndStop(() => h);

  it("scenario 1: Sync = Yes on a complete co-sell opportunity creates one Shared referral and fills the link", async () => {
    const customer = await createCustomer(h.seller);
    const opportunityId = await draftCoSellOpportunity(h, customer);
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });

    const shared = await until(async () => {
      const row = await opportunity(h.seller, opportunityId);
      return row[OpportunityColumns.referralId] ? row : undefined;
    }, "the referral id on the opportunity");
    await h.settled();

    const referralId = String(shared[OpportunityColumns.referralId]);
    const referral = await h.referral(referralId);
    expect(referral).toMatchObject({
      name: "Contoso supply chain",
      type: "Shared",
      direction: "Outgoing",
      status: "Active",
      substatus: "Accepted",
      externalReferenceId: opportunityId,
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      inviteContext: { assistanceRequestCode: "CustomerTechnicalArchitecture" },
      details: { dealValue: 50000, currency: "USD", closingDateTime: expect.stringMatching(/^2030-03-31T00:00:00/), notes: expect.stringContaining("Supply Chain") },
      customerProfile: { name: "Contoso Customer Inc", address: { postalCode: "98052", country: "US" }, team: [expect.objectContaining({ email: "sue.smith@contoso-customer.example" })] },
      target: [{ type: "SolutionProfile", id: PARTNER_SOLUTION.id }],
      team: [expect.objectContaining({ email: expect.stringContaining("@"), phoneNumber: "+1 425 555 0199" })],
    });
    // The co-sell deal's second half: Microsoft invited into the same engagement, once.
    const engagement = await h.partnerCenterClient.referrals.related(referral);
    expect(engagement.filter((r) => r.target?.some((t) => t.id === "msft"))).toHaveLength(1);
    expect(h.partnerCenter.referrals.list().filter((r) => r.externalReferenceId === opportunityId && !JSON.stringify(r.target).includes("msft"))).toHaveLength(1);

    const row = await opportunity(h.seller, opportunityId);
    expect(row[OpportunityColumns.referralLink]).toContain(referralId);
    expect(row[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
    expect(row[OpportunityColumns.referralStatus]).toBe("Active · Accepted");
    expect(row[OpportunityColumns.lastSyncedOn]).toBeTruthy();
    expect(row.name).toBe("Contoso supply chain ✔");
    const [latest] = parseAuditLog(String(row[OpportunityColumns.audit]));
    expect(latest).toMatchObject({ kind: "entry", outcome: "success", direction: "toPartnerCenter", referralId });
    expect(latest.kind === "entry" && latest.message).toMatch(/co-sell referral/);
  });

  it("scenario 2: later edits send only the changed fields, and an unchanged save sends nothing", async () => {
    const customer = await createCustomer(h.seller, { name: "Fourth Coffee", address1_postalcode: "10115", address1_country: "DE" }, { firstname: "Max", lastname: "Muster", emailaddress1: "max@fourthcoffee.example" });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Fourth Coffee rollout" });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    const referralId = await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId] as string | undefined, "the referral");
    await h.settled();
    const before = await h.referral(referralId);

    const eur = await currencyId(h.seller, "EUR");
    await h.seller.update("opportunities", opportunityId, {
      estimatedvalue: 72500,
      estimatedclosedate: "2030-06-30",
      description: "Scope grew: two more plants.",
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${eur})`,
    });
    const after = await until(async () => {
      const referral = await h.referral(referralId);
      return referral.details?.dealValue === 72500 && referral.details.currency === "EUR" ? referral : undefined;
    }, "the edits in Partner Center");
    await h.settled();
    expect(after.details).toMatchObject({ dealValue: 72500, currency: "EUR", notes: "Scope grew: two more plants.", closingDateTime: expect.stringMatching(/^2030-06-30/) });
    expect(after.name).toBe(before.name);
    const audit = parseAuditLog(String((await opportunity(h.seller, opportunityId))[OpportunityColumns.audit]));
    expect(audit[0]).toMatchObject({ outcome: "success", direction: "toPartnerCenter" });
    expect(audit[0].kind === "entry" && audit[0].message).toMatch(/Deal value.*Currency.*Close date.*Notes|Sent to Partner Center/);

    // A save that changes nothing synced writes nothing anywhere.
    const eTag = (await h.referral(referralId)).eTag;
    const auditText = (await opportunity(h.seller, opportunityId))[OpportunityColumns.audit];
    await h.seller.update("opportunities", opportunityId, { estimatedvalue: 72500 });
    await h.settled();
    expect((await h.referral(referralId)).eTag).toBe(eTag);
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.audit]).toBe(auditText);
  });

  it("a private deal upgraded to co-sell later becomes Shared, aims at the solution and invites Microsoft once", async () => {
    const customer = await createCustomer(h.seller, { name: "Graphic Design Institute", address1_postalcode: "60601", address1_country: "US" }, { firstname: "Gia", lastname: "Dee", emailaddress1: "gia@gdi.example" });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "GDI private deal", cosell_helpneeded: null, cosell_visibility: false });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    const referralId = await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId] as string | undefined, "the referral");
    await h.settled();
    expect(await h.referral(referralId)).toMatchObject({ type: "Independent", target: [], consent: { consentToShareReferralWithMicrosoftSellers: false } });

    await h.seller.update("opportunities", opportunityId, { cosell_helpneeded: HelpNeededOptions.ProofOfConceptOrDemo });
    const upgraded = await until(async () => {
      const referral = await h.referral(referralId);
      return referral.type === "Shared" ? referral : undefined;
    }, "the upgrade to co-sell");
    await h.settled();
    expect(upgraded).toMatchObject({
      consent: { consentToShareReferralWithMicrosoftSellers: true },
      inviteContext: { assistanceRequestCode: "ProofOfConceptOrDemo" },
      target: [{ type: "SolutionProfile", id: PARTNER_SOLUTION.id }],
    });
    const engagement = await h.partnerCenterClient.referrals.related(upgraded);
    expect(engagement.filter((r) => r.target?.some((t) => t.id === "msft"))).toHaveLength(1);
    expect((await opportunity(h.seller, opportunityId))[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);

    // Visibility is one-way: turning it off again is refused and undone, with the reason in Audit.
    await h.seller.update("opportunities", opportunityId, { cosell_helpneeded: null, cosell_visibility: false });
    await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.visibility] === true, "visibility set back to Yes");
    await h.settled();
    expect((await h.referral(referralId)).consent?.consentToShareReferralWithMicrosoftSellers).toBe(true);
    const audit = parseAuditLog(String((await opportunity(h.seller, opportunityId))[OpportunityColumns.audit]));
    expect(audit.some((item) => item.kind === "entry" && item.outcome === "warning" && /private/.test(item.message))).toBe(true);
  });

  it("scenario 5: a broken opportunity is not sent; Audit, Sync Status and ✖ say what to fix", async () => {
    const customer = await createCustomer(h.seller, { name: "Tailspin Toys", address1_postalcode: "98101", address1_country: "USA" }, { firstname: "Tia", lastname: "Lee", emailaddress1: "tia@tailspin.example" });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Tailspin analytics", [OpportunityColumns.syncWithPartnerCenter]: true });
    await h.settled();

    const row = await until(async () => {
      const current = await opportunity(h.seller, opportunityId);
      return current[OpportunityColumns.syncStatus] === SyncStatusOptions.Error ? current : undefined;
    }, "the error on the opportunity");
    expect(row[OpportunityColumns.referralId] ?? null).toBeNull();
    expect(row.name).toBe("Tailspin analytics ✖");
    const messages = parseAuditLog(String(row[OpportunityColumns.audit])).map((item) => (item.kind === "entry" ? `${item.message} Fix: ${item.fix}` : ""));
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/at least one solution.*Fix: Add a co-sell ready or Microsoft solution/),
        expect.stringMatching(/"USA" is not a two-letter ISO 3166 country code.*address1_country/),
      ]),
    );
    expect(h.partnerCenter.referrals.list().some((r) => r.externalReferenceId === opportunityId)).toBe(false);

    // The form's "sync now" answers in the seller's language, with each problem and its fix.
    const answer = await h.engine.syncOpportunityNow(opportunityId, { objectId: h.sellerObjectId, lcid: 1053 });
    expect(answer.outcome).toBe("invalid");
    expect(answer.message).toMatch(/^Inte skickat till Partner Center/);
    expect(answer.violations?.map((v) => v.code).sort()).toEqual(["country-invalid", "solution-required"]);
    expect(answer.violations?.find((v) => v.code === "solution-required")?.fix).toMatch(/Lägg till/);

    // Fixing both shares it.
    await h.seller.update("accounts", customer.accountId, { address1_country: "US" });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    const fixed = await h.engine.syncOpportunityNow(opportunityId, { objectId: h.sellerObjectId });
    expect(fixed).toMatchObject({ outcome: "synced", referralId: expect.any(String) });
    await h.settled();
    const done = await opportunity(h.seller, opportunityId);
    expect(done.name).toBe("Tailspin analytics ✔");
    expect(done[OpportunityColumns.syncStatus]).toBe(SyncStatusOptions.Synced);
    // The form's sync wrote as the seller, through the relay's application user.
    expect(done._modifiedby_value).toBe(sellerUserId);
    expect(done._modifiedonbehalfby_value).toBeTruthy();
    expect(done._modifiedonbehalfby_value).not.toBe(sellerUserId);
  });
});
