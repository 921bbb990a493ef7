/**
 * The standard Dataverse / Dynamics 365 Sales tables the product reads and writes, with their
 * real logical names, entity set names, column types, state models and relationship (navigation
 * property) names. Only the columns the product and its tests touch are declared; anything else
 * is rejected as Dataverse rejects an unknown column.
 */
import { MetadataCatalog } from "./catalog";
import {
  activeInactive,
  col,
  currencyColumns,
  lookupRelationship as rel,
  moneyWithBase,
  options,
  systemRelationships,
  table,
  type StateModel,
} from "./builder";
import type { AttributeMetadata, EntityMetadata, OneToManyRelationship } from "./model";

const address = (prefix: "address1" | "address2"): AttributeMetadata[] => [
  col.string(`${prefix}_name`, 200),
  col.string(`${prefix}_line1`, 250, { displayName: "Street 1" }),
  col.string(`${prefix}_line2`, 250, { displayName: "Street 2" }),
  col.string(`${prefix}_line3`, 250, { displayName: "Street 3" }),
  col.string(`${prefix}_city`, 80, { displayName: "City" }),
  col.string(`${prefix}_county`, 50, { displayName: "County" }),
  col.string(`${prefix}_stateorprovince`, 50, { displayName: "State/Province" }),
  col.string(`${prefix}_postalcode`, 20, { displayName: "ZIP/Postal Code" }),
  col.string(`${prefix}_country`, 80, { displayName: "Country/Region" }),
  col.phone(`${prefix}_telephone1`),
  col.memo(`${prefix}_composite`, 1000, { ...col.readOnly, displayName: "Address" }),
];

