/**
 * The out-of-the-box tables and messages the relay touches, with only the columns it reads or
 * writes. Dataverse defines these; our solution adds columns to some of them (read from the
 * solution source and merged in). Names, types, option values and date behaviours follow the
 * platform's table and message reference; logical names come from `@cosell/core` where it has them.
 */
import {
  AccountTable,
  ContactTable,
  LeadState,
  LeadStatusReason,
  LeadTable,
  OpportunityState,
  OpportunityStatusReason,
  OpportunityTable,
  SystemUserTable,
  TransactionCurrencyTable,
} from "@cosell/core";
import type { ColumnKind, ColumnSpec, OperationSpec, OptionSpec, TableSpec } from "./model";

type Extra = Partial<Omit<ColumnSpec, "logicalName" | "schemaName" | "kind" | "displayName">>;

function column(logicalName: string, schemaName: string, kind: ColumnKind, displayName: string, extra: Extra = {}): ColumnSpec {
  return { logicalName, schemaName, kind, displayName, ...extra };
}

const lookup = (logicalName: string, schemaName: string, displayName: string, targets: string[], extra: Extra = {}) =>
  column(logicalName, schemaName, targets.length > 1 ? "customer" : "lookup", displayName, { targets, ...extra });

function options(values: Record<string, number>, labels: Record<string, string> = {}): OptionSpec[] {
  return Object.entries(values).map(([key, value]) => ({ value, label: labels[key] ?? key }));
}

function choice(table: string, logicalName: string, schemaName: string, kind: "picklist" | "state" | "status", displayName: string, values: OptionSpec[], extra: Extra = {}): ColumnSpec {
  return column(logicalName, schemaName, kind, displayName, { optionSet: { name: `${table}_${logicalName}`, global: false, options: values }, ...extra });
}

/** Columns every table has: audit stamps, owner, row version. */
function systemColumns(owned: boolean): ColumnSpec[] {
  return [
    column("createdon", "CreatedOn", "datetime", "Created On", { dateFormat: "DateAndTime:UserLocal" }),
    column("modifiedon", "ModifiedOn", "datetime", "Modified On", { dateFormat: "DateAndTime:UserLocal" }),
    lookup("createdby", "CreatedBy", "Created By", ["systemuser"]),
    lookup("modifiedby", "ModifiedBy", "Modified By", ["systemuser"]),
    lookup("modifiedonbehalfby", "ModifiedOnBehalfBy", "Modified By (Delegate)", ["systemuser"]),
    ...(owned ? [column("ownerid", "OwnerId", "owner", "Owner", { targets: ["systemuser", "team"] })] : []),
    column("versionnumber", "VersionNumber", "bigint", "Version Number"),
  ];
}

const activeInactive = (table: string): ColumnSpec[] => [
  choice(table, "statecode", "StateCode", "state", "Status", options({ Active: 0, Inactive: 1 })),
  choice(table, "statuscode", "StatusCode", "status", "Status Reason", options({ Active: 1, Inactive: 2 })),
];

const account: TableSpec = {
  logicalName: AccountTable.logicalName,
  schemaName: "Account",
  entitySetName: AccountTable.entitySetName,
  primaryIdAttribute: AccountTable.primaryId,
  displayName: "Account",
  columns: [
    column(AccountTable.primaryId, "AccountId", "primarykey", "Account"),
    column(AccountTable.name, "Name", "string", "Account Name", { required: true }),
    column("accountnumber", "AccountNumber", "string", "Account Number"),
    column(AccountTable.line1, "Address1_Line1", "string", "Address 1: Street 1"),
    column(AccountTable.line2, "Address1_Line2", "string", "Address 1: Street 2"),
    column(AccountTable.city, "Address1_City", "string", "Address 1: City"),
    column(AccountTable.stateOrProvince, "Address1_StateOrProvince", "string", "Address 1: State/Province"),
    column(AccountTable.postalCode, "Address1_PostalCode", "string", "Address 1: ZIP/Postal Code"),
    column(AccountTable.country, "Address1_Country", "string", "Address 1: Country/Region"),
    column("telephone1", "Telephone1", "string", "Main Phone"),
    column("websiteurl", "WebSiteURL", "string", "Website"),
    column(AccountTable.numberOfEmployees, "NumberOfEmployees", "integer", "Number of Employees"),
    lookup("primarycontactid", "PrimaryContactId", "Primary Contact", ["contact"]),
    lookup("parentaccountid", "ParentAccountId", "Parent Account", ["account"]),
    lookup("transactioncurrencyid", "TransactionCurrencyId", "Currency", ["transactioncurrency"]),
    ...activeInactive(AccountTable.logicalName),
    ...systemColumns(true),
  ],
};

