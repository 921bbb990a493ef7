/**
 * The engine's Dataverse port over the relay's Dataverse access layer. Reads go through the Web API
 * as plain rows (the shape `@cosell/core` maps), selecting exactly the columns the configured
 * mapping names; commands (QualifyLead, WinOpportunity, LoseOpportunity, associate) go through the
 * repository.
 */
import {
  AccountTable,
  ContactTable,
  EnvironmentVariables,
  LeadColumns,
  LeadTable,
  OpportunityColumns,
  OpportunitySolutionRelationship,
  OpportunityState,
  OpportunityStatusReason,
  OpportunityTable,
  SolutionTable,
  SystemUserTable,
  TransactionCurrencyTable,
  accountMatchColumns,
  resolveMapping,
  type AccountRecord,
  type ColumnValue,
  type ContactRecord,
  type OpportunityContext,
  type OpportunityRecord,
  type SolutionRecord,
  type SyncConfig,
  type SystemUserRecord,
} from "@cosell/core";
import { DataverseError, NotFoundError, PreconditionFailedError, type DataverseRepository } from "../../dataverse";
import { ConfiguredColumnError, CrmRecordChangedError, type CrmWrite, type DataversePort, type LeadRow, type Versioned } from "../ports";

type Row = Record<string, unknown>;

const PAGE_SIZE = 500;

const opportunityColumns = [
  OpportunityTable.primaryId,
  OpportunityTable.name,
  OpportunityTable.description,
  OpportunityTable.estimatedValue,
  OpportunityTable.estimatedCloseDate,
  OpportunityTable.stateCode,
  OpportunityTable.statusCode,
  ...Object.values(OpportunityColumns),
];
const opportunityLookups = [OpportunityTable.currency, OpportunityTable.account, OpportunityTable.contact, OpportunityTable.customer, OpportunityTable.owner];

const leadColumns = [
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
  LeadTable.stateCode,
  LeadTable.statusCode,
  ...Object.values(LeadColumns),
];
const leadLookups = ["qualifyingopportunityid", "parentaccountid", LeadTable.currency];

const solutionColumns = [SolutionTable.primaryId, SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind, SolutionTable.publisher];

/** `_x_value`, the Web API property of lookup column `x`. */
const lookupProperty = (column: string): string => `_${column}_value`;

