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
  /** Why the seller declines an incoming referral; sent to Partner Center with the decline. */
  declineReason: "cosell_declinereason",
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
  /**
   * The co-sell rules and the relay client as an ES module, shared by both form scripts and
   * imported only when a record is shared or a command runs (keeps the form scripts small).
   */
  coSellLibrary: "cosell_/js/CoSellLibrary.js",
  /** MSAL Browser as an ES module, imported by the form scripts only when a token is needed. */
  msalLibrary: "cosell_/js/Msal.js",
  /** MSAL v5 redirect bridge page; its URL (without cache token) is the app registration's SPA redirect URI. */
  authRedirectPage: "cosell_/html/AuthRedirect.html",
  /**
   * Base name of the form scripts' RESX string web resources: one `<base>.<lcid>.resx` per product
   * language, each a dependency of both form script web resources (read with getResourceString).
   */
  formScriptStrings: "cosell_/strings/FormScripts",
  /** Form script namespace: handlers are CoSell.OpportunityForm.onLoad etc. */
  scriptNamespace: "CoSell",
  formSectionName: "cosell_microsoftpartnercenter",
  pcfNamespace: "CoSell",
  controls: ["HelpNeeded", "Visibility", "SolutionsGrid", "AuditTimeline"],
} as const;

/** Product languages (LCIDs): English, Swedish, Chinese (Simplified), Dutch, Italian, Polish. */
export const Languages = [1033, 1053, 2052, 1043, 1040, 1045] as const;
export type Lcid = (typeof Languages)[number];

/**
 * Standard Dataverse columns the mapping reads or writes (logical names of the out-of-the-box tables).
 * Kept here so the relay, the form script and the emulators agree on them.
 */
export const OpportunityTable = {
  logicalName: "opportunity",
  entitySetName: "opportunities",
  primaryId: "opportunityid",
  name: "name",
  estimatedValue: "estimatedvalue",
  estimatedCloseDate: "estimatedclosedate",
  description: "description",
  currency: "transactioncurrencyid",
  account: "parentaccountid",
  contact: "parentcontactid",
  customer: "customerid",
  owner: "ownerid",
  stateCode: "statecode",
  statusCode: "statuscode",
} as const;

export const LeadTable = {
  logicalName: "lead",
  entitySetName: "leads",
  primaryId: "leadid",
  topic: "subject",
  companyName: "companyname",
  firstName: "firstname",
  lastName: "lastname",
  email: "emailaddress1",
  phone: "telephone1",
  budgetAmount: "budgetamount",
  estimatedCloseDate: "estimatedclosedate",
  description: "description",
  currency: "transactioncurrencyid",
  stateCode: "statecode",
  statusCode: "statuscode",
} as const;

export const AccountTable = {
  logicalName: "account",
  entitySetName: "accounts",
  primaryId: "accountid",
  name: "name",
  line1: "address1_line1",
  line2: "address1_line2",
  city: "address1_city",
  stateOrProvince: "address1_stateorprovince",
  postalCode: "address1_postalcode",
  country: "address1_country",
  numberOfEmployees: "numberofemployees",
} as const;

export const ContactTable = {
  logicalName: "contact",
  entitySetName: "contacts",
  primaryId: "contactid",
  firstName: "firstname",
  lastName: "lastname",
  email: "emailaddress1",
  phone: "telephone1",
  mobilePhone: "mobilephone",
} as const;

export const SystemUserTable = {
  logicalName: "systemuser",
  entitySetName: "systemusers",
  primaryId: "systemuserid",
  /** Sign-in name (UPN) in Microsoft Entra ID. */
  domainName: "domainname",
  firstName: "firstname",
  lastName: "lastname",
  email: "internalemailaddress",
  phone: "address1_telephone1",
  mobilePhone: "mobilephone",
} as const;

export const TransactionCurrencyTable = {
  logicalName: "transactioncurrency",
  entitySetName: "transactioncurrencies",
  primaryId: "transactioncurrencyid",
  isoCode: "isocurrencycode",
} as const;

/** Opportunity statecode / statuscode values of the standard table. */
export const OpportunityState = { Open: 0, Won: 1, Lost: 2 } as const;
export const OpportunityStatusReason = { InProgress: 1, OnHold: 2, Won: 3, Canceled: 4, OutSold: 5 } as const;

/** Lead statecode / statuscode values of the standard table. */
export const LeadState = { Open: 0, Qualified: 1, Disqualified: 2 } as const;
export const LeadStatusReason = {
  New: 1,
  Contacted: 2,
  Qualified: 3,
  Lost: 4,
  CannotContact: 5,
  NoLongerInterested: 6,
  Canceled: 7,
} as const;

/**
 * Maximum length of the Audit column (`cosell_audit`, multiline text). The audit log renderer trims
 * the oldest entries to stay within it.
 */
export const AUDIT_MAX_LENGTH = 20000;
