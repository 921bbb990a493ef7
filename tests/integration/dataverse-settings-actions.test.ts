import { EntityReference } from "dataverse-ify";
import { EnvironmentVariables, LeadState, OpportunityState, OpportunityStatusReason } from "@cosell/core";
import type { entities } from "../../relay/src/dataverse";
import { RELAY_APP, startDataverseHarness, unique, type DataverseHarness } from "./dataverse-harness";

describe("Dataverse access layer: environment variables", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
  });
  afterAll(() => h.stop());

  async function setCurrentValue(schemaName: string, value: string): Promise<void> {
    const definitions = await h.connection.client.retrieveMultiple<entities.EnvironmentVariableDefinition>(`?$select=environmentvariabledefinitionid&$filter=schemaname eq '${schemaName}'`, {
      logicalName: "environmentvariabledefinition",
    });
    const definition = definitions.entities[0];
    const existing = await h.connection.client.retrieveMultiple<entities.EnvironmentVariableValue>(
      `?$select=environmentvariablevalueid&$filter=_environmentvariabledefinitionid_value eq ${definition.environmentvariabledefinitionid}`,
      { logicalName: "environmentvariablevalue" },
    );
    if (existing.entities[0]) {
      await h.connection.client.update({ logicalName: "environmentvariablevalue", environmentvariablevalueid: existing.entities[0].environmentvariablevalueid, value });
    } else {
      await h.connection.client.create({
        logicalName: "environmentvariablevalue",
        schemaname: schemaName,
        value,
        environmentvariabledefinitionid: new EntityReference("environmentvariabledefinition", definition.environmentvariabledefinitionid!),
      });
    }
  }

  it("reads the solution's defaults", async () => {
    expect(await h.repository.readSettings()).toEqual({
      displayCheckMark: true,
      dealValueField: EnvironmentVariables.dealValueField.defaultValue,
      countryCodeField: EnvironmentVariables.countryCodeField.defaultValue,
      relayUrl: "",
      fieldMapping: undefined,
      missing: [],
    });
  });

  it("lets an admin's current value win over the default, for every documented customisation", async () => {
    await setCurrentValue(EnvironmentVariables.displayCheckMark.schemaName, "no");
    await setCurrentValue(EnvironmentVariables.dealValueField.schemaName, "cosell_dealvalue");
    await setCurrentValue(EnvironmentVariables.countryCodeField.schemaName, "address1_countrycode");
    await setCurrentValue(EnvironmentVariables.fieldMapping.schemaName, '{"dealValue":"budgetamount"}');
    expect(await h.repository.readSettings()).toMatchObject({
      displayCheckMark: false,
      dealValueField: "cosell_dealvalue",
      countryCodeField: "address1_countrycode",
      fieldMapping: { dealValue: "budgetamount" },
    });
  });

  it("says which variable holds a bad value and how to fix it", async () => {
    await setCurrentValue(EnvironmentVariables.fieldMapping.schemaName, "{not json");
    await expect(h.repository.readSettings()).rejects.toThrow(/cosell_FieldMapping holds invalid JSON .*clear it to use the built-in mapping/);
    await setCurrentValue(EnvironmentVariables.fieldMapping.schemaName, "");
    await setCurrentValue(EnvironmentVariables.displayCheckMark.schemaName, "maybe");
    await expect(h.repository.readSettings()).rejects.toThrow(/cosell_DisplayCheckMark must be Yes or No/);
    await setCurrentValue(EnvironmentVariables.displayCheckMark.schemaName, "yes");
  });

  it("reports variables an environment without the solution lacks, using the defaults", async () => {
    const bare = await startDataverseHarness({ emulator: { solutions: [] } });
    try {
      const settings = await bare.repository.readSettings();
      expect(settings.missing).toHaveLength(Object.keys(EnvironmentVariables).length);
      expect(settings.dealValueField).toBe(EnvironmentVariables.dealValueField.defaultValue);
    } finally {
      await bare.stop();
    }
  });
});

describe("Dataverse access layer: actions", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
  });
  afterAll(() => h.stop());

  it("answers WhoAmI with the relay's application user", async () => {
    expect((await h.repository.whoAmI()).userId).toBe(h.dv.users.findBy("applicationid", RELAY_APP.clientId));
  });

  it("closes an opportunity as won, recording the close activity", async () => {
    const id = await h.repository.createOpportunity({ name: unique("To win"), estimatedvalue: 5000 });
    await h.repository.winOpportunity(id, { subject: "Won in Partner Center", actualRevenue: 4800, closedOn: new Date(Date.UTC(2025, 4, 1)) });
    const { record } = (await h.repository.getOpportunity(id))!;
    expect(record).toMatchObject({ statecode: OpportunityState.Won, statuscode: OpportunityStatusReason.Won });
    const closes = await h.connection.client.retrieveMultiple<entities.OpportunityClose>(`?$select=subject,actualrevenue&$filter=_opportunityid_value eq ${id}`, { logicalName: "opportunityclose" });
    expect(closes.entities).toEqual([expect.objectContaining({ subject: "Won in Partner Center", actualrevenue: 4800 })]);
  });

  it("closes an opportunity as lost to a competitor", async () => {
    const id = await h.repository.createOpportunity({ name: unique("To lose") });
    await h.repository.loseOpportunity(id, { subject: "Lost in Partner Center" }, OpportunityStatusReason.OutSold);
    expect((await h.repository.getOpportunity(id))!.record).toMatchObject({ statecode: OpportunityState.Lost, statuscode: OpportunityStatusReason.OutSold });
  });

  it("qualifies a lead into an account, a contact and an opportunity that remembers the lead", async () => {
    const referralId = `ref-${unique("q").slice(2)}`;
    const leadId = await h.repository.createLead({ subject: "Incoming referral", companyname: unique("Northwind"), firstname: "Lee", lastname: "Park", cosell_referralid: referralId });
    const created = await h.repository.qualifyLead(leadId, { createAccount: true, createContact: true, createOpportunity: true });
    expect(created).toEqual({ accountId: expect.any(String), contactId: expect.any(String), opportunityId: expect.any(String) });
    expect((await h.repository.getLead(leadId))!.record.statecode).toBe(LeadState.Qualified);
    const opportunity = await h.connection.client.retrieve<entities.Opportunity>("opportunity", created.opportunityId!, ["originatingleadid", "parentaccountid"]);
    expect(opportunity.originatingleadid?.id).toBe(leadId);
    expect(opportunity.parentaccountid?.id).toBe(created.accountId);
  });
});
