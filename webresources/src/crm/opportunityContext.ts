/**
 * Everything the co-sell rules look at for the opportunity on the form: its columns as the seller
 * has them now (saved row overlaid with unsaved form values), its account, the customer contacts,
 * the owner, the solutions of the N:N and the currency's ISO code. Columns follow the configured
 * mapping, so a remapped deal value or country column is read where the admin put it.
 */
import {
  AccountTable,
  ContactTable,
  OpportunityColumns,
  OpportunitySolutionRelationship,
  OpportunityTable,
  SolutionTable,
  SystemUserTable,
  TransactionCurrencyTable,
  resolveMapping,
  type AccountRecord,
  type ContactRecord,
  type OpportunityContext,
  type OpportunityRecord,
  type SolutionRecord,
  type SyncConfig,
  type SystemUserRecord,
} from "@cosell/core";
import { bareGuid } from "./ids";
import { formLookup, formValue, lookupValueName, recordId } from "./formValues";

/** Lookups the rules need, by their column name on the form. */
const LOOKUPS = [
  OpportunityTable.account,
  OpportunityTable.customer,
  OpportunityTable.contact,
  OpportunityTable.currency,
  OpportunityTable.owner,
];

export interface OpportunitySnapshot {
  /** The opportunity as the seller would save it, with what sharing it needs. */
  context: OpportunityContext;
  /** The row as last saved; undefined for a record not saved yet. */
  saved?: OpportunityRecord;
}

export async function readOpportunity(fc: Xrm.FormContext, config: SyncConfig): Promise<OpportunitySnapshot> {
  const id = recordId(fc);
  const mapping = resolveMapping(config);
  const columns = opportunityColumns(columnsOf(mapping.opportunity));
  const saved = id === "" ? undefined : await retrieveSaved(id, columns);

  const opportunity: OpportunityRecord = { ...(saved?.row ?? {}), opportunityid: id };
  for (const column of columns) {
    const value = formValue(fc, column);
    if (value !== undefined) opportunity[column] = value;
  }
  for (const lookup of LOOKUPS) {
    const value = formLookup(fc, lookup);
    if (value !== undefined) opportunity[lookupValueName(lookup)] = value ? bareGuid(value.id) : null;
  }

  const accountId = accountOf(fc, opportunity);
  const currencyId = text(opportunity[lookupValueName(OpportunityTable.currency)]);
  const ownerId = ownerOf(fc, opportunity);
  const [account, contacts, owner, currencyIsoCode] = await Promise.all([
    accountId ? retrieve<AccountRecord>(AccountTable.logicalName, accountId, columnsOf(mapping.account)) : null,
    retrieveContacts(contactIdsOf(fc, opportunity), columnsOf(mapping.contact)),
    ownerId ? retrieve<SystemUserRecord>(SystemUserTable.logicalName, ownerId, columnsOf(mapping.owner)) : null,
    currencyId ? retrieveCurrencyCode(currencyId) : null,
  ]);

  return {
    context: { opportunity, account, contacts, owner, solutions: saved?.solutions ?? [], currencyIsoCode },
    saved: saved?.row,
  };
}

/** The mapped columns plus the co-sell columns and the state the status mapping reads. */
function opportunityColumns(mapped: string[]): string[] {
  const coSell = Object.values(OpportunityColumns).filter((c) => c !== OpportunityColumns.productsObsolete);
  return [...new Set([...mapped, OpportunityTable.stateCode, OpportunityTable.statusCode, ...coSell])];
}

async function retrieveSaved(id: string, columns: string[]): Promise<{ row: OpportunityRecord; solutions: SolutionRecord[] }> {
  const nav = OpportunitySolutionRelationship.navigationProperty;
  const select = [...columns, ...LOOKUPS.map(lookupValueName)].join(",");
  const solutionColumns = [SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind].join(",");
  const row = await Xrm.WebApi.retrieveRecord(
    OpportunityTable.logicalName,
    id,
    `?$select=${select}&$expand=${nav}($select=${solutionColumns})`,
  );
  const record: OpportunityRecord = { opportunityid: id };
  for (const [key, value] of Object.entries(row)) {
    if (key !== nav && !key.includes("@")) record[key] = value as OpportunityRecord[string];
  }
  return { row: record, solutions: (row[nav] as SolutionRecord[] | undefined) ?? [] };
}

/** The account the referral is for: Account, else the Potential Customer when it is an account. */
function accountOf(fc: Xrm.FormContext, opportunity: OpportunityRecord): string | undefined {
  const account = text(opportunity[lookupValueName(OpportunityTable.account)]);
  if (account) return account;
  const customer = formLookup(fc, OpportunityTable.customer);
  return customer?.entityType === AccountTable.logicalName ? bareGuid(customer.id) : undefined;
}

/** A team can own the opportunity; only a user can be the partner's contact in Partner Center. */
function ownerOf(fc: Xrm.FormContext, opportunity: OpportunityRecord): string | undefined {
  const owner = formLookup(fc, OpportunityTable.owner);
  if (owner) return owner.entityType === SystemUserTable.logicalName ? bareGuid(owner.id) : undefined;
  return text(opportunity[lookupValueName(OpportunityTable.owner)]);
}

async function retrieve<T>(entity: string, id: string, columns: string[]): Promise<T> {
  return (await Xrm.WebApi.retrieveRecord(entity, id, `?$select=${[...new Set(columns)].join(",")}`)) as T;
}

/**
 * The customer contacts, as the relay and the HelpNeeded control count them: the opportunity's
 * Contact, plus the Potential Customer when that is a contact. Other contacts of the account are
 * not on the deal, so they are never shared with Partner Center.
 */
function contactIdsOf(fc: Xrm.FormContext, opportunity: OpportunityRecord): string[] {
  const ids = [text(opportunity[lookupValueName(OpportunityTable.contact)])];
  const customer = formLookup(fc, OpportunityTable.customer);
  if (customer?.entityType === ContactTable.logicalName) ids.push(bareGuid(customer.id));
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

async function retrieveContacts(ids: string[], columns: string[]): Promise<ContactRecord[]> {
  return Promise.all(ids.map((id) => retrieve<ContactRecord>(ContactTable.logicalName, id, columns)));
}

async function retrieveCurrencyCode(id: string): Promise<string | null> {
  const row = await retrieve<Record<string, unknown>>(TransactionCurrencyTable.logicalName, id, [TransactionCurrencyTable.isoCode]);
  return text(row[TransactionCurrencyTable.isoCode]) ?? null;
}

/** Every column a mapping section reads (an entry mapped to null reads none). */
function columnsOf(section: Readonly<Record<string, readonly string[] | null | undefined>>): string[] {
  return Object.values(section).flatMap((columns) => columns ?? []);
}

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
