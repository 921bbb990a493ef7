/**
 * The reads and writes the sync engine needs, in its own words, over dataverse-ify and the generated
 * types. Every method is one small query or command; none holds state between calls, so a job can
 * re-read both sides every time (ARCHITECTURE.md, data flow).
 */
import {
  AccountTable,
  ContactTable,
  EnvironmentVariables,
  LeadColumns,
  LeadTable,
  OpportunityColumns,
  OpportunitySolutionRelationship,
  OpportunityStatusReason,
  OpportunityTable,
  SolutionTable,
} from "@cosell/core";
import { EntityReference, odataify, type IEntity } from "dataverse-ify";
import type { DataverseConnection } from "./connection";
import { earlyBound } from "./early-bound";
import {
  accountMetadata,
  contactMetadata,
  cosell_solutionMetadata,
  leadMetadata,
  opportunityMetadata,
  type Account,
  type Contact,
  type cosell_solution,
  type Lead,
  type Opportunity,
  type WhoAmIResponse,
} from "./entities";
import { NotFoundError } from "./errors";
import { alternateKey, equalsText, filter, nextPageQuery, query, selectColumns } from "./query";

/** A row with the row version it was read at; pass `etag` back to update only if nobody changed it since. */
export interface Versioned<T> {
  record: T;
  etag: string;
}

/** New rows: everything but the bookkeeping fields dataverse-ify adds. */
export type NewRow<T extends IEntity> = Omit<T, "logicalName" | "id" | "formattedValues">;

export const opportunityColumns: readonly string[] = [
  OpportunityTable.primaryId,
  OpportunityTable.name,
  OpportunityTable.description,
  OpportunityTable.estimatedValue,
  OpportunityTable.estimatedCloseDate,
  OpportunityTable.currency,
  OpportunityTable.account,
  OpportunityTable.contact,
  OpportunityTable.customer,
  OpportunityTable.owner,
  OpportunityTable.stateCode,
  OpportunityTable.statusCode,
  "modifiedon",
  ...Object.values(OpportunityColumns),
];

export const leadColumns: readonly string[] = [
  LeadTable.primaryId,
  LeadTable.topic,
  LeadTable.companyName,
  LeadTable.firstName,
  LeadTable.lastName,
  LeadTable.email,
  LeadTable.phone,
  LeadTable.budgetAmount,
  LeadTable.estimatedCloseDate,
  LeadTable.description,
  LeadTable.currency,
  LeadTable.stateCode,
  LeadTable.statusCode,
  "qualifyingopportunityid",
  "modifiedon",
  ...Object.values(LeadColumns),
];

const accountColumns: readonly string[] = Object.values(AccountTable).filter((c) => c !== AccountTable.logicalName && c !== AccountTable.entitySetName);
const contactColumns: readonly string[] = Object.values(ContactTable).filter((c) => c !== ContactTable.logicalName && c !== ContactTable.entitySetName);
const solutionColumns: readonly string[] = [SolutionTable.primaryId, SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind, SolutionTable.publisher];

/** The five settings an admin changes through environment variables (PRODUCT.md §1). */
export interface CoSellSettings {
  displayCheckMark: boolean;
  dealValueField: string;
  countryCodeField: string;
  relayUrl: string;
  /** Parsed field-mapping JSON; undefined = the built-in mapping. */
  fieldMapping?: unknown;
  /** Schema names of variables this environment does not define (is the solution imported?). */
  missing: string[];
}

export interface CloseDetails {
  /** Subject of the opportunity close activity, e.g. "Won in Partner Center". */
  subject: string;
  description?: string;
  actualRevenue?: number;
  closedOn?: Date;
}

export interface QualifyOptions {
  createAccount: boolean;
  createContact: boolean;
  createOpportunity: boolean;
  currencyId?: string;
  /** Account or contact the new opportunity belongs to. */
  customer?: { entityType: "account" | "contact"; id: string };
}

