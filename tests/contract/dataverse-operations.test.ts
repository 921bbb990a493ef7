/**
 * Functions and actions: WhoAmI, WinOpportunity / LoseOpportunity, QualifyLead,
 * RetrieveEnvironmentVariableValue with the environment-variable tables, ImportSolution /
 * ImportSolutionAsync with the import job a deployment tool polls, and PublishAllXml / PublishXml.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { EnvironmentVariables } from "@cosell/core";
import { Client, PRODUCT_SOLUTION, SOLUTIONS, startDataverse, type Json } from "./dataverse-harness";

const base64Of = (...parts: string[]) => readFileSync(path.join(SOLUTIONS, ...parts)).toString("base64");

describe("Dataverse Web API: functions and actions", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse({ solutions: [PRODUCT_SOLUTION] });
    client = await Client.user(dv, "ana@contoso.example", "Ana Bowman");
  });
  afterAll(() => dv.stop());

  it("answers WhoAmI with the user the token belongs to, provisioned on first sign-in", async () => {
    const answer = await client.get("WhoAmI()");
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      "@odata.context": `${dv.apiUrl}$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
      BusinessUnitId: expect.any(String),
      UserId: expect.any(String),
      OrganizationId: expect.any(String),
    });
    const user = await client.get(`systemusers(${answer.body.UserId})?$select=fullname,domainname,azureactivedirectoryobjectid`);
    expect(user.body).toMatchObject({ fullname: "Ana Bowman", domainname: "ana@contoso.example", azureactivedirectoryobjectid: dv.identity.objectIdFor("ana@contoso.example") });
    expect((await client.get("WhoAmI()")).body.UserId).toBe(answer.body.UserId);
  });

  it("closes an opportunity as won with WinOpportunity, recording the OpportunityClose", async () => {
    const id = await client.create("opportunities", { name: "Won deal", estimatedvalue: 5000 });
    const answer = await client.post("WinOpportunity", {
      Status: 3,
      OpportunityClose: { subject: "Won Opportunity", actualrevenue: 5500, actualend: "2026-11-20T00:00:00Z", "opportunityid@odata.bind": `/opportunities(${id})` },
    });
    expect(answer.status).toBe(204);
    const opportunity = await client.get(`opportunities(${id})?$select=statecode,statuscode,actualclosedate,actualvalue`);
    expect(opportunity.body).toMatchObject({ statecode: 1, statuscode: 3, actualclosedate: "2026-11-20", actualvalue: 5500 });
    const closes = await client.get<{ value: Json[] }>(`opportunitycloses?$select=subject,statecode&$filter=_opportunityid_value eq ${id}`);
    expect(closes.body.value).toEqual([expect.objectContaining({ subject: "Won Opportunity", statecode: 1 })]);

    const again = await client.post("WinOpportunity", { Status: 3, OpportunityClose: { "opportunityid@odata.bind": `/opportunities(${id})` } });
    expect(again.status).toBe(400);
  });

  it("closes an opportunity as lost with LoseOpportunity and refuses a status of the wrong state", async () => {
    const id = await client.create("opportunities", { name: "Lost deal" });
    const wrong = await client.post("LoseOpportunity", { Status: 3, OpportunityClose: { subject: "x", "opportunityid@odata.bind": `/opportunities(${id})` } });
    expect(wrong.status).toBe(400);
    expect((wrong.body.error as Json).message).toBe(`3 is not a valid status code for state code OpportunityState.Lost on opportunity with Id ${id}.`);
    const answer = await client.post("LoseOpportunity", { Status: 5, OpportunityClose: { subject: "Lost to competitor", "opportunityid@odata.bind": `/opportunities(${id})` } });
    expect(answer.status).toBe(204);
    expect((await client.get(`opportunities(${id})?$select=statecode,statuscode`)).body).toMatchObject({ statecode: 2, statuscode: 5 });
  });

  it("qualifies a lead into an account, a contact and an opportunity", async () => {
    const [usd] = Object.values(dv.seed.currencies(["USD"]));
    const lead = await client.create("leads", {
      subject: "Northwind analytics",
      firstname: "Nina",
      lastname: "Kowalska",
      emailaddress1: "nina@northwind.example",
      companyname: "Northwind Traders",
      address1_postalcode: "00-001",
      estimatedamount: 150000,
    });
    const answer = await client.post(`leads(${lead})/Microsoft.Dynamics.CRM.QualifyLead`, {
      CreateAccount: true,
      CreateContact: true,
      CreateOpportunity: true,
      Status: 3,
      OpportunityCurrencyId: { "@odata.type": "Microsoft.Dynamics.CRM.transactioncurrency", transactioncurrencyid: usd },
    });
    expect(answer.status).toBe(200);
    const created = answer.body.value as Json[];
    expect(created.map((r) => r["@odata.type"])).toEqual(["#Microsoft.Dynamics.CRM.account", "#Microsoft.Dynamics.CRM.contact", "#Microsoft.Dynamics.CRM.opportunity"]);
    const [account, contact, opportunity] = [created[0].accountid, created[1].contactid, created[2].opportunityid] as string[];
    expect((await client.get(`accounts(${account})?$select=name,address1_postalcode,_originatingleadid_value`)).body).toMatchObject({ name: "Northwind Traders", address1_postalcode: "00-001", _originatingleadid_value: lead });
    expect((await client.get(`contacts(${contact})?$select=fullname,emailaddress1,_parentcustomerid_value`)).body).toMatchObject({ fullname: "Nina Kowalska", emailaddress1: "nina@northwind.example", _parentcustomerid_value: account });
    expect((await client.get(`opportunities(${opportunity})?$select=name,estimatedvalue,_parentaccountid_value,_parentcontactid_value,_originatingleadid_value`)).body).toMatchObject({
      name: "Northwind analytics",
      estimatedvalue: 150000,
      _parentaccountid_value: account,
      _parentcontactid_value: contact,
      _originatingleadid_value: lead,
    });
    expect((await client.get(`leads(${lead})?$select=statecode,statuscode,_qualifyingopportunityid_value`)).body).toMatchObject({ statecode: 1, statuscode: 3, _qualifyingopportunityid_value: opportunity });
    const twice = await client.post(`leads(${lead})/Microsoft.Dynamics.CRM.QualifyLead`, { CreateAccount: false, CreateContact: false, CreateOpportunity: true, Status: 3 });
    expect(twice.status).toBe(400);
    expect((twice.body.error as Json).message).toBe("The lead is closed. You cannot convert or qualify a lead that is closed.");
  });

  it("returns an environment variable's default, then its current value once an admin sets one", async () => {
    const { schemaName, defaultValue } = EnvironmentVariables.dealValueField;
    const read = async () => (await client.get(`RetrieveEnvironmentVariableValue(DefinitionSchemaName='${schemaName}')`)).body.Value;
    expect(await read()).toBe(defaultValue);
    const definition = await client.get<{ value: Json[] }>(`environmentvariabledefinitions?$filter=schemaname eq '${schemaName}'&$select=defaultvalue,type`);
    const definitionId = definition.body.value[0].environmentvariabledefinitionid as string;
    expect(definition.body.value[0]).toMatchObject({ defaultvalue: defaultValue, type: 100000000 });
    await client.create("environmentvariablevalues", { schemaname: schemaName, value: "cosell_dealvalue", "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${definitionId})` });
    expect(await read()).toBe("cosell_dealvalue");
    const expanded = await client.get<{ value: Json[] }>(
      `environmentvariabledefinitions?$filter=schemaname eq @name&$select=defaultvalue&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)&@name='${schemaName}'`,
    );
    expect(expanded.body.value[0].environmentvariabledefinition_environmentvariablevalue).toEqual([expect.objectContaining({ value: "cosell_dealvalue" })]);
    const missing = await client.get(`RetrieveEnvironmentVariableValue(DefinitionSchemaName=@p)?@p='cosell_Nope'`);
    expect(missing.status).toBe(404);
  });
});

describe("Dataverse Web API: ImportSolution", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse();
    client = await Client.app(dv);
  });
  afterAll(() => dv.stop());

  it("imports a solution zip, records the import job and applies its environment variables", async () => {
    const importJobId = "9b3bd5a4-5f0b-4a8e-9f6c-2b1b9d1f0a01";
    const answer = await client.post("ImportSolution", {
      OverwriteUnmanagedCustomizations: true,
      PublishWorkflows: true,
      ImportJobId: importJobId,
      CustomizationFile: base64Of("contoso-envvar-managed", "Contoso_sample_1_0_0_1_managed.zip"),
    });
    expect(answer.status).toBe(204);
    const job = await client.get(`importjobs(${importJobId})?$select=progress,solutionname,completedon,data`);
    expect(job.body).toMatchObject({ progress: 100, solutionname: "Contoso_sample", completedon: expect.any(String) });
    expect(job.body.data).toContain('<result result="success"');
    const solution = await client.get<{ value: Json[] }>(`solutions?$filter=uniquename eq 'Contoso_sample'&$select=version,ismanaged`);
    expect(solution.body.value).toEqual([expect.objectContaining({ version: "1.0.0.1", ismanaged: true })]);
    expect((await client.get(`RetrieveEnvironmentVariableValue(DefinitionSchemaName='new_ContosoURL')`)).body.Value).toBe("https://contoso.com");
  });

  it("upgrades with StageAndUpgrade, setting environment variable values from ComponentParameters", async () => {
    const answer = await client.post("StageAndUpgrade", {
      OverwriteUnmanagedCustomizations: false,
      PublishWorkflows: true,
      ImportJobId: "9b3bd5a4-5f0b-4a8e-9f6c-2b1b9d1f0a03",
      CustomizationFile: base64Of("contoso-envvar-managed", "Contoso_sample_1_0_0_1_managed.zip"),
      ComponentParameters: [{ "@odata.type": "Microsoft.Dynamics.CRM.environmentvariablevalue", schemaname: "new_ContosoURL", value: "https://staging.contoso.example" }],
    });
    expect(answer.status).toBe(200);
    const solution = await client.get<{ value: Json[] }>(`solutions?$filter=uniquename eq 'Contoso_sample'&$select=solutionid`);
    expect(answer.body.SolutionId).toBe(solution.body.value[0].solutionid);
    expect((await client.get(`RetrieveEnvironmentVariableValue(DefinitionSchemaName='new_ContosoURL')`)).body.Value).toBe("https://staging.contoso.example");
  });

  it("imports a solution that adds a table, which the Web API then serves", async () => {
    const answer = await client.post("ImportSolution", { CustomizationFile: base64Of("codeinterpreter-sample-managed", "CodeInterpreterSample_1_0_0_0_managed.zip") });
    expect(answer.status).toBe(204);
    const definition = await client.get(`EntityDefinitions(LogicalName='sample_example')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute`);
    expect(definition.body).toMatchObject({ EntitySetName: "sample_examples", PrimaryIdAttribute: "sample_exampleid" });
    const id = await client.create("sample_examples", { [definition.body.PrimaryNameAttribute as string]: "Imported table row" });
    expect((await client.get(`sample_examples(${id})`)).status).toBe(200);
  });

  it("fails a broken file with the platform's message, records the failure and changes nothing", async () => {
    const importJobId = "9b3bd5a4-5f0b-4a8e-9f6c-2b1b9d1f0a02";
    const before = (await client.get<{ value: Json[] }>("solutions?$select=uniquename")).body.value.length;
    const answer = await client.post("ImportSolution", { ImportJobId: importJobId, CustomizationFile: Buffer.from("this is not a zip file").toString("base64") });
    expect(answer.status).toBe(400);
    expect((answer.body.error as Json).message).toBe(
      "The solution file is invalid. The compressed file must contain the following files at its root: solution.xml, customizations.xml, and [Content_Types].xml. Customization files exported from previous versions of Microsoft Dynamics 365 are also supported.",
    );
    const job = await client.get(`importjobs(${importJobId})?$select=progress,data`);
    expect(job.body.progress).toBe(100);
    expect(job.body.data).toContain('result="failure"');
    expect((await client.get<{ value: Json[] }>("solutions?$select=uniquename")).body.value).toHaveLength(before);
  });

  it("refuses to turn an installed managed solution into an unmanaged one, recording the failure", async () => {
    const pair = (file: string) => base64Of("columnlevelsecurity-pair", file);
    expect((await client.post("ImportSolution", { CustomizationFile: pair("ColumnLevelSecuritySampleSolution_managed.zip") })).status).toBe(204);
    const importJobId = "9b3bd5a4-5f0b-4a8e-9f6c-2b1b9d1f0a04";
    const answer = await client.post("ImportSolution", { ImportJobId: importJobId, CustomizationFile: pair("ColumnLevelSecuritySampleSolution.zip") });
    expect(answer.status).toBe(400);
    expect((answer.body.error as Json).message).toMatch(/^Solution 'ColumnLevelSecuritySampleSolution' is already installed in this environment as a managed solution, and the package being imported is unmanaged\. Delete the installed solution/);
    expect((await client.get(`importjobs(${importJobId})?$select=data`)).body.data).toContain('result="failure"');
    const installed = await client.get<{ value: Json[] }>("solutions?$select=uniquename,ismanaged&$filter=startswith(uniquename,'ColumnLevelSecurity')");
    expect(installed.body.value).toEqual([expect.objectContaining({ ismanaged: true })]);
  });

  it("runs ImportSolutionAsync in the background with a system job to poll", async () => {
    const answer = await client.post("ImportSolutionAsync", { CustomizationFile: base64Of("polymorphiclookup-managed", "polymorphiclookupexamplesolution.zip") });
    expect(answer.status).toBe(200);
    const { AsyncOperationId, ImportJobKey } = answer.body as { AsyncOperationId: string; ImportJobKey: string };
    let job: Json = {};
    for (let poll = 0; poll < 100 && job.statecode !== 3; poll++) {
      job = (await client.get(`asyncoperations(${AsyncOperationId})?$select=statecode,statuscode`)).body;
    }
    expect(job).toMatchObject({ statecode: 3, statuscode: 30 });
    expect((await client.get(`importjobs(${ImportJobKey})?$select=progress`)).body.progress).toBe(100);
    expect((await client.get(`EntityDefinitions(LogicalName='sample_book')?$select=EntitySetName`)).body.EntitySetName).toBe("sample_books");
  });
});

describe("Dataverse Web API: publishing customizations", () => {
  let dv: DataverseEmulator;
  let client: Client;
  beforeAll(async () => {
    dv = await startDataverse({ solutions: [PRODUCT_SOLUTION] });
    client = await Client.app(dv);
  });
  afterAll(() => dv.stop());

  it("publishes everything with PublishAllXml, an unbound action without parameters or a result", async () => {
    const answer = await client.post("PublishAllXml", {});
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect((await client.call("POST", "PublishAllXml")).status).toBe(204);
    expect((await client.get("PublishAllXml")).status).toBe(404);
  });

  it("publishes the tables ParameterXml names with PublishXml", async () => {
    const answer = await client.post("PublishXml", { ParameterXml: "<importexportxml><entities><entity>opportunity</entity><entity>cosell_solution</entity></entities></importexportxml>" });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
  });

  it("refuses a PublishXml without ParameterXml, with malformed XML or naming a table the environment lacks", async () => {
    const missing = await client.post("PublishXml", {});
    expect(missing.status).toBe(400);
    expect((missing.body.error as Json).message).toBe("Required parameter 'ParameterXml' of 'PublishXml' is missing or has the wrong type.");
    const malformed = await client.post("PublishXml", { ParameterXml: "<importexportxml><entities>" });
    expect(malformed.status).toBe(400);
    expect((malformed.body.error as Json).message).toMatch(/^ParameterXml is not well-formed XML/);
    const wrongRoot = await client.post("PublishXml", { ParameterXml: "<entities><entity>account</entity></entities>" });
    expect(wrongRoot.status).toBe(400);
    expect((wrongRoot.body.error as Json).message).toMatch(/^ParameterXml must have an <importexportxml> root element/);
    const unknown = await client.post("PublishXml", { ParameterXml: "<importexportxml><entities><entity>cosell_nope</entity></entities></importexportxml>" });
    expect(unknown.status).toBe(404);
    expect((unknown.body.error as Json).message).toBe("Could not find an entity with logical name 'cosell_nope' to publish.");
  });
});
