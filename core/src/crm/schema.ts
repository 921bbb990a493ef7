/**
 * The Dataverse names this product owns or touches. One source of truth for the solution
 * source, the relay, the PCF controls, the form script and the tests.
 * Display names and behaviour: PRODUCT.md §1.
 */

export const PUBLISHER_PREFIX = "cosell";
/** Publisher option-value prefix: every choice value we define is PREFIX * 10000 + n. */
export const OPTION_VALUE_PREFIX = 64521;
const option = (n: number): number => OPTION_VALUE_PREFIX * 10000 + n;

/** Custom columns on Opportunity (logical names). */
export const OpportunityColumns = {
  syncWithPartnerCenter: "cosell_syncwithpartnercenter",
  referralId: "cosell_referralid",
  referralLink: "cosell_referrallink",
  helpNeeded: "cosell_helpneeded",
  visibility: "cosell_visibility",
  microsoftCrmId: "cosell_microsoftcrmid",
  productsObsolete: "cosell_products",
  audit: "cosell_audit",
  syncStatus: "cosell_syncstatus",
  referralStatus: "cosell_referralstatus",
  lastSyncedOn: "cosell_lastsyncedon",
} as const;

/**
 * Custom columns on Lead. PRODUCT.md lists only Opportunity columns; an incoming referral that is
 * not yet accepted lands as a Lead, so the Lead carries the link and status columns it needs.
 */
export const LeadColumns = {
  syncWithPartnerCenter: "cosell_syncwithpartnercenter",
  referralId: "cosell_referralid",
  referralLink: "cosell_referrallink",
  helpNeeded: "cosell_helpneeded",
  microsoftCrmId: "cosell_microsoftcrmid",
  audit: "cosell_audit",
  syncStatus: "cosell_syncstatus",
  referralStatus: "cosell_referralstatus",
  lastSyncedOn: "cosell_lastsyncedon",
} as const;

/** "How can Microsoft help?" choice values ⇄ Partner Center inviteContext.assistanceRequestCode. */
export const HelpNeededOptions = {
  GeneralOrOther: option(0),
  CustomerTechnicalArchitecture: option(1),
  ProofOfConceptOrDemo: option(2),
  QuotesOrLicensing: option(3),
  PostSalesCustomerSuccess: option(4),
  WorkloadSpecificValueProposition: option(5),
} as const;
export type AssistanceRequestCode = keyof typeof HelpNeededOptions;

/** Sync Status choice values. */
export const SyncStatusOptions = {
  NotShared: option(0),
  Pending: option(1),
  Synced: option(2),
  Error: option(3),
} as const;
export type SyncStatus = keyof typeof SyncStatusOptions;

/** The co-sell solution catalog table ("Microsoft Solution Details"). */
export const SolutionTable = {
  logicalName: "cosell_solution",
  entitySetName: "cosell_solutions",
  primaryId: "cosell_solutionid",
  /** Primary name column. */
  name: "cosell_name",
  /** Partner Center solution id, e.g. SOL-15974-MQF; alternate key `cosell_solutionidentifier_key`. */
  solutionIdentifier: "cosell_solutionidentifier",
  alternateKey: "cosell_solutionidentifier_key",
  kind: "cosell_kind",
  publisher: "cosell_publisher",
} as const;

/** Solution kind choice values. */
export const SolutionKindOptions = {
  CoSellReadyPartnerSolution: option(0),
  MicrosoftSolution: option(1),
} as const;
export type SolutionKind = keyof typeof SolutionKindOptions;

/** The N:N "Microsoft Partner Center Solutions" between Opportunity and cosell_solution. */
export const OpportunitySolutionRelationship = {
  schemaName: "cosell_opportunity_cosell_solution",
  intersectEntity: "cosell_opportunity_cosell_solution",
  /** Navigation property on both sides (Dataverse uses the relationship schema name). */
  navigationProperty: "cosell_opportunity_cosell_solution",
} as const;

/** Environment variable schema names, types and defaults (admins change the current value). */
export const EnvironmentVariables = {
  displayCheckMark: { schemaName: "cosell_DisplayCheckMark", type: "Boolean", defaultValue: "yes" },
  dealValueField: { schemaName: "cosell_DealValueField", type: "String", defaultValue: "estimatedvalue" },
  countryCodeField: { schemaName: "cosell_CountryCodeField", type: "String", defaultValue: "address1_country" },
  relayUrl: { schemaName: "cosell_RelayUrl", type: "String", defaultValue: "" },
  fieldMapping: { schemaName: "cosell_FieldMapping", type: "JSON", defaultValue: "" },
} as const;

/** Solution unique name and the web resources / controls it ships. */
export const SolutionNames = {
  uniqueName: "CoSellConnector",
  opportunityFormScript: "cosell_/js/OpportunityForm.js",
  leadFormScript: "cosell_/js/LeadForm.js",
  /** Form script namespace: handlers are CoSell.OpportunityForm.onLoad etc. */
  scriptNamespace: "CoSell",
  formSectionName: "cosell_microsoftpartnercenter",
  pcfNamespace: "CoSell",
  controls: ["HelpNeeded", "Visibility", "SolutionsGrid", "AuditTimeline"],
} as const;

/** Product languages (LCIDs): English, Swedish, Chinese (Simplified), Dutch, Italian, Polish. */
export const Languages = [1033, 1053, 2052, 1043, 1040, 1045] as const;
export type Lcid = (typeof Languages)[number];
