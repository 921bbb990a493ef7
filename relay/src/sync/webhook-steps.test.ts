import { DEFAULT_SYNC_CONFIG, OpportunityColumns } from "@cosell/core";
import type { RegisteredStep } from "../dataverse/webhooks";
import { missingWebhookSteps, relayWebhookSteps } from "./webhook-steps";

describe("the Dataverse webhook steps the relay asks for", () => {
  const opportunityUpdate = (config = DEFAULT_SYNC_CONFIG) => relayWebhookSteps(config).find((step) => step.message === "Update" && step.table === "opportunity")!;

  it("watches the co-sell columns and the configured deal value column, not the columns the relay writes itself", () => {
    const columns = opportunityUpdate({ ...DEFAULT_SYNC_CONFIG, dealValueField: "budgetamount" }).filteringAttributes;
    expect(columns).toEqual(expect.arrayContaining([OpportunityColumns.syncWithPartnerCenter, OpportunityColumns.helpNeeded, OpportunityColumns.visibility, "budgetamount", "estimatedclosedate", "statecode"]));
    for (const written of [OpportunityColumns.audit, OpportunityColumns.syncStatus, OpportunityColumns.referralId, OpportunityColumns.microsoftCrmId]) {
      expect(columns).not.toContain(written);
    }
    expect(relayWebhookSteps(DEFAULT_SYNC_CONFIG).filter((step) => step.optional).map((step) => step.message)).toEqual(["Win", "Lose"]);
  });

  it("names each step that is missing, disabled or deaf to a wanted column", () => {
    const wanted = relayWebhookSteps({ ...DEFAULT_SYNC_CONFIG, dealValueField: "budgetamount" });
    const registered: RegisteredStep[] = [
      { name: "create", message: "Create", table: "opportunity", enabled: true },
      { name: "update", message: "Update", table: "opportunity", filteringAttributes: opportunityUpdate().filteringAttributes, enabled: true },
      { name: "lead", message: "Update", table: "lead", enabled: false },
      { name: "win", message: "Win", table: "opportunity", enabled: true },
    ];
    expect(missingWebhookSteps(wanted, registered).map((gap) => gap.problem)).toEqual([
      "Update of opportunity does not notify on budgetamount",
      "Update of lead is disabled",
      "no step for Lose of opportunity",
    ]);
  });

  it("counts a step without filtering attributes as hearing every column", () => {
    const wanted = relayWebhookSteps(DEFAULT_SYNC_CONFIG).filter((step) => !step.optional);
    const registered: RegisteredStep[] = wanted.map((step) => ({ name: step.message, message: step.message, table: step.table, enabled: true }));
    expect(missingWebhookSteps(wanted, registered)).toEqual([]);
  });
});
