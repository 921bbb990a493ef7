import { normalizeBinds, recordKey, toOperations, type EntityNames, type ExecuteRequest, type OperationMetadata } from "./operations";

const apiRoot = "https://org.example.crm.dynamics.com/api/data/v9.2/";
const names: EntityNames = {
  entitySetName: async (logicalName) => ({ opportunity: "opportunities", lead: "leads", account: "accounts", cosell_solution: "cosell_solutions", transactioncurrency: "transactioncurrencies" })[logicalName] ?? `${logicalName}s`,
  primaryIdAttribute: async (logicalName) => `${logicalName}id`,
};
const OPPORTUNITY = "6a7e4b0c-1d2e-4f30-8a41-5b6c7d8e9f01";
const LEAD = "7b8f5c1d-2e3f-4a41-9b52-6c7d8e9f0a12";

function request(metadata: OperationMetadata, parameters: Record<string, unknown>): ExecuteRequest {
  return { ...parameters, getMetadata: () => metadata };
}

describe("execute request translation", () => {
  it("posts an unbound action with its entity parameter and binds that point at the service root", async () => {
    const win = request(
      {
        operationName: "WinOpportunity",
        operationType: 0,
        parameterTypes: {
          OpportunityClose: { typeName: "mscrm.opportunityclose", structuralProperty: 5 },
          Status: { typeName: "Edm.Int32", structuralProperty: 1 },
        },
      },
      {
        OpportunityClose: { "@odata.type": "Microsoft.Dynamics.CRM.opportunityclose", subject: "Won", "opportunityid@odata.bind": `opportunities(${OPPORTUNITY})` },
        Status: 3,
      },
    );
    const [operation] = await toOperations(win, names, apiRoot);
    expect(operation.method).toBe("POST");
    expect(operation.path).toBe("WinOpportunity");
    expect(JSON.parse(operation.body!)).toEqual({
      OpportunityClose: { "@odata.type": "Microsoft.Dynamics.CRM.opportunityclose", subject: "Won", "opportunityid@odata.bind": `/opportunities(${OPPORTUNITY})` },
      Status: 3,
    });
  });

  it("posts a bound action to the row, sending entity references as typed keys", async () => {
    const qualify = request(
      {
        boundParameter: "entity",
        operationName: "QualifyLead",
        operationType: 0,
        parameterTypes: {
          entity: { typeName: "mscrm.lead", structuralProperty: 5 },
          CreateOpportunity: { typeName: "Edm.Boolean", structuralProperty: 1 },
          OpportunityCurrencyId: { typeName: "mscrm.transactioncurrency", structuralProperty: 5 },
          Status: { typeName: "Edm.Int32", structuralProperty: 1 },
        },
      },
      { entity: { entityType: "lead", id: `{${LEAD.toUpperCase()}}` }, CreateOpportunity: true, OpportunityCurrencyId: { entityType: "transactioncurrency", id: OPPORTUNITY }, Status: 3 },
    );
    const [operation] = await toOperations(qualify, names, apiRoot);
    expect(operation.path).toBe(`leads(${LEAD})/Microsoft.Dynamics.CRM.QualifyLead`);
    expect(JSON.parse(operation.body!)).toEqual({
      CreateOpportunity: true,
      OpportunityCurrencyId: { "@odata.type": "Microsoft.Dynamics.CRM.transactioncurrency", transactioncurrencyid: OPPORTUNITY },
      Status: 3,
    });
  });

  it("calls a function with parameter aliases, quoting strings", async () => {
    const fn = request(
      {
        operationName: "RetrieveEnvironmentVariableValue",
        operationType: 1,
        parameterTypes: { DefinitionSchemaName: { typeName: "Edm.String", structuralProperty: 1 } },
      },
      { DefinitionSchemaName: "cosell_O'Brien" },
    );
    const [operation] = await toOperations(fn, names, apiRoot);
    expect(operation.method).toBe("GET");
    expect(operation.path).toBe(`RetrieveEnvironmentVariableValue(DefinitionSchemaName=@p0)?@p0=${encodeURIComponent("'cosell_O''Brien'")}`);
    const [whoAmI] = await toOperations(request({ operationName: "WhoAmI", operationType: 1, parameterTypes: {} }, {}), names, apiRoot);
    expect(whoAmI.path).toBe("WhoAmI()");
  });

  it("turns CRUD requests into REST calls, one $ref POST per associated row", async () => {
    const crud = (operationName: string, parameters: Record<string, unknown>) => request({ operationName, operationType: 2, parameterTypes: {} }, parameters);
    const associate = await toOperations(
      crud("Associate", {
        target: { entityType: "opportunity", id: OPPORTUNITY },
        relationship: "cosell_opportunity_cosell_solution",
        relatedEntities: [
          { entityType: "cosell_solution", id: LEAD },
          { entityType: "cosell_solution", id: OPPORTUNITY },
        ],
      }),
      names,
      apiRoot,
    );
    expect(associate).toHaveLength(2);
    expect(associate[0]).toEqual({
      method: "POST",
      path: `opportunities(${OPPORTUNITY})/cosell_opportunity_cosell_solution/$ref`,
      body: JSON.stringify({ "@odata.id": `${apiRoot}cosell_solutions(${LEAD})` }),
    });
    const [disassociate] = await toOperations(
      crud("Disassociate", { target: { entityType: "opportunity", id: OPPORTUNITY }, relationship: "cosell_opportunity_cosell_solution", relatedEntityId: LEAD }),
      names,
      apiRoot,
    );
    expect(disassociate).toEqual({ method: "DELETE", path: `opportunities(${OPPORTUNITY})/cosell_opportunity_cosell_solution(${LEAD})/$ref` });
    const [create] = await toOperations(crud("Create", { etn: "account", payload: { name: "Contoso" } }), names, apiRoot);
    expect(create).toEqual({ method: "POST", path: "accounts", body: '{"name":"Contoso"}' });
    await expect(toOperations(crud("Merge", {}), names, apiRoot)).rejects.toThrow(/Unsupported CRUD operation "Merge"/);
  });

  it("addresses rows by GUID or by alternate key, and nothing else", () => {
    expect(recordKey(`{${LEAD.toUpperCase()}}`)).toBe(`(${LEAD})`);
    expect(recordKey("cosell_solutionidentifier='SOL-1'")).toBe("(cosell_solutionidentifier='SOL-1')");
    expect(() => recordKey("42")).toThrow(/neither a GUID nor an alternate key/);
  });

  it("leaves absolute and already rooted binds alone", () => {
    expect(normalizeBinds({ "a@odata.bind": "/accounts(1)", "b@odata.bind": `${apiRoot}accounts(1)`, nested: [{ "c@odata.bind": "contacts(2)" }] })).toEqual({
      "a@odata.bind": "/accounts(1)",
      "b@odata.bind": `${apiRoot}accounts(1)`,
      nested: [{ "c@odata.bind": "/contacts(2)" }],
    });
  });
});
