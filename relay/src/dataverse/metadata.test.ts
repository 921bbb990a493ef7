import { EntityReference, odataify, sdkify, setMetadataCache } from "dataverse-ify";
import { metadataCache, opportunity_opportunity_statecode, type Opportunity } from "./entities";

const ACCOUNT = "0b7c2f1e-4d3a-4c5b-8e6f-7a8b9c0d1e2f";

describe("generated metadata with dataverse-ify", () => {
  beforeAll(() => setMetadataCache(metadataCache));

  it("turns an early-bound opportunity into a Web API body: binds per navigation property, date-only dates", async () => {
    const opportunity: Opportunity = {
      logicalName: "opportunity",
      name: "Contoso migration",
      customerid: new EntityReference("account", ACCOUNT),
      transactioncurrencyid: new EntityReference("transactioncurrency", ACCOUNT),
      estimatedclosedate: new Date(Date.UTC(2025, 5, 30, 15, 0, 0)),
      cosell_syncwithpartnercenter: true,
    };
    expect(await odataify("Create", opportunity)).toEqual({
      "@odata.type": "Microsoft.Dynamics.CRM.opportunity",
      name: "Contoso migration",
      "customerid_account@odata.bind": `accounts(${ACCOUNT})`,
      "transactioncurrencyid@odata.bind": `transactioncurrencies(${ACCOUNT})`,
      estimatedclosedate: "2025-06-30",
      cosell_syncwithpartnercenter: true,
    });
  });

  it("turns a Web API row back into typed values: lookups, dates, choices", async () => {
    const row = {
      "@odata.etag": 'W/"1001"',
      opportunityid: "5d2f0a9b-0000-4000-8000-000000000001",
      _customerid_value: ACCOUNT,
      "_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname": "account",
      "_customerid_value@OData.Community.Display.V1.FormattedValue": "Contoso",
      modifiedon: "2025-01-02T03:04:05Z",
      statecode: 0,
      "statecode@OData.Community.Display.V1.FormattedValue": "Open",
    };
    const opportunity = (await sdkify(row, "opportunity")) as Opportunity;
    expect(opportunity.customerid).toEqual(new EntityReference("account", ACCOUNT, "Contoso"));
    expect(opportunity.modifiedon).toEqual(new Date(Date.UTC(2025, 0, 2, 3, 4, 5)));
    expect(opportunity.statecode).toBe(opportunity_opportunity_statecode.Open);
    expect(opportunity.formattedValues?.statecode).toBe("Open");
  });
});
