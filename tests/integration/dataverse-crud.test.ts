import { EntityReference } from "dataverse-ify";
import { HelpNeededOptions, OpportunityColumns, SyncStatusOptions } from "@cosell/core";
import { NotFoundError, type entities } from "../../relay/src/dataverse";
import { startDataverseHarness, unique, type DataverseHarness } from "./dataverse-harness";

describe("Dataverse access layer: rows, queries and relationships (dataverse-ify against the emulator)", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
  });
  afterAll(() => h.stop());

  it("creates, reads, updates and deletes a row through dataverse-ify's client", async () => {
    const { client } = h.connection;
    const name = unique("Fabrikam");
    const id = await client.create({ logicalName: "account", name, address1_postalcode: "98052", numberofemployees: 120 });
    const read = await client.retrieve<entities.Account>("account", id, ["name", "address1_postalcode", "numberofemployees", "ownerid"]);
    expect(read).toMatchObject({ name, address1_postalcode: "98052", numberofemployees: 120 });
    expect(read.ownerid).toBeInstanceOf(EntityReference);

    await client.update({ logicalName: "account", accountid: id, numberofemployees: 150, address1_postalcode: null });
    expect(await client.retrieve<entities.Account>("account", id, ["numberofemployees", "address1_postalcode"])).toMatchObject({ numberofemployees: 150, address1_postalcode: null });

    await client.delete("account", id);
    await expect(client.retrieve("account", id, ["name"])).rejects.toBeInstanceOf(NotFoundError);
    // An update must not bring a deleted row back (a plain PATCH would upsert it).
    await expect(client.update({ logicalName: "account", accountid: id, name })).rejects.toBeInstanceOf(NotFoundError);
  });

  it("writes and reads the co-sell columns: choices, yes/no, dates, lookups", async () => {
    const accountId = await h.repository.createAccount({ name: unique("Contoso") });
    const lastSynced = new Date(Date.UTC(2025, 2, 4, 10, 30, 0));
    const id = await h.repository.createOpportunity({
      name: unique("Supply chain"),
      parentaccountid: new EntityReference("account", accountId),
      estimatedvalue: 250000,
      estimatedclosedate: new Date(Date.UTC(2025, 11, 31)),
      cosell_syncwithpartnercenter: true,
      cosell_helpneeded: HelpNeededOptions.ProofOfConceptOrDemo,
      cosell_syncstatus: SyncStatusOptions.Pending,
      cosell_lastsyncedon: lastSynced,
    });
    const versioned = await h.repository.getOpportunity(id);
    expect(versioned?.etag).toMatch(/^W\/"\d+"$/);
    const opportunity = versioned!.record;
    expect(opportunity).toMatchObject({
      estimatedvalue: 250000,
      cosell_syncwithpartnercenter: true,
      cosell_helpneeded: HelpNeededOptions.ProofOfConceptOrDemo,
      cosell_syncstatus: SyncStatusOptions.Pending,
      cosell_referralid: null,
    });
    expect(opportunity.estimatedclosedate?.toISOString().slice(0, 10)).toBe("2025-12-31");
    expect(opportunity.cosell_lastsyncedon).toEqual(lastSynced);
    expect(opportunity.parentaccountid).toMatchObject({ entityType: "account", id: accountId });
    expect(opportunity.formattedValues?.[OpportunityColumns.syncStatus]).toBe("Pending");
    expect(await h.repository.getOpportunity("00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("finds rows by filter with values that need quoting, and only exact matches", async () => {
    const name = unique("O'Brien & Sons");
    const accountId = await h.repository.createAccount({ name, address1_postalcode: "D02 X285" });
    await h.repository.createAccount({ name, address1_postalcode: "SW1A 1AA" });
    expect((await h.repository.findAccount(name, "D02 X285"))?.accountid).toBe(accountId);
    expect(await h.repository.findAccount(name, "00000")).toBeUndefined();

    const email = `${unique("ana").replace(" ", ".")}@contoso.example`;
    const contactId = await h.repository.createContact({ firstname: "Ana", lastname: "Bell", emailaddress1: email });
    expect((await h.repository.findContactByEmail(email))?.contactid).toBe(contactId);

    const referralId = `ref-${unique("x").slice(2)}`;
    const opportunityId = await h.repository.createOpportunity({ name: unique("Linked"), cosell_referralid: referralId });
    expect((await h.repository.findOpportunityByReferralId(referralId))?.opportunityid).toBe(opportunityId);
    const leadId = await h.repository.createLead({ subject: "Incoming", lastname: "Bell", cosell_referralid: referralId });
    expect((await h.repository.findLeadByReferralId(referralId))?.leadid).toBe(leadId);
    expect(await h.repository.findLeadByReferralId(`${referralId}-other`)).toBeUndefined();
  });

  it("reads an opportunity's account and contacts through $expand", async () => {
    const accountId = await h.repository.createAccount({ name: unique("Woodgrove"), address1_country: "SE" });
    const contactId = await h.repository.createContact({ firstname: "Jo", lastname: "Berg", emailaddress1: "jo@woodgrove.example" });
    const customerContactId = await h.repository.createContact({ firstname: "Kim", lastname: "Lund", emailaddress1: "kim@woodgrove.example" });
    const id = await h.repository.createOpportunity({
      name: unique("Expansion"),
      parentaccountid: new EntityReference("account", accountId),
      parentcontactid: new EntityReference("contact", contactId),
      customerid: new EntityReference("contact", customerContactId),
    });
    const parties = await h.repository.getOpportunityParties(id);
    expect(parties.account).toMatchObject({ accountid: accountId, address1_country: "SE" });
    expect(parties.contacts.map((c) => c.emailaddress1).sort()).toEqual(["jo@woodgrove.example", "kim@woodgrove.example"]);
  });

  it("attaches catalog solutions to an opportunity (N:N) and detaches them", async () => {
    const opportunityId = await h.repository.createOpportunity({ name: unique("With solutions") });
    const first = await h.repository.upsertSolution({ identifier: `SOL-${unique("A").slice(2)}`, name: "Azure Migrate" });
    const second = await h.repository.upsertSolution({ identifier: `SOL-${unique("B").slice(2)}`, name: "Contoso Analytics", publisher: "Contoso" });
    await h.repository.associateSolutions(opportunityId, [first, second]);
    expect((await h.repository.getOpportunitySolutions(opportunityId)).map((s) => s.cosell_name).sort()).toEqual(["Azure Migrate", "Contoso Analytics"]);
    await h.repository.disassociateSolutions(opportunityId, [first]);
    expect((await h.repository.getOpportunitySolutions(opportunityId)).map((s) => s.cosell_solutionid)).toEqual([second]);
  });

  it("finds and upserts catalog rows by their Partner Center solution id (alternate key)", async () => {
    const identifier = `SOL-15974-${unique("M").slice(2).toUpperCase()}`;
    expect(await h.repository.findSolution(identifier)).toBeUndefined();
    const created = await h.repository.upsertSolution({ identifier, name: "Supply Chain Insights", kind: 645210000 });
    const updated = await h.repository.upsertSolution({ identifier, name: "Supply Chain Insights v2", publisher: "Contoso" });
    expect(updated).toBe(created);
    expect(await h.repository.findSolution(identifier)).toMatchObject({
      cosell_solutionid: created,
      cosell_solutionidentifier: identifier,
      cosell_name: "Supply Chain Insights v2",
      cosell_publisher: "Contoso",
      cosell_kind: 645210000,
    });
  });

  it("lists shared opportunities modified since a watermark, leaving out unshared ones", async () => {
    const watermark = new Date(Date.now() - 1000);
    const shared = await h.repository.createOpportunity({ name: unique("Shared"), cosell_syncwithpartnercenter: true });
    const unshared = await h.repository.createOpportunity({ name: unique("Private"), cosell_syncwithpartnercenter: false });
    const seen: string[] = [];
    for await (const page of h.repository.opportunitiesModifiedSince(watermark)) seen.push(...page.map((o) => o.opportunityid!));
    expect(seen).toContain(shared);
    expect(seen).not.toContain(unshared);
    const later: string[] = [];
    for await (const page of h.repository.opportunitiesModifiedSince(new Date(Date.now() + 60_000))) later.push(...page.map((o) => o.opportunityid!));
    expect(later).toEqual([]);
  });
});