const contact: TableSpec = {
  logicalName: ContactTable.logicalName,
  schemaName: "Contact",
  entitySetName: ContactTable.entitySetName,
  primaryIdAttribute: ContactTable.primaryId,
  displayName: "Contact",
  columns: [
    column(ContactTable.primaryId, "ContactId", "primarykey", "Contact"),
    column(ContactTable.firstName, "FirstName", "string", "First Name"),
    column(ContactTable.lastName, "LastName", "string", "Last Name", { required: true }),
    column("fullname", "FullName", "string", "Full Name"),
    column(ContactTable.email, "EMailAddress1", "string", "Email"),
    column(ContactTable.phone, "Telephone1", "string", "Business Phone"),
    column(ContactTable.mobilePhone, "MobilePhone", "string", "Mobile Phone"),
    column("jobtitle", "JobTitle", "string", "Job Title"),
    lookup("parentcustomerid", "ParentCustomerId", "Company Name", ["account", "contact"]),
    ...activeInactive(ContactTable.logicalName),
    ...systemColumns(true),
  ],
};

const lead: TableSpec = {
  logicalName: LeadTable.logicalName,
  schemaName: "Lead",
  entitySetName: LeadTable.entitySetName,
  primaryIdAttribute: LeadTable.primaryId,
  displayName: "Lead",
  columns: [
    column(LeadTable.primaryId, "LeadId", "primarykey", "Lead"),
    column(LeadTable.topic, "Subject", "string", "Topic", { required: true }),
    column(LeadTable.companyName, "CompanyName", "string", "Company Name"),
    column(LeadTable.firstName, "FirstName", "string", "First Name"),
    column(LeadTable.lastName, "LastName", "string", "Last Name", { required: true }),
    column("fullname", "FullName", "string", "Name"),
    column(LeadTable.email, "EMailAddress1", "string", "Email"),
    column(LeadTable.phone, "Telephone1", "string", "Business Phone"),
    column(LeadTable.budgetAmount, "BudgetAmount", "money", "Budget Amount"),
    column(LeadTable.estimatedCloseDate, "EstimatedCloseDate", "datetime", "Est. Close Date", { dateFormat: "DateOnly:DateOnly" }),
    column(LeadTable.description, "Description", "memo", "Description"),
    column("address1_line1", "Address1_Line1", "string", "Street 1"),
    column("address1_city", "Address1_City", "string", "City"),
    column("address1_postalcode", "Address1_PostalCode", "string", "ZIP/Postal Code"),
    column("address1_country", "Address1_Country", "string", "Country/Region"),
    lookup(LeadTable.currency, "TransactionCurrencyId", "Currency", ["transactioncurrency"]),
    lookup("parentaccountid", "ParentAccountId", "Existing Account", ["account"]),
    lookup("parentcontactid", "ParentContactId", "Existing Contact", ["contact"]),
    lookup("qualifyingopportunityid", "QualifyingOpportunityId", "Qualifying Opportunity", ["opportunity"]),
    choice(LeadTable.logicalName, LeadTable.stateCode, "StateCode", "state", "Status", options(LeadState)),
    choice(LeadTable.logicalName, LeadTable.statusCode, "StatusCode", "status", "Status Reason", options(LeadStatusReason, { CannotContact: "Cannot Contact", NoLongerInterested: "No Longer Interested" })),
    ...systemColumns(true),
  ],
};

const opportunity: TableSpec = {
  logicalName: OpportunityTable.logicalName,
  schemaName: "Opportunity",
  entitySetName: OpportunityTable.entitySetName,
  primaryIdAttribute: OpportunityTable.primaryId,
  displayName: "Opportunity",
  columns: [
    column(OpportunityTable.primaryId, "OpportunityId", "primarykey", "Opportunity"),
    column(OpportunityTable.name, "Name", "string", "Topic", { required: true }),
    column(OpportunityTable.description, "Description", "memo", "Description"),
    column(OpportunityTable.estimatedValue, "EstimatedValue", "money", "Est. Revenue"),
    column(OpportunityTable.estimatedCloseDate, "EstimatedCloseDate", "datetime", "Est. Close Date", { dateFormat: "DateOnly:DateOnly" }),
    column("actualvalue", "ActualValue", "money", "Actual Revenue"),
    column("actualclosedate", "ActualCloseDate", "datetime", "Actual Close Date", { dateFormat: "DateOnly:DateOnly" }),
    column("closeprobability", "CloseProbability", "integer", "Probability"),
    lookup(OpportunityTable.currency, "TransactionCurrencyId", "Currency", ["transactioncurrency"]),
    lookup(OpportunityTable.account, "ParentAccountId", "Account", ["account"]),
    lookup(OpportunityTable.contact, "ParentContactId", "Contact", ["contact"]),
    lookup(OpportunityTable.customer, "CustomerId", "Potential Customer", ["account", "contact"]),
    lookup("originatingleadid", "OriginatingLeadId", "Originating Lead", ["lead"]),
    choice(OpportunityTable.logicalName, OpportunityTable.stateCode, "StateCode", "state", "Status", options(OpportunityState)),
    choice(OpportunityTable.logicalName, OpportunityTable.statusCode, "StatusCode", "status", "Status Reason", options(OpportunityStatusReason, { InProgress: "In Progress", OnHold: "On Hold", OutSold: "Out-Sold" })),
    ...systemColumns(true),
  ],
};