const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`;

const unique = (columns: readonly (string | undefined)[]): string[] => [...new Set(columns.filter((c): c is string => Boolean(c)))];

function mappedColumns(mapping: Readonly<Record<string, readonly string[]>>): string[] {
  return Object.values(mapping).flat();
}

/** Only the plain column values: annotations and lookup properties are left out. */
function plain<T>(row: Row, columns: readonly string[]): T {
  const record: Record<string, ColumnValue> = {};
  for (const column of columns) {
    const value = row[column];
    if (value === undefined) continue;
    record[column] = typeof value === "object" && value !== null ? JSON.stringify(value) : (value as ColumnValue);
  }
  return record as T;
}

function lookupOf(row: Row, column: string): { id: string; table?: string } | undefined {
  const id = row[lookupProperty(column)];
  if (typeof id !== "string" || id === "") return undefined;
  const table = row[`${lookupProperty(column)}@Microsoft.Dynamics.CRM.lookuplogicalname`];
  return { id, table: typeof table === "string" ? table : undefined };
}

export function dataversePort(repository: DataverseRepository): DataversePort {
  const connection = repository.connection;
  const webApi = connection.webApi;

  const select = (columns: readonly string[], lookups: readonly string[] = []) => `$select=${unique([...columns, ...lookups.map(lookupProperty)]).join(",")}`;

  /** A read naming configured columns: a column that does not exist is an admin setting to fix. */
  async function readConfigured(table: string, id: string, options: string): Promise<Row | undefined> {
    try {
      return await webApi.retrieveRecord(table, id, `?${options}`);
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw configuredColumnError(error, table) ?? error;
    }
  }

  async function body(write: CrmWrite): Promise<Row> {
    const data: Row = { ...write.columns };
    for (const [navigation, target] of Object.entries(write.lookups ?? {})) {
      if (target === null) data[navigation] = null;
      else data[`${navigation}@odata.bind`] = `/${await webApi.names.entitySetName(target.table)}(${target.id})`;
    }
    return data;
  }

  async function update(table: string, id: string, write: CrmWrite, etag?: string): Promise<void> {
    const api = etag ? connection.withScope({ ifMatch: etag }).webApi : webApi;
    try {
      await api.updateRecord(table, id, await body(write));
    } catch (error) {
      if (error instanceof PreconditionFailedError) throw new CrmRecordChangedError(`The ${table} changed while the relay was syncing it.`, { cause: error });
      throw configuredColumnError(error, table) ?? error;
    }
  }

  async function create(table: string, write: CrmWrite): Promise<string> {
    try {
      return (await webApi.createRecord(table, await body(write))).id;
    } catch (error) {
      throw configuredColumnError(error, table) ?? error;
    }
  }

  async function firstId(table: string, idColumn: string, filterExpression: string): Promise<string | undefined> {
    const result = await webApi.retrieveMultipleRecords(table, `?$select=${idColumn}&$filter=${encodeURIComponent(filterExpression)}&$top=1`);
    const id = result.entities[0]?.[idColumn];
    return typeof id === "string" ? id : undefined;
  }

  async function* pages(table: string, options: string): AsyncIterable<Row[]> {
    let next: string | undefined = options;
    while (next) {
      const result = await webApi.retrieveMultipleRecords(table, next, PAGE_SIZE);
      if (result.entities.length) yield result.entities;
      next = result.nextLink;
    }
  }

  async function related<T>(table: string, id: string | undefined, columns: readonly string[]): Promise<T | undefined> {
    if (!id) return undefined;
    const row = await readConfigured(table, id, select(columns));
    return row ? plain<T>(row, columns) : undefined;
  }

  async function attachedSolutions(opportunityId: string): Promise<Row[]> {
    const navigation = OpportunitySolutionRelationship.navigationProperty;
    const row = await webApi.retrieveRecord(
      OpportunityTable.logicalName,
      opportunityId,
      `?$select=${OpportunityTable.primaryId}&$expand=${navigation}(${select(solutionColumns)})`,
    );
    return (row[navigation] as Row[] | undefined) ?? [];
  }

  const port: DataversePort = {
    actingAs: (objectId) => dataversePort(repository.actingAs(objectId)),

    async environmentValues() {
      const variables = Object.values(EnvironmentVariables);
      const filter = variables.map((v) => `schemaname eq ${literal(v.schemaName)}`).join(" or ");
      const result = await webApi.retrieveMultipleRecords(
        "environmentvariabledefinition",
        `?$select=schemaname,defaultvalue&$filter=${encodeURIComponent(filter)}&$expand=environmentvariabledefinition_environmentvariablevalue($select=value)`,
      );
      const values: Record<string, string | null> = {};
      for (const row of result.entities) {
        const current = (row.environmentvariabledefinition_environmentvariablevalue as { value?: string | null }[] | undefined)?.find(
          (v) => v.value !== null && v.value !== undefined,
        );
        values[String(row.schemaname)] = current?.value ?? (row.defaultvalue as string | null | undefined) ?? null;
      }
      return values;
    },

    async opportunityContext(opportunityId: string, config: SyncConfig): Promise<Versioned<OpportunityContext> | undefined> {
      const mapping = resolveMapping(config);
      const columns = unique([...opportunityColumns, ...mappedColumns(mapping.opportunity)]);
      const row = await readConfigured(OpportunityTable.logicalName, opportunityId, select(columns, opportunityLookups));
      if (!row) return undefined;
      const etag = String(row["@odata.etag"] ?? "");

      const accountColumns = unique([AccountTable.primaryId, AccountTable.numberOfEmployees, ...mappedColumns(mapping.account), ...accountMatchColumns(config)]);
      const contactColumns = unique([ContactTable.primaryId, ...mappedColumns(mapping.contact)]);
      const ownerColumns = unique([SystemUserTable.primaryId, ...mappedColumns(mapping.owner)]);

      const customer = lookupOf(row, OpportunityTable.customer);
      const accountId = lookupOf(row, OpportunityTable.account)?.id ?? (customer?.table === AccountTable.logicalName ? customer.id : undefined);
      const contactIds = unique([lookupOf(row, OpportunityTable.contact)?.id, customer?.table === ContactTable.logicalName ? customer.id : undefined]);
      const owner = lookupOf(row, OpportunityTable.owner);
      const currencyId = lookupOf(row, OpportunityTable.currency)?.id;

      const [account, contacts, ownerRecord, currency, solutions] = await Promise.all([
        related<AccountRecord>(AccountTable.logicalName, accountId, accountColumns),
        Promise.all(contactIds.map((id) => related<ContactRecord>(ContactTable.logicalName, id, contactColumns))),
        owner?.table === SystemUserTable.logicalName ? related<SystemUserRecord>(SystemUserTable.logicalName, owner.id, ownerColumns) : undefined,
        related<Row>(TransactionCurrencyTable.logicalName, currencyId, [TransactionCurrencyTable.isoCode]),
        attachedSolutions(opportunityId),
      ]);
      const context: OpportunityContext = {
        opportunity: plain<OpportunityRecord>(row, columns),
        account: account ?? null,
        contacts: contacts.filter((c): c is ContactRecord => Boolean(c)),
        solutions: solutions.map((s) => plain<SolutionRecord>(s, solutionColumns)),
        owner: ownerRecord ?? null,
        currencyIsoCode: (currency?.[TransactionCurrencyTable.isoCode] as string | undefined) ?? null,
      };
      return { record: context, etag };
    },

    async opportunity(opportunityId) {
      const row = await readConfigured(OpportunityTable.logicalName, opportunityId, select(opportunityColumns));
      return row ? { record: plain<OpportunityRecord>(row, opportunityColumns), etag: String(row["@odata.etag"] ?? "") } : undefined;
    },

    findOpportunityByReferralId: (referralId) =>
      firstId(OpportunityTable.logicalName, OpportunityTable.primaryId, `${OpportunityColumns.referralId} eq ${literal(referralId)}`),

    createOpportunity: (write) => create(OpportunityTable.logicalName, write),
    updateOpportunity: (opportunityId, write, etag) => update(OpportunityTable.logicalName, opportunityId, write, etag),
    winOpportunity: (opportunityId, close) => repository.winOpportunity(opportunityId, close),
    loseOpportunity: (opportunityId, close, statuscode) =>
      repository.loseOpportunity(opportunityId, close, statuscode === OpportunityStatusReason.OutSold ? OpportunityStatusReason.OutSold : OpportunityStatusReason.Canceled),
    reopenOpportunity: (opportunityId) =>
      update(OpportunityTable.logicalName, opportunityId, {
        columns: { [OpportunityTable.stateCode]: OpportunityState.Open, [OpportunityTable.statusCode]: OpportunityStatusReason.InProgress },
      }),

    async lead(leadId, extraColumns = []) {
      const columns = unique([...leadColumns, ...extraColumns]);
      const row = await readConfigured(LeadTable.logicalName, leadId, select(columns, leadLookups));
      if (!row) return undefined;
      const record: LeadRow = plain<LeadRow>(row, columns);
      const qualifying = lookupOf(row, "qualifyingopportunityid")?.id;
      if (qualifying) record.qualifyingOpportunityId = qualifying;
      const account = lookupOf(row, "parentaccountid")?.id;
      if (account) record.parentAccountId = account;
      return { record, etag: String(row["@odata.etag"] ?? "") };
    },

    findLeadByReferralId: (referralId) => firstId(LeadTable.logicalName, LeadTable.primaryId, `${LeadColumns.referralId} eq ${literal(referralId)}`),
    createLead: (write) => create(LeadTable.logicalName, write),
    updateLead: (leadId, write, etag) => update(LeadTable.logicalName, leadId, write, etag),

    async qualifyLead(leadId, options) {
      const created = await repository.qualifyLead(leadId, {
        createAccount: false,
        createContact: false,
        createOpportunity: true,
        currencyId: options.currencyId,
        customer: options.accountId ? { entityType: "account", id: options.accountId } : undefined,
      });
      if (!created.opportunityId) throw new DataverseError(`QualifyLead on lead ${leadId} did not return the opportunity it created.`);
      return created.opportunityId;
    },

    findAccount: (keys) =>
      firstId(
        AccountTable.logicalName,
        AccountTable.primaryId,
        Object.entries(keys)
          .map(([column, value]) => `${column} eq ${literal(value)}`)
          .join(" and "),
      ),
    createAccount: (columns) => create(AccountTable.logicalName, { columns }),
    findContactByEmail: (email) => firstId(ContactTable.logicalName, ContactTable.primaryId, `${ContactTable.email} eq ${literal(email)}`),
    createContact: (columns) => create(ContactTable.logicalName, { columns }),

    currencyIdByIsoCode: (isoCode) =>
      firstId(TransactionCurrencyTable.logicalName, TransactionCurrencyTable.primaryId, `${TransactionCurrencyTable.isoCode} eq ${literal(isoCode.toUpperCase())}`),

    async solutionRowIds(solutionIdentifiers) {
      if (solutionIdentifiers.length === 0) return [];
      const filter = solutionIdentifiers.map((id) => `${SolutionTable.solutionIdentifier} eq ${literal(id)}`).join(" or ");
      const result = await webApi.retrieveMultipleRecords(SolutionTable.logicalName, `?$select=${SolutionTable.primaryId}&$filter=${encodeURIComponent(filter)}`);
      return result.entities.map((row) => String(row[SolutionTable.primaryId]));
    },

    async attachSolutions(opportunityId, solutionRowIds) {
      // Associating a pair twice is an error in Dataverse, so only the missing ones are added.
      const attached = new Set((await attachedSolutions(opportunityId)).map((row) => String(row[SolutionTable.primaryId]).toLowerCase()));
      const missing = solutionRowIds.filter((id) => !attached.has(id.toLowerCase()));
      await repository.associateSolutions(opportunityId, missing);
    },

    async *opportunitiesModifiedSince(since) {
      const filter = `${OpportunityColumns.syncWithPartnerCenter} eq true and modifiedon ge ${since.toISOString()}`;
      for await (const rows of pages(OpportunityTable.logicalName, `?$select=${OpportunityTable.primaryId}&$filter=${encodeURIComponent(filter)}&$orderby=modifiedon asc`)) {
        yield rows.map((row) => String(row[OpportunityTable.primaryId]));
      }
    },

    async *referralLeadsModifiedSince(since) {
      const filter = `${LeadColumns.referralId} ne null and modifiedon ge ${since.toISOString()}`;
      for await (const rows of pages(LeadTable.logicalName, `?$select=${LeadColumns.referralId}&$filter=${encodeURIComponent(filter)}&$orderby=modifiedon asc`)) {
        yield rows.map((row) => String(row[LeadColumns.referralId]));
      }
    },
  };
  return port;
}

/**
 * Dataverse names an unknown column in its 400 message ("Could not find a property named 'x' …");
 * that column came from an environment variable or the field mapping.
 */
function configuredColumnError(error: unknown, table: string): ConfiguredColumnError | undefined {
  if (!(error instanceof DataverseError) || error.status !== 400) return undefined;
  const match = /property named '([^']+)'/i.exec(error.message);
  if (!match) return undefined;
  const column = match[1].replace(/^_(.*)_value$/, "$1");
  return new ConfiguredColumnError(`Column ${column} does not exist on ${table}.`, column, { cause: error });
}