export interface QualifiedRecords {
  accountId?: string;
  contactId?: string;
  opportunityId?: string;
}

export interface CatalogSolution {
  /** Partner Center solution id, e.g. SOL-15974-MQF. */
  identifier: string;
  name: string;
  kind?: number;
  publisher?: string;
}

export class DataverseRepository {
  constructor(readonly connection: DataverseConnection) {}

  /** The same repository acting for the given Entra ID user. */
  actingAs(callerObjectId: string): DataverseRepository {
    return new DataverseRepository(this.connection.actingAs(callerObjectId));
  }

  async whoAmI(): Promise<{ userId: string; businessUnitId: string; organizationId: string }> {
    const response = (await this.connection.client.execute<WhoAmIResponse>({ logicalName: "WhoAmI" })) ?? {};
    if (!response.UserId || !response.BusinessUnitId || !response.OrganizationId) throw new Error("Dataverse answered WhoAmI without UserId, BusinessUnitId and OrganizationId.");
    return { userId: response.UserId, businessUnitId: response.BusinessUnitId, organizationId: response.OrganizationId };
  }

  // ---- opportunities -------------------------------------------------------------------------

  /** The opportunity with its co-sell columns (plus `extraColumns`, e.g. a configured deal value field), or undefined if gone. */
  async getOpportunity(id: string, extraColumns: string[] = []): Promise<Versioned<Opportunity> | undefined> {
    return this.getVersioned<Opportunity>("opportunity", opportunityMetadata, id, [...opportunityColumns, ...extraColumns]);
  }

  /** Writes `changes`; with `etag`, only if the row is still at that version (else PreconditionFailedError). */
  async updateOpportunity(id: string, changes: Partial<NewRow<Opportunity>>, etag?: string): Promise<void> {
    await this.connection.withScope(etag ? { ifMatch: etag } : {}).client.update({ ...changes, logicalName: "opportunity", [OpportunityTable.primaryId]: id });
  }

  async createOpportunity(opportunity: NewRow<Opportunity>): Promise<string> {
    return this.connection.client.create({ ...opportunity, logicalName: "opportunity" });
  }

  async findOpportunityByReferralId(referralId: string): Promise<Opportunity | undefined> {
    return this.findOne<Opportunity>("opportunity", opportunityMetadata, opportunityColumns, equalsText(OpportunityColumns.referralId, referralId));
  }

  /**
   * Opportunities shared with Partner Center and modified at or after `since`, oldest first, one
   * page at a time (the reconcile sweep; paging per dataverse-pcf.md §5).
   */
  async *opportunitiesModifiedSince(since: Date, pageSize = 500): AsyncGenerator<Opportunity[]> {
    const expression = `${OpportunityColumns.syncWithPartnerCenter} eq true and modifiedon ge ${since.toISOString()}`;
    let page = query(selectColumns(opportunityMetadata, opportunityColumns), filter(expression), "$orderby=modifiedon asc");
    for (;;) {
      const result = await this.connection.client.retrieveMultiple<Opportunity>(page, { logicalName: "opportunity", maxPageSize: pageSize });
      if (result.entities.length > 0) yield result.entities;
      if (!result.nextLink) return;
      page = nextPageQuery(result.nextLink);
    }
  }