const opportunityClose: TableSpec = {
  logicalName: "opportunityclose",
  schemaName: "OpportunityClose",
  entitySetName: "opportunitycloses",
  primaryIdAttribute: "activityid",
  displayName: "Opportunity Close",
  columns: [
    column("activityid", "ActivityId", "primarykey", "Opportunity Close"),
    column("subject", "Subject", "string", "Subject"),
    column("description", "Description", "memo", "Description"),
    column("actualrevenue", "ActualRevenue", "money", "Actual Revenue"),
    column("actualend", "ActualEnd", "datetime", "Close Date", { dateFormat: "DateOnly:UserLocal" }),
    lookup("opportunityid", "OpportunityId", "Opportunity", ["opportunity"]),
  ],
};

const systemUser: TableSpec = {
  logicalName: SystemUserTable.logicalName,
  schemaName: "SystemUser",
  entitySetName: SystemUserTable.entitySetName,
  primaryIdAttribute: SystemUserTable.primaryId,
  displayName: "User",
  columns: [
    column(SystemUserTable.primaryId, "SystemUserId", "primarykey", "User"),
    column("fullname", "FullName", "string", "Full Name"),
    column(SystemUserTable.firstName, "FirstName", "string", "First Name"),
    column(SystemUserTable.lastName, "LastName", "string", "Last Name"),
    column("domainname", "DomainName", "string", "User Name"),
    column(SystemUserTable.email, "InternalEMailAddress", "string", "Primary Email"),
    column("azureactivedirectoryobjectid", "AzureActiveDirectoryObjectId", "uniqueidentifier", "Azure AD Object ID"),
    column("applicationid", "ApplicationId", "uniqueidentifier", "Application ID"),
    column("isdisabled", "IsDisabled", "boolean", "Status"),
  ],
};

const transactionCurrency: TableSpec = {
  logicalName: TransactionCurrencyTable.logicalName,
  schemaName: "TransactionCurrency",
  entitySetName: TransactionCurrencyTable.entitySetName,
  primaryIdAttribute: TransactionCurrencyTable.primaryId,
  displayName: "Currency",
  columns: [
    column(TransactionCurrencyTable.primaryId, "TransactionCurrencyId", "primarykey", "Currency"),
    column(TransactionCurrencyTable.isoCode, "ISOCurrencyCode", "string", "Currency Code", { required: true }),
    column("currencyname", "CurrencyName", "string", "Currency Name", { required: true }),
    column("currencysymbol", "CurrencySymbol", "string", "Currency Symbol"),
    column("exchangerate", "ExchangeRate", "decimal", "Exchange Rate"),
  ],
};

/** Environment variable type values (dataverse-pcf.md §2.6). */
const environmentVariableTypes = options(
  { String: 100000000, Number: 100000001, Boolean: 100000002, JSON: 100000003, DataSource: 100000004, Secret: 100000005 },
  { DataSource: "Data source" },
);

const environmentVariableDefinition: TableSpec = {
  logicalName: "environmentvariabledefinition",
  schemaName: "EnvironmentVariableDefinition",
  entitySetName: "environmentvariabledefinitions",
  primaryIdAttribute: "environmentvariabledefinitionid",
  displayName: "Environment Variable Definition",
  columns: [
    column("environmentvariabledefinitionid", "EnvironmentVariableDefinitionId", "primarykey", "Environment Variable Definition"),
    column("schemaname", "SchemaName", "string", "Schema Name", { required: true }),
    column("displayname", "DisplayName", "string", "Display Name"),
    column("defaultvalue", "DefaultValue", "memo", "Default Value"),
    choice("environmentvariabledefinition", "type", "Type", "picklist", "Type", environmentVariableTypes),
    column("modifiedon", "ModifiedOn", "datetime", "Modified On", { dateFormat: "DateAndTime:UserLocal" }),
  ],
};

