/**
 * The form scripts as modules (the bundles expose the same under `CoSell.OpportunityForm` and
 * `CoSell.LeadForm`; see scripts/bundle.ts).
 */
export * as OpportunityForm from "./Forms/OpportunityForm";
export * as LeadForm from "./Forms/LeadForm";