  /** The customer account and contacts of an opportunity: its account and contact lookups, and the potential customer. */
  async getOpportunityParties(opportunityId: string): Promise<{ account?: Account; contacts: Contact[] }> {
    const options = query(
      `$select=_${OpportunityTable.customer}_value`,
      `$expand=${OpportunityTable.account}(${selectColumns(accountMetadata, accountColumns)}),${OpportunityTable.contact}(${selectColumns(contactMetadata, contactColumns)})`,
    );
    const raw = await this.connection.webApi.retrieveRecord("opportunity", opportunityId, options);
    const expandedAccount = raw[OpportunityTable.account] as Record<string, unknown> | null | undefined;
    const expandedContact = raw[OpportunityTable.contact] as Record<string, unknown> | null | undefined;
    let account = expandedAccount ? await earlyBound<Account>(expandedAccount, "account") : undefined;
    const contacts: Contact[] = expandedContact ? [await earlyBound<Contact>(expandedContact, "contact")] : [];

    const customerId = raw[`_${OpportunityTable.customer}_value`] as string | undefined;
    const customerType = raw[`_${OpportunityTable.customer}_value@Microsoft.Dynamics.CRM.lookuplogicalname`] as string | undefined;
    if (customerId && customerType === "account" && !account) {
      account = await this.connection.client.retrieve<Account>("account", customerId, [...accountColumns]);
    } else if (customerId && customerType === "contact" && !contacts.some((c) => c.contactid === customerId)) {
      contacts.push(await this.connection.client.retrieve<Contact>("contact", customerId, [...contactColumns]));
    }
    return { account, contacts };
  }

  /** The catalog solutions attached to an opportunity (the N:N). */
  async getOpportunitySolutions(opportunityId: string): Promise<cosell_solution[]> {
    const navigation = OpportunitySolutionRelationship.navigationProperty;
    const options = query(`$select=${OpportunityTable.primaryId}`, `$expand=${navigation}(${selectColumns(cosell_solutionMetadata, solutionColumns)})`);
    const raw = await this.connection.webApi.retrieveRecord("opportunity", opportunityId, options);
    const related = (raw[navigation] as Record<string, unknown>[] | undefined) ?? [];
    return Promise.all(related.map((row) => earlyBound<cosell_solution>(row, SolutionTable.logicalName)));
  }

  async associateSolutions(opportunityId: string, solutionIds: string[]): Promise<void> {
    if (solutionIds.length === 0) return;
    await this.connection.client.associate(
      "opportunity",
      opportunityId,
      OpportunitySolutionRelationship.navigationProperty,
      solutionIds.map((id) => new EntityReference(SolutionTable.logicalName, id)),
    );
  }

  async disassociateSolutions(opportunityId: string, solutionIds: string[]): Promise<void> {
    await this.connection.client.disassociate(
      "opportunity",
      opportunityId,
      OpportunitySolutionRelationship.navigationProperty,
      solutionIds.map((id) => new EntityReference(SolutionTable.logicalName, id)),
    );
  }

  async winOpportunity(opportunityId: string, close: CloseDetails): Promise<void> {
    await this.closeOpportunity("WinOpportunity", opportunityId, close, OpportunityStatusReason.Won);
  }

  /** Closes as lost: Canceled by default, or Out-Sold. */
  async loseOpportunity(opportunityId: string, close: CloseDetails, status: typeof OpportunityStatusReason.Canceled | typeof OpportunityStatusReason.OutSold = OpportunityStatusReason.Canceled): Promise<void> {
    await this.closeOpportunity("LoseOpportunity", opportunityId, close, status);
  }

  private async closeOpportunity(message: "WinOpportunity" | "LoseOpportunity", opportunityId: string, close: CloseDetails, status: number): Promise<void> {
    const opportunityClose: IEntity = {
      logicalName: "opportunityclose",
      subject: close.subject,
      opportunityid: new EntityReference("opportunity", opportunityId),
    };
    if (close.description !== undefined) opportunityClose.description = close.description;
    if (close.actualRevenue !== undefined) opportunityClose.actualrevenue = close.actualRevenue;
    if (close.closedOn !== undefined) opportunityClose.actualend = close.closedOn;
    await this.connection.client.execute({ logicalName: message, OpportunityClose: opportunityClose, Status: status });
  }

  // ---- leads ---------------------------------------------------------------------------------

  async getLead(id: string): Promise<Versioned<Lead> | undefined> {
    return this.getVersioned<Lead>("lead", leadMetadata, id, leadColumns);
  }

