/**
 * Metadata: EntityDefinitions for the standard tables and the product's solution tables, with
 * their attributes, alternate keys and relationships (which name the navigation properties).
 */
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { HelpNeededOptions, OpportunityColumns, OpportunitySolutionRelationship, SolutionTable } from "@cosell/core";
import { Client, PRODUCT_SOLUTION, startDataverse, type Json } from "./dataverse-harness";

describe("Dataverse Web API: metadata", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse({ solutions: [PRODUCT_SOLUTION] });
    client = await Client.app(dv);
  });
  afterAll(() => dv.stop());

  it.each([
    ["opportunity", "opportunities", "opportunityid", "name"],
    ["lead", "leads", "leadid", "fullname"],
    ["account", "accounts", "accountid", "name"],
    ["contact", "contacts", "contactid", "fullname"],
    ["systemuser", "systemusers", "systemuserid", "fullname"],
    ["transactioncurrency", "transactioncurrencies", "transactioncurrencyid", "currencyname"],
    ["environmentvariabledefinition", "environmentvariabledefinitions", "environmentvariabledefinitionid", "schemaname"],
    ["sdkmessageprocessingstep", "sdkmessageprocessingsteps", "sdkmessageprocessingstepid", "name"],
    [SolutionTable.logicalName, SolutionTable.entitySetName, SolutionTable.primaryId, SolutionTable.name],
  ])("describes %s", async (logicalName, entitySetName, primaryId, primaryName) => {
    const answer = await client.get(`EntityDefinitions(LogicalName='${logicalName}')?$select=LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute`);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ LogicalName: logicalName, EntitySetName: entitySetName, PrimaryIdAttribute: primaryId, PrimaryNameAttribute: primaryName });
    expect(answer.body["@odata.context"]).toBe(`${dv.apiUrl}$metadata#EntityDefinitions(LogicalName,EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute)/$entity`);
  });

  it("lists tables with $filter and $select", async () => {
    const answer = await client.get<{ value: Json[] }>(`EntityDefinitions?$select=LogicalName&$filter=IsCustomEntity eq true`);
    expect(answer.body.value.map((e) => e.LogicalName)).toEqual([SolutionTable.logicalName]);
  });

  it("describes the solution's columns, choice options and lookup targets", async () => {
    const attributes = await client.get<{ value: Json[] }>(`EntityDefinitions(LogicalName='opportunity')/Attributes?$select=LogicalName,AttributeType,IsCustomAttribute`);
    const byName = new Map(attributes.body.value.map((a) => [a.LogicalName as string, a]));
    for (const column of Object.values(OpportunityColumns)) expect(byName.get(column)).toMatchObject({ IsCustomAttribute: true });
    expect(byName.get("parentaccountid")).toMatchObject({ AttributeType: "Lookup" });
    expect(byName.get("customerid")).toMatchObject({ AttributeType: "Customer" });

    const picklist = await client.get(`EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='${OpportunityColumns.helpNeeded}')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet`);
    expect(picklist.status).toBe(200);
    const values = ((picklist.body.OptionSet as Json).Options as Json[]).map((o) => o.Value);
    expect(values).toEqual(expect.arrayContaining(Object.values(HelpNeededOptions)));

    const lookup = await client.get(`EntityDefinitions(LogicalName='contact')/Attributes(LogicalName='parentcustomerid')?$select=Targets`);
    expect(lookup.body.Targets).toEqual(["account", "contact"]);
  });

  it("describes alternate keys and relationships with their navigation property names", async () => {
    const keys = await client.get<{ value: Json[] }>(`EntityDefinitions(LogicalName='${SolutionTable.logicalName}')/Keys?$select=LogicalName,KeyAttributes`);
    expect(keys.body.value).toEqual([expect.objectContaining({ LogicalName: SolutionTable.alternateKey, KeyAttributes: [SolutionTable.solutionIdentifier] })]);

    const manyToMany = await client.get<{ value: Json[] }>(`EntityDefinitions(LogicalName='opportunity')/ManyToManyRelationships?$filter=SchemaName eq '${OpportunitySolutionRelationship.schemaName}'`);
    expect(manyToMany.body.value).toEqual([
      expect.objectContaining({
        Entity1LogicalName: "opportunity",
        Entity2LogicalName: SolutionTable.logicalName,
        IntersectEntityName: OpportunitySolutionRelationship.intersectEntity,
        Entity1NavigationPropertyName: OpportunitySolutionRelationship.navigationProperty,
        Entity2NavigationPropertyName: OpportunitySolutionRelationship.navigationProperty,
      }),
    ]);

    const manyToOne = await client.get<{ value: Json[] }>(`EntityDefinitions(LogicalName='opportunity')/ManyToOneRelationships?$select=SchemaName,ReferencedEntity,ReferencingAttribute,ReferencingEntityNavigationPropertyName&$filter=ReferencingAttribute eq 'customerid'`);
    expect(manyToOne.body.value.map((r) => [r.ReferencedEntity, r.ReferencingEntityNavigationPropertyName]).sort()).toEqual([
      ["account", "customerid_account"],
      ["contact", "customerid_contact"],
    ]);
    const expanded = await client.get(`EntityDefinitions(LogicalName='account')?$select=LogicalName&$expand=OneToManyRelationships($select=SchemaName,ReferencingEntity;$filter=ReferencingEntity eq 'opportunity')`);
    expect((expanded.body.OneToManyRelationships as Json[]).map((r) => r.SchemaName)).toEqual(expect.arrayContaining(["opportunity_parent_account", "opportunity_customer_accounts"]));
  });

  it("answers unknown tables and metadata properties with errors", async () => {
    expect((await client.get(`EntityDefinitions(LogicalName='nosuchtable')`)).status).toBe(404);
    expect((await client.get(`EntityDefinitions(LogicalName='account')?$select=NoSuchProperty`)).status).toBe(400);
  });
});