const account = table({
  logicalName: "account",
  entitySetName: "accounts",
  primaryId: "accountid",
  primaryName: "name",
  objectTypeCode: 1,
  ownership: "UserOwned",
  displayName: "Account",
  displayCollectionName: "Accounts",
  stateModel: activeInactive,
  columns: [
    col.string("name", 160, { displayName: "Account Name", requiredLevel: "ApplicationRequired" }),
    col.string("accountnumber", 20, { displayName: "Account Number" }),
    col.phone("telephone1", 50, { displayName: "Main Phone" }),
    col.email("emailaddress1", 100, { displayName: "Email" }),
    col.url("websiteurl", 200, { displayName: "Website" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.int("numberofemployees", { displayName: "Number of Employees" }),
    ...moneyWithBase("revenue", "Annual Revenue"),
    ...address("address1"),
    ...address("address2"),
    col.lookup("primarycontactid", ["contact"], { displayName: "Primary Contact" }),
    col.lookup("parentaccountid", ["account"], { displayName: "Parent Account" }),
    col.lookup("originatingleadid", ["lead"], { displayName: "Originating Lead" }),
    ...currencyColumns(),
  ],
});

const contact = table({
  logicalName: "contact",
  entitySetName: "contacts",
  primaryId: "contactid",
  primaryName: "fullname",
  objectTypeCode: 2,
  ownership: "UserOwned",
  displayName: "Contact",
  displayCollectionName: "Contacts",
  stateModel: activeInactive,
  columns: [
    col.string("firstname", 50, { displayName: "First Name" }),
    col.string("middlename", 50, { displayName: "Middle Name" }),
    col.string("lastname", 50, { displayName: "Last Name", requiredLevel: "ApplicationRequired" }),
    col.string("fullname", 160, { ...col.readOnly, displayName: "Full Name" }),
    col.string("yomifullname", 450, { ...col.readOnly, displayName: "Yomi Full Name" }),
    col.email("emailaddress1", 100, { displayName: "Email" }),
    col.email("emailaddress2", 100, { displayName: "Email Address 2" }),
    col.phone("telephone1", 50, { displayName: "Business Phone" }),
    col.phone("mobilephone", 50, { displayName: "Mobile Phone" }),
    col.string("jobtitle", 100, { displayName: "Job Title" }),
    col.memo("description", 2000, { displayName: "Description" }),
    ...address("address1"),
    col.customer("parentcustomerid", { displayName: "Company Name" }),
    col.lookup("originatingleadid", ["lead"], { displayName: "Originating Lead" }),
    ...currencyColumns(),
  ],
});

const leadStates: StateModel = {
  states: [
    { value: 0, label: "Open", defaultStatus: 1 },
    { value: 1, label: "Qualified", defaultStatus: 3 },
    { value: 2, label: "Disqualified", defaultStatus: 4 },
  ],
  statuses: [
    { value: 1, label: "New", state: 0 },
    { value: 2, label: "Contacted", state: 0 },
    { value: 3, label: "Qualified", state: 1 },
    { value: 4, label: "Lost", state: 2 },
    { value: 5, label: "Cannot Contact", state: 2 },
    { value: 6, label: "No Longer Interested", state: 2 },
    { value: 7, label: "Canceled", state: 2 },
  ],
};

const lead = table({
  logicalName: "lead",
  entitySetName: "leads",
  primaryId: "leadid",
  primaryName: "fullname",
  objectTypeCode: 4,
  ownership: "UserOwned",
  displayName: "Lead",
  displayCollectionName: "Leads",
  stateModel: leadStates,
  columns: [
    col.string("subject", 300, { displayName: "Topic", requiredLevel: "ApplicationRequired" }),
    col.string("firstname", 50, { displayName: "First Name" }),
    col.string("middlename", 50, { displayName: "Middle Name" }),
    col.string("lastname", 50, { displayName: "Last Name", requiredLevel: "ApplicationRequired" }),
    col.string("fullname", 160, { ...col.readOnly, displayName: "Name" }),
    col.string("yomifullname", 450, { ...col.readOnly, displayName: "Yomi Full Name" }),
    col.email("emailaddress1", 100, { displayName: "Email" }),
    col.phone("telephone1", 50, { displayName: "Business Phone" }),
    col.phone("mobilephone", 20, { displayName: "Mobile Phone" }),
    col.string("jobtitle", 100, { displayName: "Job Title" }),
    col.string("companyname", 100, { displayName: "Company Name" }),
    col.url("websiteurl", 200, { displayName: "Website" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.int("numberofemployees", { displayName: "No. of Employees" }),
    ...address("address1"),
    ...moneyWithBase("estimatedamount", "Est. Value"),
    ...moneyWithBase("budgetamount", "Budget Amount"),
    col.double("estimatedvalue", 2, { displayName: "Est. Value (deprecated)" }),
    col.dateOnly("estimatedclosedate", { displayName: "Est. Close Date" }),
    col.choice("leadsourcecode", options([1, "Advertisement"], [2, "Employee Referral"], [3, "External Referral"], [4, "Partner"], [5, "Public Relations"], [6, "Seminar"], [7, "Trade Show"], [8, "Web"], [9, "Word of Mouth"], [10, "Other"]), { displayName: "Lead Source" }),
    col.choice("leadqualitycode", options([1, "Hot"], [2, "Warm"], [3, "Cold"]), { displayName: "Rating" }),
    col.lookup("parentaccountid", ["account"], { displayName: "Existing Account" }),
    col.lookup("parentcontactid", ["contact"], { displayName: "Existing Contact" }),
    col.customer("customerid", { displayName: "Customer" }),
    col.lookup("qualifyingopportunityid", ["opportunity"], { displayName: "Qualifying Opportunity" }),
    ...currencyColumns(),
  ],
});

const opportunityStates: StateModel = {
  states: [
    { value: 0, label: "Open", defaultStatus: 1 },
    { value: 1, label: "Won", defaultStatus: 3 },
    { value: 2, label: "Lost", defaultStatus: 4 },
  ],
  statuses: [
    { value: 1, label: "In Progress", state: 0 },
    { value: 2, label: "On Hold", state: 0 },
    { value: 3, label: "Won", state: 1 },
    { value: 4, label: "Canceled", state: 2 },
    { value: 5, label: "Out-Sold", state: 2 },
  ],
};

const opportunity = table({
  logicalName: "opportunity",
  entitySetName: "opportunities",
  primaryId: "opportunityid",
  primaryName: "name",
  objectTypeCode: 3,
  ownership: "UserOwned",
  displayName: "Opportunity",
  displayCollectionName: "Opportunities",
  stateModel: opportunityStates,
  columns: [
    col.string("name", 300, { displayName: "Topic", requiredLevel: "ApplicationRequired" }),
    col.memo("description", 2000, { displayName: "Description" }),
    ...moneyWithBase("estimatedvalue", "Est. Revenue"),
    ...moneyWithBase("actualvalue", "Actual Revenue"),
    ...moneyWithBase("budgetamount", "Budget Amount"),
    col.dateOnly("estimatedclosedate", { displayName: "Est. Close Date" }),
    col.dateOnly("actualclosedate", { displayName: "Actual Close Date" }),
    col.int("closeprobability", { displayName: "Probability", minValue: 0, maxValue: 100 }),
    col.string("stepname", 200, { displayName: "Pipeline Phase" }),
    col.choice("salesstage", options([0, "Qualify"], [1, "Develop"], [2, "Propose"], [3, "Close"]), { displayName: "Sales Stage" }),
    col.choice("opportunityratingcode", options([1, "Hot"], [2, "Warm"], [3, "Cold"]), { displayName: "Rating" }),
    col.bool("isrevenuesystemcalculated", ["User Provided", "System Calculated"], false, { displayName: "Revenue" }),
    col.customer("customerid", { displayName: "Potential Customer" }),
    col.lookup("parentaccountid", ["account"], { displayName: "Account" }),
    col.lookup("parentcontactid", ["contact"], { displayName: "Contact" }),
    col.lookup("originatingleadid", ["lead"], { displayName: "Originating Lead" }),
    ...currencyColumns(),
  ],
});

const activityStates = (openDefault: number, statuses: StateModel["statuses"]): StateModel => ({
  states: [
    { value: 0, label: "Open", defaultStatus: openDefault },
    { value: 1, label: "Completed", defaultStatus: statuses.find((s) => s.state === 1)!.value },
    { value: 2, label: "Canceled", defaultStatus: statuses.find((s) => s.state === 2)!.value },
  ],
  statuses,
});

const opportunityClose = table({
  logicalName: "opportunityclose",
  entitySetName: "opportunitycloses",
  primaryId: "activityid",
  primaryName: "subject",
  objectTypeCode: 4208,
  ownership: "UserOwned",
  displayName: "Opportunity Close",
  displayCollectionName: "Opportunity Close Activities",
  isActivity: true,
  stateModel: activityStates(1, [
    { value: 1, label: "Open", state: 0 },
    { value: 2, label: "Completed", state: 1 },
    { value: 3, label: "Canceled", state: 2 },
  ]),
  columns: [
    col.string("subject", 200, { displayName: "Subject" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.lookup("opportunityid", ["opportunity"], { displayName: "Opportunity" }),
    ...moneyWithBase("actualrevenue", "Actual Revenue"),
    col.datetime("actualend", { displayName: "Close Date" }),
    ...currencyColumns(),
  ],
});

const task = table({
  logicalName: "task",
  entitySetName: "tasks",
  primaryId: "activityid",
  primaryName: "subject",
  objectTypeCode: 4212,
  ownership: "UserOwned",
  displayName: "Task",
  displayCollectionName: "Tasks",
  isActivity: true,
  stateModel: activityStates(2, [
    { value: 2, label: "Not Started", state: 0 },
    { value: 3, label: "In Progress", state: 0 },
    { value: 4, label: "Waiting on someone else", state: 0 },
    { value: 7, label: "Deferred", state: 0 },
    { value: 5, label: "Completed", state: 1 },
    { value: 6, label: "Canceled", state: 2 },
  ]),
  columns: [
    col.string("subject", 200, { displayName: "Subject" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.datetime("scheduledend", { displayName: "Due" }),
    col.lookup("regardingobjectid", ["account", "contact", "lead", "opportunity"], { displayName: "Regarding" }),
  ],
});

const systemuser = table({
  logicalName: "systemuser",
  entitySetName: "systemusers",
  primaryId: "systemuserid",
  primaryName: "fullname",
  objectTypeCode: 8,
  ownership: "BusinessOwned",
  displayName: "User",
  displayCollectionName: "Users",
  columns: [
    col.string("firstname", 256, { displayName: "First Name" }),
    col.string("lastname", 256, { displayName: "Last Name" }),
    col.string("fullname", 200, { ...col.readOnly, displayName: "Full Name" }),
    col.string("domainname", 1024, { displayName: "User Name" }),
    col.email("internalemailaddress", 100, { displayName: "Primary Email" }),
    col.string("title", 128, { displayName: "Title" }),
    col.phone("address1_telephone1", 64, { displayName: "Main Phone" }),
    col.phone("mobilephone", 64, { displayName: "Mobile Phone" }),
    col.guid("azureactivedirectoryobjectid", { displayName: "Azure AD Object ID" }),
    col.guid("applicationid", { displayName: "Application ID" }),
    col.choice("accessmode", options([0, "Read-Write"], [1, "Administrative"], [2, "Read"], [3, "Support User"], [4, "Non-interactive"], [5, "Delegated Admin"]), { displayName: "Access Mode" }),
    col.bool("isdisabled", ["Enabled", "Disabled"], false, { displayName: "Status" }),
    col.lookup("businessunitid", ["businessunit"], { displayName: "Business Unit" }),
  ],
});

const team = table({
  logicalName: "team",
  entitySetName: "teams",
  primaryId: "teamid",
  primaryName: "name",
  objectTypeCode: 9,
  ownership: "BusinessOwned",
  displayName: "Team",
  displayCollectionName: "Teams",
  columns: [
    col.string("name", 160, { displayName: "Team Name" }),
    col.choice("teamtype", options([0, "Owner"], [1, "Access"], [2, "Security Group"], [3, "Office Group"]), { displayName: "Team Type" }),
    col.guid("azureactivedirectoryobjectid", { displayName: "Azure AD Object ID for a group" }),
    col.lookup("businessunitid", ["businessunit"], { displayName: "Business Unit" }),
  ],
});

const businessunit = table({
  logicalName: "businessunit",
  entitySetName: "businessunits",
  primaryId: "businessunitid",
  primaryName: "name",
  objectTypeCode: 10,
  ownership: "BusinessOwned",
  displayName: "Business Unit",
  displayCollectionName: "Business Units",
  columns: [
    col.string("name", 160, { displayName: "Name" }),
    col.lookup("parentbusinessunitid", ["businessunit"], { displayName: "Parent Business" }),
  ],
});

const transactioncurrency = table({
  logicalName: "transactioncurrency",
  entitySetName: "transactioncurrencies",
  primaryId: "transactioncurrencyid",
  primaryName: "currencyname",
  objectTypeCode: 9105,
  ownership: "OrganizationOwned",
  displayName: "Currency",
  displayCollectionName: "Currencies",
  stateModel: activeInactive,
  columns: [
    col.string("currencyname", 100, { displayName: "Currency Name" }),
    col.string("isocurrencycode", 5, { displayName: "Currency Code" }),
    col.string("currencysymbol", 10, { displayName: "Currency Symbol" }),
    col.decimal("exchangerate", 10, { displayName: "Exchange Rate" }),
    col.int("currencyprecision", { displayName: "Currency Precision", minValue: 0, maxValue: 4 }),
  ],
});

const environmentvariabledefinition = table({
  logicalName: "environmentvariabledefinition",
  entitySetName: "environmentvariabledefinitions",
  primaryId: "environmentvariabledefinitionid",
  primaryName: "schemaname",
  objectTypeCode: 380,
  ownership: "UserOwned",
  displayName: "Environment Variable Definition",
  displayCollectionName: "Environment Variable Definitions",
  stateModel: activeInactive,
  columns: [
    col.string("schemaname", 100, { displayName: "Schema Name" }),
    col.string("displayname", 100, { displayName: "Display Name" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.memo("defaultvalue", 2000, { displayName: "Default Value" }),
    // dataverse-pcf.md §2.6
    col.choice("type", options([100000000, "String"], [100000001, "Number"], [100000002, "Boolean"], [100000003, "JSON"], [100000004, "Data source"], [100000005, "Secret"]), { displayName: "Type" }),
    col.bool("isrequired", ["No", "Yes"], false, { displayName: "Is Required" }),
    col.choice("secretstore", options([0, "Azure Key Vault"], [1, "Microsoft Dataverse"]), { displayName: "Secret Store" }),
    col.memo("valueschema", 2000, { displayName: "Value Schema" }),
    col.string("introducedversion", 48, { displayName: "Introduced Version" }),
  ],
});

const environmentvariablevalue = table({
  logicalName: "environmentvariablevalue",
  entitySetName: "environmentvariablevalues",
  primaryId: "environmentvariablevalueid",
  primaryName: "schemaname",
  objectTypeCode: 381,
  ownership: "UserOwned",
  displayName: "Environment Variable Value",
  displayCollectionName: "Environment Variable Values",
  stateModel: activeInactive,
  columns: [
    col.string("schemaname", 100, { displayName: "Schema Name" }),
    col.memo("value", 2000, { displayName: "Value" }),
    { ...col.lookup("environmentvariabledefinitionid", ["environmentvariabledefinition"], { displayName: "Environment Variable Definition" }), schemaName: "EnvironmentVariableDefinitionId" },
  ],
});

const publisher = table({
  logicalName: "publisher",
  entitySetName: "publishers",
  primaryId: "publisherid",
  primaryName: "friendlyname",
  objectTypeCode: 7101,
  ownership: "OrganizationOwned",
  displayName: "Publisher",
  displayCollectionName: "Publishers",
  columns: [
    col.string("uniquename", 256, { displayName: "Name" }),
    col.string("friendlyname", 256, { displayName: "Display Name" }),
    col.string("customizationprefix", 8, { displayName: "Prefix" }),
    col.int("customizationoptionvalueprefix", { displayName: "Option Value Prefix" }),
  ],
});

const solution = table({
  logicalName: "solution",
  entitySetName: "solutions",
  primaryId: "solutionid",
  primaryName: "friendlyname",
  objectTypeCode: 7100,
  ownership: "OrganizationOwned",
  displayName: "Solution",
  displayCollectionName: "Solutions",
  columns: [
    col.string("uniquename", 65, { displayName: "Name" }),
    col.string("friendlyname", 256, { displayName: "Display Name" }),
    col.string("version", 256, { displayName: "Version" }),
    col.bool("ismanaged", ["Unmanaged", "Managed"], false, { ...col.readOnly, displayName: "Package Type" }),
    col.datetime("installedon", { ...col.readOnly, displayName: "Installed On" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.lookup("publisherid", ["publisher"], { displayName: "Publisher" }),
  ],
});

const importjob = table({
  logicalName: "importjob",
  entitySetName: "importjobs",
  primaryId: "importjobid",
  primaryName: "name",
  objectTypeCode: 4428,
  ownership: "OrganizationOwned",
  displayName: "Import Job",
  displayCollectionName: "Import Jobs",
  columns: [
    col.string("name", 256, { displayName: "Name" }),
    col.string("solutionname", 256, { displayName: "Solution Name" }),
    col.guid("solutionid", { displayName: "Solution" }),
    col.double("progress", 2, { displayName: "Progress" }),
    { ...col.memo("data", 1073741823, { displayName: "Data" }), format: "Text" },
    col.datetime("startedon", { displayName: "Started On" }),
    col.datetime("completedon", { displayName: "Completed On" }),
    col.string("operationcontext", 256, { displayName: "Operation Context" }),
  ],
});

const asyncoperation = table({
  logicalName: "asyncoperation",
  entitySetName: "asyncoperations",
  primaryId: "asyncoperationid",
  primaryName: "name",
  objectTypeCode: 4700,
  ownership: "UserOwned",
  displayName: "System Job",
  displayCollectionName: "System Jobs",
  stateModel: {
    states: [
      { value: 0, label: "Ready", defaultStatus: 0 },
      { value: 1, label: "Suspended", defaultStatus: 10 },
      { value: 2, label: "Locked", defaultStatus: 20 },
      { value: 3, label: "Completed", defaultStatus: 30 },
    ],
    statuses: [
      { value: 0, label: "Waiting For Resources", state: 0 },
      { value: 10, label: "Waiting", state: 1 },
      { value: 20, label: "In Progress", state: 2 },
      { value: 30, label: "Succeeded", state: 3 },
      { value: 31, label: "Failed", state: 3 },
      { value: 32, label: "Canceled", state: 3 },
    ],
  },
  columns: [
    col.string("name", 256, { displayName: "System Job Name" }),
    col.choice("operationtype", options([1, "System Event"], [58, "Import Solution"], [201, "Solution Import"]), { displayName: "System Job Type" }),
    col.memo("message", 10000, { displayName: "Message" }),
    col.memo("friendlymessage", 10000, { displayName: "Friendly message" }),
    col.datetime("startedon", { displayName: "Started On" }),
    col.datetime("completedon", { displayName: "Completed On" }),
  ],
});

const serviceendpoint = table({
  logicalName: "serviceendpoint",
  entitySetName: "serviceendpoints",
  primaryId: "serviceendpointid",
  primaryName: "name",
  objectTypeCode: 4618,
  ownership: "OrganizationOwned",
  displayName: "Service Endpoint",
  displayCollectionName: "Service Endpoints",
  columns: [
    col.string("name", 256, { displayName: "Name" }),
    col.memo("description", 2000, { displayName: "Description" }),
    col.choice("contract", options([1, "OneWay"], [2, "Queue"], [3, "Rest"], [4, "TwoWay"], [5, "Topic"], [6, "Queue_Persistent"], [7, "EventHub"], [8, "Webhook"], [9, "EventGrid"]), { displayName: "Contract" }),
    col.url("url", 2000, { displayName: "Url" }),
    col.choice("authtype", options([1, "ACS"], [2, "SASKey"], [3, "SASToken"], [4, "WebhookKey"], [5, "HttpHeader"], [6, "HttpQueryString"]), { displayName: "Authorization Type" }),
    // The secret is write-only through the API (dataverse-pcf.md §2.11).
    col.memo("authvalue", 4000, { displayName: "Authorization Value", validForRead: false }),
    col.choice("messageformat", options([1, "BinaryXML"], [2, "Json"], [3, "TextXML"]), { displayName: "Message Format" }),
    col.choice("userclaim", options([1, "None"], [2, "UserId"], [3, "UserInfo"]), { displayName: "User Information Sent" }),
    col.string("namespaceaddress", 255, { displayName: "Namespace Address" }),
    col.string("path", 160, { displayName: "Path" }),
    col.string("solutionnamespace", 160, { displayName: "Namespace" }),
  ],
});

const sdkmessage = table({
  logicalName: "sdkmessage",
  entitySetName: "sdkmessages",
  primaryId: "sdkmessageid",
  primaryName: "name",
  objectTypeCode: 4606,
  ownership: "OrganizationOwned",
  displayName: "Sdk Message",
  displayCollectionName: "Sdk Messages",
  columns: [col.string("name", 256, { displayName: "Name" })],
});

const sdkmessagefilter = table({
  logicalName: "sdkmessagefilter",
  entitySetName: "sdkmessagefilters",
  primaryId: "sdkmessagefilterid",
  primaryName: "name",
  objectTypeCode: 4607,
  ownership: "OrganizationOwned",
  displayName: "Sdk Message Filter",
  displayCollectionName: "Sdk Message Filters",
  columns: [
    col.string("name", 256, { displayName: "Name" }),
    col.lookup("sdkmessageid", ["sdkmessage"], { displayName: "SDK Message ID" }),
    col.entityName("primaryobjecttypecode", { displayName: "Primary Object Type Code" }),
    col.entityName("secondaryobjecttypecode", { displayName: "Secondary Object Type Code" }),
    col.bool("iscustomprocessingstepallowed", ["No", "Yes"], true, { displayName: "Custom Processing Step Allowed" }),
  ],
});

const sdkmessageprocessingstep = table({
  logicalName: "sdkmessageprocessingstep",
  entitySetName: "sdkmessageprocessingsteps",
  primaryId: "sdkmessageprocessingstepid",
  primaryName: "name",
  objectTypeCode: 4608,
  ownership: "OrganizationOwned",
  displayName: "Sdk Message Processing Step",
  displayCollectionName: "Sdk Message Processing Steps",
  stateModel: {
    states: [
      { value: 0, label: "Enabled", defaultStatus: 1 },
      { value: 1, label: "Disabled", defaultStatus: 2 },
    ],
    statuses: [
      { value: 1, label: "Enabled", state: 0 },
      { value: 2, label: "Disabled", state: 1 },
    ],
  },
  columns: [
    col.string("name", 256, { displayName: "Name" }),
    col.memo("description", 256, { displayName: "Description" }),
    col.lookup("sdkmessageid", ["sdkmessage"], { displayName: "SDK Message" }),
    col.lookup("sdkmessagefilterid", ["sdkmessagefilter"], { displayName: "SdkMessage Filter" }),
    col.lookup("eventhandler", ["serviceendpoint"], { displayName: "Event Handler" }),
    col.lookup("impersonatinguserid", ["systemuser"], { displayName: "Impersonating User" }),
    col.memo("filteringattributes", 100000, { displayName: "Filtering Attributes" }),
    col.memo("configuration", 1073741823, { displayName: "Configuration" }),
    col.choice("mode", options([0, "Synchronous"], [1, "Asynchronous"]), { displayName: "Execution Mode" }),
    col.int("rank", { displayName: "Execution Order" }),
    col.choice("stage", options([5, "Initial Pre-operation (For internal use only)"], [10, "Pre-validation"], [15, "Internal Pre-operation Before External Plugins (For internal use only)"], [20, "Pre-operation"], [25, "Internal Pre-operation After External Plugins (For internal use only)"], [30, "Main Operation (For internal use only)"], [40, "Post-operation"], [45, "Internal Post-operation Before External Plugins (For internal use only)"], [50, "Post-operation (Deprecated)"]), { displayName: "Execution Stage" }),
    col.choice("supporteddeployment", options([0, "Server Only"], [1, "Microsoft Dynamics 365 Client for Outlook Only"], [2, "Both"]), { displayName: "Deployment" }),
    col.choice("invocationsource", options([-1, "Internal"], [0, "Parent"], [1, "Child"]), { displayName: "Invocation Source" }),
    col.bool("asyncautodelete", ["No", "Yes"], false, { displayName: "Asynchronous Automatic Delete" }),
  ],
});

export const standardTables: EntityMetadata[] = [
  account,
  contact,
  lead,
  opportunity,
  opportunityClose,
  task,
  systemuser,
  team,
  businessunit,
  transactioncurrency,
  environmentvariabledefinition,
  environmentvariablevalue,
  publisher,
  solution,
  importjob,
  asyncoperation,
  serviceendpoint,
  sdkmessage,
  sdkmessagefilter,
  sdkmessageprocessingstep,
];

const currency = (entity: string, schemaName: string) =>
  rel(schemaName, entity, "transactioncurrencyid", "transactioncurrency", "transactioncurrencyid");

/** Relationship (and so navigation property) names as the platform defines them. */
const standardRelationships: OneToManyRelationship[] = [
  rel("account_primary_contact", "account", "primarycontactid", "contact", "contactid"),
  rel("account_parent_account", "account", "parentaccountid", "account", "accountid"),
  rel("account_originating_lead", "account", "originatingleadid", "lead", "leadid"),
  currency("account", "TransactionCurrency_Account"),
  rel("contact_customer_accounts", "contact", "parentcustomerid", "account", "accountid", { single: "parentcustomerid_account" }),
  rel("contact_customer_contacts", "contact", "parentcustomerid", "contact", "contactid", { single: "parentcustomerid_contact" }),
  rel("contact_originating_lead", "contact", "originatingleadid", "lead", "leadid"),
  currency("contact", "TransactionCurrency_Contact"),
  rel("lead_parent_account", "lead", "parentaccountid", "account", "accountid"),
  rel("lead_parent_contact", "lead", "parentcontactid", "contact", "contactid"),
  rel("lead_customer_accounts", "lead", "customerid", "account", "accountid", { single: "customerid_account" }),
  rel("lead_customer_contacts", "lead", "customerid", "contact", "contactid", { single: "customerid_contact" }),
  rel("lead_qualifying_opportunity", "lead", "qualifyingopportunityid", "opportunity", "opportunityid"),
  currency("lead", "TransactionCurrency_Lead"),
  rel("opportunity_parent_account", "opportunity", "parentaccountid", "account", "accountid"),
  rel("opportunity_parent_contact", "opportunity", "parentcontactid", "contact", "contactid"),
  rel("opportunity_customer_accounts", "opportunity", "customerid", "account", "accountid", { single: "customerid_account" }),
  rel("opportunity_customer_contacts", "opportunity", "customerid", "contact", "contactid", { single: "customerid_contact" }),
  rel("opportunity_originating_lead", "opportunity", "originatingleadid", "lead", "leadid"),
  currency("opportunity", "transactioncurrency_opportunity"),
  rel("opportunity_OpportunityClose", "opportunityclose", "opportunityid", "opportunity", "opportunityid", {}, "Cascade"),
  currency("opportunityclose", "TransactionCurrency_OpportunityClose"),
  rel("Account_Tasks", "task", "regardingobjectid", "account", "accountid", { single: "regardingobjectid_account_task" }, "Cascade"),
  rel("Contact_Tasks", "task", "regardingobjectid", "contact", "contactid", { single: "regardingobjectid_contact_task" }, "Cascade"),
  rel("Lead_Tasks", "task", "regardingobjectid", "lead", "leadid", { single: "regardingobjectid_lead_task" }, "Cascade"),
  rel("Opportunity_Tasks", "task", "regardingobjectid", "opportunity", "opportunityid", { single: "regardingobjectid_opportunity_task" }, "Cascade"),
  rel("business_unit_system_users", "systemuser", "businessunitid", "businessunit", "businessunitid"),
  rel("business_unit_teams", "team", "businessunitid", "businessunit", "businessunitid"),
  rel("business_unit_parent_business_unit", "businessunit", "parentbusinessunitid", "businessunit", "businessunitid"),
  rel("environmentvariabledefinition_environmentvariablevalue", "environmentvariablevalue", "environmentvariabledefinitionid", "environmentvariabledefinition", "environmentvariabledefinitionid", { single: "EnvironmentVariableDefinitionId" }, "Cascade"),
  rel("publisher_solution", "solution", "publisherid", "publisher", "publisherid"),
  rel("sdkmessageid_sdkmessagefilter", "sdkmessagefilter", "sdkmessageid", "sdkmessage", "sdkmessageid"),
  rel("sdkmessageid_sdkmessageprocessingstep", "sdkmessageprocessingstep", "sdkmessageid", "sdkmessage", "sdkmessageid"),
  rel("sdkmessagefilterid_sdkmessageprocessingstep", "sdkmessageprocessingstep", "sdkmessagefilterid", "sdkmessagefilter", "sdkmessagefilterid"),
  rel("serviceendpoint_sdkmessageprocessingstep", "sdkmessageprocessingstep", "eventhandler", "serviceendpoint", "serviceendpointid", { single: "eventhandler_serviceendpoint" }, "Restrict"),
  rel("impersonatinguserid_sdkmessageprocessingstep", "sdkmessageprocessingstep", "impersonatinguserid", "systemuser", "systemuserid"),
];

/** A catalog holding the standard tables; solutions are layered on top. */
export function createStandardCatalog(): MetadataCatalog {
  const catalog = new MetadataCatalog();
  for (const entity of standardTables) catalog.upsertEntity(cloneEntity(entity));
  for (const entity of catalog.allEntities()) for (const relationship of systemRelationships(entity)) catalog.addOneToMany(relationship);
  for (const relationship of standardRelationships) catalog.addOneToMany({ ...relationship });
  // Field mappings the platform ships for lead qualification (Settings > Mappings on lead).
  catalog.addAttributeMaps("lead", "opportunity", [
    { source: "subject", target: "name" },
    { source: "description", target: "description" },
    { source: "estimatedamount", target: "estimatedvalue" },
    { source: "estimatedclosedate", target: "estimatedclosedate" },
    { source: "budgetamount", target: "budgetamount" },
    { source: "transactioncurrencyid", target: "transactioncurrencyid" },
  ]);
  catalog.addAttributeMaps("lead", "account", [
    { source: "companyname", target: "name" },
    { source: "telephone1", target: "telephone1" },
    { source: "websiteurl", target: "websiteurl" },
    { source: "numberofemployees", target: "numberofemployees" },
    { source: "transactioncurrencyid", target: "transactioncurrencyid" },
    ...["line1", "line2", "line3", "city", "county", "stateorprovince", "postalcode", "country"].map((p) => ({ source: `address1_${p}`, target: `address1_${p}` })),
  ]);
  catalog.addAttributeMaps("lead", "contact", [
    { source: "firstname", target: "firstname" },
    { source: "middlename", target: "middlename" },
    { source: "lastname", target: "lastname" },
    { source: "emailaddress1", target: "emailaddress1" },
    { source: "telephone1", target: "telephone1" },
    { source: "mobilephone", target: "mobilephone" },
    { source: "jobtitle", target: "jobtitle" },
    { source: "transactioncurrencyid", target: "transactioncurrencyid" },
    ...["line1", "line2", "line3", "city", "county", "stateorprovince", "postalcode", "country"].map((p) => ({ source: `address1_${p}`, target: `address1_${p}` })),
  ]);
  return catalog;
}

function cloneEntity(entity: EntityMetadata): EntityMetadata {
  return {
    ...entity,
    attributes: new Map([...entity.attributes].map(([name, attribute]) => [name, { ...attribute, targets: attribute.targets && [...attribute.targets] }])),
    keys: entity.keys.map((k) => ({ ...k, keyAttributes: [...k.keyAttributes] })),
  };
}