const environmentVariableValue: TableSpec = {
  logicalName: "environmentvariablevalue",
  schemaName: "EnvironmentVariableValue",
  entitySetName: "environmentvariablevalues",
  primaryIdAttribute: "environmentvariablevalueid",
  displayName: "Environment Variable Value",
  columns: [
    column("environmentvariablevalueid", "EnvironmentVariableValueId", "primarykey", "Environment Variable Value"),
    column("schemaname", "SchemaName", "string", "Schema Name"),
    column("value", "Value", "memo", "Value"),
    // A newer table: its navigation property is schema-cased, unlike the older tables' lookups.
    lookup("environmentvariabledefinitionid", "EnvironmentVariableDefinitionId", "Environment Variable Definition", ["environmentvariabledefinition"], {
      navigationProperty: "EnvironmentVariableDefinitionId",
    }),
    column("modifiedon", "ModifiedOn", "datetime", "Modified On", { dateFormat: "DateAndTime:UserLocal" }),
  ],
};

const serviceEndpoint: TableSpec = {
  logicalName: "serviceendpoint",
  schemaName: "ServiceEndpoint",
  entitySetName: "serviceendpoints",
  primaryIdAttribute: "serviceendpointid",
  displayName: "Service Endpoint",
  columns: [
    column("serviceendpointid", "ServiceEndpointId", "primarykey", "Service Endpoint"),
    column("name", "Name", "string", "Name", { required: true }),
    column("description", "Description", "memo", "Description"),
    column("url", "Url", "string", "Url Address"),
    choice("serviceendpoint", "contract", "Contract", "picklist", "Contract", options({ OneWay: 1, Queue: 2, Rest: 3, TwoWay: 4, Topic: 5, QueuePersistent: 6, EventHub: 7, Webhook: 8, EventGrid: 9, ManagedDataLake: 10, ContainerStorage: 11 })),
    choice("serviceendpoint", "authtype", "AuthType", "picklist", "Authorization Type", options({ ACS: 1, SASKey: 2, SASToken: 3, WebhookKey: 4, HttpHeader: 5, HttpQueryString: 6, ConnectionString: 7, AccessKey: 8, ManagedIdentity: 9 })),
    column("authvalue", "AuthValue", "string", "Authorization Value"),
    choice("serviceendpoint", "messageformat", "MessageFormat", "picklist", "Message Format", options({ BinaryXML: 1, Json: 2, TextXML: 3 })),
    choice("serviceendpoint", "userclaim", "UserClaim", "picklist", "User Information Sent", options({ None: 1, UserId: 2, UserInfo: 3 })),
  ],
};

const sdkMessage: TableSpec = {
  logicalName: "sdkmessage",
  schemaName: "SdkMessage",
  entitySetName: "sdkmessages",
  primaryIdAttribute: "sdkmessageid",
  displayName: "Sdk Message",
  columns: [column("sdkmessageid", "SdkMessageId", "primarykey", "Sdk Message"), column("name", "Name", "string", "Name")],
};

const sdkMessageFilter: TableSpec = {
  logicalName: "sdkmessagefilter",
  schemaName: "SdkMessageFilter",
  entitySetName: "sdkmessagefilters",
  primaryIdAttribute: "sdkmessagefilterid",
  displayName: "Sdk Message Filter",
  columns: [
    column("sdkmessagefilterid", "SdkMessageFilterId", "primarykey", "Sdk Message Filter"),
    column("primaryobjecttypecode", "PrimaryObjectTypeCode", "entityname", "Primary Object Type Code"),
    lookup("sdkmessageid", "SdkMessageId", "Sdk Message", ["sdkmessage"]),
  ],
};

