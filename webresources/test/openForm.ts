import * as LeadForm from "../src/Forms/LeadForm";
import * as OpportunityForm from "../src/Forms/OpportunityForm";
import type { FakeDataverse } from "./fakes/FakeDataverse";
import { FakeFormHost, type OpenFormOptions } from "./fakes/FakeFormHost";
import { ids, leadForm, opportunityForm } from "./fixtures/coSellOrg";

type Options = Partial<Pick<OpenFormOptions, "languageId" | "orgLanguageId" | "id">>;

/** The Opportunity main form with the handlers the solution registers (PRODUCT.md §3). */
export function openOpportunity(org: FakeDataverse, options: Options = {}): FakeFormHost {
  return FakeFormHost.open(org, {
    entityName: "opportunity",
    id: "id" in options ? options.id : ids.opportunity,
    columns: opportunityForm,
    userId: ids.seller,
    languageId: options.languageId,
    orgLanguageId: options.orgLanguageId,
    handlers: {
      onLoad: OpportunityForm.onLoad,
      onSave: OpportunityForm.onSave,
      onChange: {
        columns: ["cosell_syncwithpartnercenter", "cosell_helpneeded", "cosell_visibility"],
        handler: OpportunityForm.onCoSellFieldChange,
      },
    },
  });
}

export function openLead(org: FakeDataverse, options: Options = {}): FakeFormHost {
  return FakeFormHost.open(org, {
    entityName: "lead",
    id: "id" in options ? options.id : ids.lead,
    columns: leadForm,
    userId: ids.seller,
    languageId: options.languageId,
    handlers: { onLoad: LeadForm.onLoad },
  });
}