  async updateLead(id: string, changes: Partial<NewRow<Lead>>, etag?: string): Promise<void> {
    await this.connection.withScope(etag ? { ifMatch: etag } : {}).client.update({ ...changes, logicalName: "lead", [LeadTable.primaryId]: id });
  }

  async createLead(lead: NewRow<Lead>): Promise<string> {
    return this.connection.client.create({ ...lead, logicalName: "lead" });
  }

  async findLeadByReferralId(referralId: string): Promise<Lead | undefined> {
    return this.findOne<Lead>("lead", leadMetadata, leadColumns, equalsText(LeadColumns.referralId, referralId));
  }

  /** Qualifies the lead (status Qualified) and returns the rows the platform created. */
  async qualifyLead(leadId: string, options: QualifyOptions): Promise<QualifiedRecords> {
    const request: Record<string, unknown> = {
      logicalName: "QualifyLead",
      entity: new EntityReference("lead", leadId),
      CreateAccount: options.createAccount,
      CreateContact: options.createContact,
      CreateOpportunity: options.createOpportunity,
      Status: 3,
    };
    if (options.currencyId) request.OpportunityCurrencyId = new EntityReference("transactioncurrency", options.currencyId);
    if (options.customer) request.OpportunityCustomerId = new EntityReference(options.customer.entityType, options.customer.id);
    const response = (await this.connection.client.execute<{ value?: Record<string, unknown>[] }>(request)) ?? {};
    const created: QualifiedRecords = {};
    for (const row of response.value ?? []) {
      const type = String(row["@odata.type"] ?? "").replace(/^#?Microsoft\.Dynamics\.CRM\./, "");
      if (type === "account") created.accountId = row.accountid as string;
      if (type === "contact") created.contactId = row.contactid as string;
      if (type === "opportunity") created.opportunityId = row.opportunityid as string;
    }
    return created;
  }

  // ---- accounts and contacts -----------------------------------------------------------------

  /** Account matched by name and, when given, postal code (the default match keys, ARCHITECTURE.md sync rules). */
  async findAccount(name: string, postalCode?: string): Promise<Account | undefined> {
    const conditions = [equalsText(AccountTable.name, name)];
    if (postalCode) conditions.push(equalsText(AccountTable.postalCode, postalCode));
    return this.findOne<Account>("account", accountMetadata, accountColumns, conditions.join(" and "));
  }

  async findContactByEmail(email: string): Promise<Contact | undefined> {
    return this.findOne<Contact>("contact", contactMetadata, contactColumns, equalsText(ContactTable.email, email));
  }

  async createAccount(account: NewRow<Account>): Promise<string> {
    return this.connection.client.create({ ...account, logicalName: "account" });
  }

  async createContact(contact: NewRow<Contact>): Promise<string> {
    return this.connection.client.create({ ...contact, logicalName: "contact" });
  }

  // ---- solution catalog ----------------------------------------------------------------------

  /** The catalog row with this Partner Center solution id (alternate key), or undefined. */
  async findSolution(identifier: string): Promise<cosell_solution | undefined> {
    try {
      return await this.connection.client.retrieve<cosell_solution>(SolutionTable.logicalName, alternateKey(SolutionTable.solutionIdentifier, identifier), [...solutionColumns]);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  }

  /** Creates or updates the catalog row keyed by its solution id; returns the row id. */
  async upsertSolution(solution: CatalogSolution): Promise<string> {
    if (!solution.identifier.trim()) throw new Error("A catalog solution needs its Partner Center solution id (SOL-…).");
    const row: IEntity = { logicalName: SolutionTable.logicalName, [SolutionTable.name]: solution.name };
    if (solution.kind !== undefined) row[SolutionTable.kind] = solution.kind;
    if (solution.publisher !== undefined) row[SolutionTable.publisher] = solution.publisher;
    const reference = await this.connection
      .withScope({ upsert: true })
      .webApi.updateRecord(SolutionTable.logicalName, alternateKey(SolutionTable.solutionIdentifier, solution.identifier), await odataify("Update", row));
    return reference.id;
  }

  // ---- configuration -------------------------------------------------------------------------

  /** The five environment variables; a current value wins over the default (dataverse-pcf.md §2.6). */
  async readSettings(): Promise<CoSellSettings> {
    const variables = Object.values(EnvironmentVariables);
    const schemaFilter = variables.map((v) => equalsText("schemaname", v.schemaName)).join(" or ");
    const options = query(
      "$select=schemaname,defaultvalue,type",
      filter(schemaFilter),
      "$expand=environmentvariabledefinition_environmentvariablevalue($select=value)",
    );
    const result = await this.connection.webApi.retrieveMultipleRecords("environmentvariabledefinition", options);
    const values = new Map<string, string>();
    for (const row of result.entities) {
      const current = (row.environmentvariabledefinition_environmentvariablevalue as { value?: string | null }[] | undefined)?.find((v) => v.value !== null && v.value !== undefined);
      const value = current?.value ?? (row.defaultvalue as string | null | undefined);
      values.set(String(row.schemaname).toLowerCase(), value ?? "");
    }
    const missing = variables.filter((v) => !values.has(v.schemaName.toLowerCase())).map((v) => v.schemaName);
    const read = (variable: (typeof variables)[number]) => values.get(variable.schemaName.toLowerCase()) ?? variable.defaultValue;
    const fieldMapping = read(EnvironmentVariables.fieldMapping).trim();
    return {
      displayCheckMark: parseYesNo(EnvironmentVariables.displayCheckMark.schemaName, read(EnvironmentVariables.displayCheckMark)),
      dealValueField: read(EnvironmentVariables.dealValueField).trim() || EnvironmentVariables.dealValueField.defaultValue,
      countryCodeField: read(EnvironmentVariables.countryCodeField).trim() || EnvironmentVariables.countryCodeField.defaultValue,
      relayUrl: read(EnvironmentVariables.relayUrl).trim(),
      fieldMapping: fieldMapping ? parseJsonSetting(EnvironmentVariables.fieldMapping.schemaName, fieldMapping) : undefined,
      missing,
    };
  }

  // ---- helpers -------------------------------------------------------------------------------

  private async getVersioned<T extends IEntity>(logicalName: string, metadata: { navigation?: Record<string, string[]> }, id: string, columns: readonly string[]): Promise<Versioned<T> | undefined> {
    let raw: Record<string, unknown>;
    try {
      raw = await this.connection.webApi.retrieveRecord(logicalName, id, query(selectColumns(metadata, columns)));
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
    // sdkify drops annotations, so the row version is taken first.
    const etag = raw["@odata.etag"];
    if (typeof etag !== "string") throw new Error(`Dataverse returned ${logicalName} ${id} without a row version (@odata.etag).`);
    return { record: await earlyBound<T>(raw, logicalName), etag };
  }

  private async findOne<T extends IEntity>(logicalName: string, metadata: { navigation?: Record<string, string[]> }, columns: readonly string[], expression: string): Promise<T | undefined> {
    const result = await this.connection.client.retrieveMultiple<T>(query(selectColumns(metadata, columns), filter(expression), "$top=1"), { logicalName });
    return result.entities[0];
  }
}

function parseYesNo(schemaName: string, value: string): boolean {
  const normalized = value.trim().toLowerCase();
  if (["yes", "true", "1"].includes(normalized)) return true;
  if (["no", "false", "0"].includes(normalized)) return false;
  throw new Error(`Environment variable ${schemaName} must be Yes or No; it holds "${value}". Change its current value in the solution's environment variables.`);
}

function parseJsonSetting(schemaName: string, value: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new Error(`Environment variable ${schemaName} holds invalid JSON (${(error as Error).message}). Fix its current value, or clear it to use the built-in mapping.`);
  }
}