const sdkMessageProcessingStep: TableSpec = {
  logicalName: "sdkmessageprocessingstep",
  schemaName: "SdkMessageProcessingStep",
  entitySetName: "sdkmessageprocessingsteps",
  primaryIdAttribute: "sdkmessageprocessingstepid",
  displayName: "Sdk Message Processing Step",
  columns: [
    column("sdkmessageprocessingstepid", "SdkMessageProcessingStepId", "primarykey", "Sdk Message Processing Step"),
    column("name", "Name", "string", "Name"),
    column("description", "Description", "memo", "Description"),
    choice("sdkmessageprocessingstep", "stage", "Stage", "picklist", "Execution Stage", options({ PreValidation: 10, PreOperation: 20, MainOperation: 30, PostOperation: 40 })),
    choice("sdkmessageprocessingstep", "mode", "Mode", "picklist", "Execution Mode", options({ Synchronous: 0, Asynchronous: 1 })),
    column("rank", "Rank", "integer", "Execution Order"),
    choice("sdkmessageprocessingstep", "supporteddeployment", "SupportedDeployment", "picklist", "Deployment", options({ ServerOnly: 0, MicrosoftDynamics365Client: 1, Both: 2 })),
    column("asyncautodelete", "AsyncAutoDelete", "boolean", "Asynchronous Automatic Delete"),
    column("filteringattributes", "FilteringAttributes", "string", "Filtering Attributes"),
    lookup("sdkmessageid", "SdkMessageId", "SDK Message", ["sdkmessage"]),
    lookup("sdkmessagefilterid", "SdkMessageFilterId", "SdkMessage Filter", ["sdkmessagefilter"]),
    lookup("eventhandler", "EventHandler", "Event Handler", ["serviceendpoint", "plugintype"]),
    choice("sdkmessageprocessingstep", "statecode", "StateCode", "state", "Status", options({ Enabled: 0, Disabled: 1 })),
    choice("sdkmessageprocessingstep", "statuscode", "StatusCode", "status", "Status Reason", options({ Enabled: 1, Disabled: 2 })),
  ],
};

export const standardTables: TableSpec[] = [
  account,
  contact,
  lead,
  opportunity,
  opportunityClose,
  systemUser,
  transactionCurrency,
  environmentVariableDefinition,
  environmentVariableValue,
  serviceEndpoint,
  sdkMessage,
  sdkMessageFilter,
  sdkMessageProcessingStep,
];

/** Columns a new custom table gets from the platform even when its Entity.xml omits them. */
export function customTableSystemColumns(logicalName: string, userOwned: boolean): ColumnSpec[] {
  return [...activeInactive(logicalName), ...systemColumns(userOwned)];
}

/** Messages the relay sends, as the Web API $metadata declares them. */
export const standardOperations: OperationSpec[] = [
  {
    name: "WinOpportunity",
    kind: "action",
    description: "Closes an opportunity as won, recording an opportunity close activity.",
    parameters: [
      { name: "OpportunityClose", typeName: "mscrm.opportunityclose", structural: "EntityType", required: true },
      { name: "Status", typeName: "Edm.Int32", structural: "PrimitiveType", required: true },
    ],
  },
  {
    name: "LoseOpportunity",
    kind: "action",
    description: "Closes an opportunity as lost (canceled or out-sold), recording an opportunity close activity.",
    parameters: [
      { name: "OpportunityClose", typeName: "mscrm.opportunityclose", structural: "EntityType", required: true },
      { name: "Status", typeName: "Edm.Int32", structural: "PrimitiveType", required: true },
    ],
  },
  {
    name: "QualifyLead",
    kind: "action",
    boundTo: "lead",
    description: "Qualifies a lead and creates the account, contact and opportunity it asks for.",
    parameters: [
      { name: "entity", typeName: "mscrm.lead", structural: "EntityType", required: true },
      { name: "CreateAccount", typeName: "Edm.Boolean", structural: "PrimitiveType", required: true },
      { name: "CreateContact", typeName: "Edm.Boolean", structural: "PrimitiveType", required: true },
      { name: "CreateOpportunity", typeName: "Edm.Boolean", structural: "PrimitiveType", required: true },
      { name: "OpportunityCurrencyId", typeName: "mscrm.transactioncurrency", structural: "EntityType", required: false },
      { name: "OpportunityCustomerId", typeName: "mscrm.crmbaseentity", structural: "EntityType", required: false },
      { name: "SourceCampaignId", typeName: "mscrm.crmbaseentity", structural: "EntityType", required: false },
      { name: "Status", typeName: "Edm.Int32", structural: "PrimitiveType", required: true },
      { name: "SuppressDuplicateDetection", typeName: "Edm.Boolean", structural: "PrimitiveType", required: false },
    ],
  },
  {
    name: "WhoAmI",
    kind: "function",
    description: "The calling (or impersonated) user, business unit and organization.",
    parameters: [],
    response: {
      name: "WhoAmIResponse",
      properties: [
        { name: "BusinessUnitId", typeName: "Edm.Guid" },
        { name: "UserId", typeName: "Edm.Guid" },
        { name: "OrganizationId", typeName: "Edm.Guid" },
      ],
    },
  },
];
