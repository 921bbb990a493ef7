/** Test data: the documented Partner Center samples and a complete, shareable opportunity. */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { OpportunityContext } from "../crm/model";
import { HelpNeededOptions, OpportunityState, OpportunityStatusReason, SolutionKindOptions } from "../crm/schema";

export const partnerCenterSamples = path.resolve(__dirname, "../../../../shared/reference/partner-center");

export function readSample(name: string): unknown {
  return JSON.parse(readFileSync(path.join(partnerCenterSamples, name), "utf8"));
}

export function sampleNames(pattern: RegExp): string[] {
  return readdirSync(partnerCenterSamples).filter((name) => pattern.test(name)).sort();
}

/** Deep copy with every property name in PascalCase, as the docs' older samples write them. */
export function toPascalCase(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toPascalCase);
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key.startsWith("@") ? key : key[0].toUpperCase() + key.slice(1), toPascalCase(item)]),
  );
}

export const OPPORTUNITY_ID = "7f3c2a10-5b1e-4c5d-9a0b-1c2d3e4f5a6b";

/** A co-sell opportunity that passes every rule. */
export function coSellOpportunity(): OpportunityContext {
  return {
    opportunity: {
      opportunityid: OPPORTUNITY_ID,
      name: "Contoso supply chain ✔",
      estimatedvalue: 50000,
      estimatedclosedate: "2026-03-31",
      description: "Customer wants Dynamics 365 Supply Chain with custom apps.",
      statecode: OpportunityState.Open,
      statuscode: OpportunityStatusReason.InProgress,
      cosell_syncwithpartnercenter: true,
      cosell_helpneeded: HelpNeededOptions.CustomerTechnicalArchitecture,
      cosell_visibility: true,
    },
    account: {
      accountid: "a1",
      name: "Contoso Customer Inc",
      address1_line1: "One Microsoft Way",
      address1_city: "Redmond",
      address1_stateorprovince: "WA",
      address1_postalcode: "98052",
      address1_country: "US",
      numberofemployees: 40,
    },
    contacts: [{ contactid: "c1", firstname: "Sue", lastname: "Smith", emailaddress1: "sue.smith@contoso.com", telephone1: "1234567890" }],
    solutions: [
      {
        cosell_solutionid: "s1",
        cosell_name: "Contoso Field Analytics",
        cosell_solutionidentifier: "SOL-34104-EBB",
        cosell_kind: SolutionKindOptions.CoSellReadyPartnerSolution,
        cosell_publisher: "Fabrikam Partner",
      },
    ],
    owner: {
      systemuserid: "u1",
      firstname: "John",
      lastname: "Doe",
      internalemailaddress: "john.doe@fabrikam.com",
      address1_telephone1: "1231231234",
    },
    currencyIsoCode: "USD",
  };
}
