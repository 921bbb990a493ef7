/**
 * PRODUCT.md §6 scenarios 3 and 4: referrals from Microsoft arrive in Dynamics 365 as leads or
 * opportunities with their customer; sellers accept or decline them there; won and lost deals close
 * on both sides; closed referrals are never written again.
 */
import { LeadState, OpportunityColumns, OpportunityState, SyncStatusOptions, parseAuditLog } from "@cosell/core";
import { LeadActionError } from "../../relay/src/sync";
import { attachSolution, createCustomer, draftCoSellOpportunity, opportunity } from "./support/deals";
import { until, type SyncHarness } from "./support/harness";
import { everyDatabase, reportAndStop, startScenario } from "./support/scenario";

const FABRIKAM = {
  name: "Fabrikam Customer Inc",
  address: { addressLine1: "One Microsoft Way", city: "Redmond", state: "WA", postalCode: "98052", country: "US" },
};

describe.each(everyDatabase)("Partner Center → CRM, relay on %s", (database) => {
  let h: SyncHarness;
  let solutionRowId: string;

  beforeAll(async () => {
    ({ h, solutionRowId } = await startScenario({ database }));
  });
  reportAndStop(() => h);

  const leadFor = (referralId: string) =>
    until(async () => (await h.admin.list("leads", `?$filter=cosell_referralid eq '${referralId}'`))[0], `the lead of referral ${referralId}`);

  const opportunityFor = (referralId: string) =>
    until(async () => (await h.admin.list("opportunities", `?$filter=cosell_referralid eq '${referralId}'`))[0], `the opportunity of referral ${referralId}`);

  it("scenario 3: a new referral from Microsoft arrives as a lead with its details, and Partner Center learns the lead's id", async () => {
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({
      referral: { name: "Northwind: Teams Phone", customerProfile: { name: "Northwind Traders", address: { postalCode: "10001", country: "US", city: "New York" } }, details: { dealValue: 42000, currency: "EUR", notes: "Wants Teams Phone for 800 seats." } },
    });
    const referralId = String(incoming.id);
    const lead = await leadFor(referralId);
    await h.settled();

    expect(lead).toMatchObject({
      subject: "Northwind: Teams Phone",
      companyname: "Northwind Traders",
      address1_postalcode: "10001",
      budgetamount: 42000,
      description: "Wants Teams Phone for 800 seats.",
      firstname: "Sue",
      emailaddress1: "sue.smith@fabrikam.example",
      cosell_syncwithpartnercenter: true,
      cosell_referralstatus: "New · Pending",
      cosell_syncstatus: SyncStatusOptions.Synced,
    });
    expect(String(lead.cosell_referrallink)).toContain(referralId);
    expect((await h.referral(referralId)).externalReferenceId).toBe(lead.leadid);
    expect(parseAuditLog(String(lead.cosell_audit))[0]).toMatchObject({ outcome: "success", direction: "toCrm", referralId });

    // Microsoft edits the referral; the waiting lead follows.
    h.partnerCenter.microsoft.update(referralId, { details: { dealValue: 45000 } });
    await until(async () => (await h.admin.get("leads", String(lead.leadid))).budgetamount === 45000, "the new deal value on the lead");
  });

  it("scenario 3: a referral accepted in Partner Center becomes an opportunity with the existing account and contact matched", async () => {
    const existing = await createCustomer(h.seller, { name: FABRIKAM.name, address1_postalcode: "98052", address1_country: "US" }, { firstname: "Sue", lastname: "Smith", emailaddress1: "sue.smith@fabrikam.example" });
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Fabrikam: Copilot pilot", customerProfile: FABRIKAM } });
    const referralId = String(incoming.id);
    const lead = await leadFor(referralId);
    await h.settled();

    // Someone accepts it in Partner Center itself.
    const current = await h.referral(referralId);
    await h.partnerCenterClient.referrals.patch(referralId, [{ op: "replace", path: "/status", value: "Active" }, { op: "replace", path: "/substatus", value: "Accepted" }], { ifMatch: current.eTag });

    const opp = await opportunityFor(referralId);
    await h.settled();
    expect(opp).toMatchObject({
      name: "Fabrikam: Copilot pilot ✔",
      _parentaccountid_value: existing.accountId,
      _parentcontactid_value: existing.contactId,
      estimatedvalue: 10000,
      cosell_syncwithpartnercenter: true,
      cosell_referralstatus: "Active · Accepted",
      cosell_syncstatus: SyncStatusOptions.Synced,
    });
    expect(await h.admin.list("accounts", `?$filter=name eq '${FABRIKAM.name}'`)).toHaveLength(1);
    expect((await h.admin.get("leads", String(lead.leadid))).statecode).toBe(LeadState.Qualified);
    expect((await h.referral(referralId)).externalReferenceId).toBe(opp.opportunityid);
  });

  it("scenario 4: accepting a lead from Dynamics 365 accepts the referral and makes the opportunity; a new customer's account is created", async () => {
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({
      referral: { name: "Wide World: data estate", customerProfile: { name: "Wide World Importers", address: { postalCode: "SW1A 1AA", country: "GB", city: "London" }, team: [{ firstName: "Ian", lastName: "Wright", email: "ian@wideworld.example", phoneNumber: "+44 20 7946 0000" }] } },
    });
    const referralId = String(incoming.id);
    const lead = await leadFor(referralId);
    await h.settled();

    const answer = await h.engine.acceptLead(String(lead.leadid), { objectId: h.sellerObjectId, lcid: 1043 });
    expect(answer).toMatchObject({ outcome: "accepted", opportunityId: expect.any(String), message: expect.stringMatching(/^Verwijzing geaccepteerd/) });
    await h.settled();

    const referral = await h.referral(referralId);
    expect(referral).toMatchObject({ status: "Active", substatus: "Accepted", externalReferenceId: answer.opportunityId });
    const opp = await opportunity(h.admin, answer.opportunityId);
    expect(opp).toMatchObject({ cosell_referralid: referralId, name: "Wide World: data estate ✔", cosell_referralstatus: "Active · Accepted" });
    const [account] = await h.admin.list("accounts", "?$filter=name eq 'Wide World Importers'");
    expect(account).toMatchObject({ address1_postalcode: "SW1A 1AA", address1_country: "GB" });
    expect(opp._parentaccountid_value).toBe(account.accountid);
    expect((await h.admin.list("contacts", "?$filter=emailaddress1 eq 'ian@wideworld.example'"))).toHaveLength(1);
    expect((await h.admin.get("leads", String(lead.leadid))).statecode).toBe(LeadState.Qualified);

    // Accepting twice changes nothing.
    const again = await h.engine.acceptLead(String(lead.leadid), { objectId: h.sellerObjectId });
    expect(again.opportunityId).toBe(answer.opportunityId);
  });

  it("scenario 4: declining a lead declines the referral with the reason and disqualifies the lead", async () => {
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Litware: security review" } });
    const referralId = String(incoming.id);
    const lead = await leadFor(referralId);
    await h.settled();

    await expect(h.engine.declineLead(String(lead.leadid), "  ", { objectId: h.sellerObjectId })).rejects.toBeInstanceOf(LeadActionError);
    const answer = await h.engine.declineLead(String(lead.leadid), "No capacity this quarter.", { objectId: h.sellerObjectId });
    expect(answer.outcome).toBe("declined");
    await h.settled();

    expect(await h.referral(referralId)).toMatchObject({ status: "Closed", substatus: "Declined", statusReason: "No capacity this quarter." });
    const closed = await h.admin.get("leads", String(lead.leadid));
    expect(closed).toMatchObject({ statecode: LeadState.Disqualified, cosell_declinereason: "No capacity this quarter.", cosell_referralstatus: "Closed · Declined" });
    await expect(h.engine.acceptLead(String(lead.leadid), { objectId: h.sellerObjectId })).rejects.toMatchObject({ problem: "referral-closed" });
  });

  it("scenario 4: qualifying or disqualifying the lead in Dynamics 365 itself answers the referral at the next reconcile", async () => {
    const toAccept = String(h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Humongous: qualified in the app" } }).id);
    const toDecline = String(h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Humongous: disqualified in the app" } }).id);
    const accepted = await leadFor(toAccept);
    const declined = await leadFor(toDecline);
    await h.settled();

    await h.seller.action(`leads(${String(accepted.leadid)})/Microsoft.Dynamics.CRM.QualifyLead`, { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3 });
    await h.seller.update("leads", String(declined.leadid), { statecode: LeadState.Disqualified, statuscode: 6, cosell_declinereason: "Customer not reachable." });
    await h.engine.reconcile({ reason: "schedule" });

    await until(async () => (await h.referral(toAccept)).status === "Active", "the referral accepted");
    const opp = await opportunityFor(toAccept);
    await h.settled();
    expect(opp).toMatchObject({ cosell_referralstatus: "Active · Accepted", cosell_syncwithpartnercenter: true });
    expect((await h.referral(toAccept)).externalReferenceId).toBe(opp.opportunityid);
    expect(await h.referral(toDecline)).toMatchObject({ status: "Closed", substatus: "Declined", statusReason: "Customer not reachable." });
  });

  it("scenario 4: an unanswered referral that expires disqualifies its lead", async () => {
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Proseware: expired" } });
    const referralId = String(incoming.id);
    const lead = await leadFor(referralId);
    await h.settled();

    h.partnerCenter.clock.advance(15 * 24 * 3600_000);
    await until(async () => (await h.admin.get("leads", String(lead.leadid))).statecode === LeadState.Disqualified, "the expired lead to be disqualified");
    expect(await h.admin.get("leads", String(lead.leadid))).toMatchObject({ cosell_referralstatus: "Closed · Expired" });
    h.partnerCenter.clock.advance(-15 * 24 * 3600_000);
  });

  it("scenario 4: winning the opportunity closes the referral as Won; a closed referral is never written again", async () => {
    const customer = await createCustomer(h.seller, { name: "Alpine Ski House", address1_postalcode: "80301", address1_country: "US" }, { firstname: "Al", lastname: "Pine", emailaddress1: "al@alpineski.example" });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Alpine Ski House ERP" });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });
    const referralId = String(await until(async () => (await opportunity(h.seller, opportunityId))[OpportunityColumns.referralId], "the referral"));
    await h.settled();

    await h.seller.action("WinOpportunity", { OpportunityClose: { subject: "Signed", "opportunityid@odata.bind": `/opportunities(${opportunityId})` }, Status: 3 });
    await h.engine.reconcile({ reason: "after a win" });
    await until(async () => (await h.referral(referralId)).substatus === "Won", "the referral closed as Won");
    await h.settled();
    const won = await opportunity(h.seller, opportunityId);
    expect(won.statecode).toBe(OpportunityState.Won);
    expect(won[OpportunityColumns.referralStatus]).toBe("Closed · Won");
    expect(parseAuditLog(String(won[OpportunityColumns.audit]))[0]).toMatchObject({ outcome: "success", direction: "toPartnerCenter" });

    // The referral is final: a later edit is not sent.
    const eTag = (await h.referral(referralId)).eTag;
    await h.seller.update("opportunities", opportunityId, { description: "Post-sale note." });
    await h.settled();
    expect((await h.referral(referralId)).eTag).toBe(eTag);
  });

  it("scenario 4: Microsoft closing an accepted referral as Lost closes the opportunity in Dynamics 365", async () => {
    const incoming = h.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Coho Winery: CRM" } });
    const referralId = String(incoming.id);
    const lead = await leadFor(referralId);
    await h.settled();
    const { opportunityId } = await h.engine.acceptLead(String(lead.leadid), { objectId: h.sellerObjectId });
    await h.settled();

    h.partnerCenter.microsoft.close(referralId, { substatus: "Lost", reason: "Customer chose another vendor." });
    await until(async () => (await opportunity(h.admin, opportunityId)).statecode === OpportunityState.Lost, "the opportunity closed as lost");
    await h.settled();
    const lost = await opportunity(h.admin, opportunityId);
    expect(lost[OpportunityColumns.referralStatus]).toBe("Closed · Lost");
    expect(parseAuditLog(String(lost[OpportunityColumns.audit])).some((item) => item.kind === "entry" && /closed the referral/.test(item.message))).toBe(true);
  });
});
