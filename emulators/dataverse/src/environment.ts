/**
 * The emulated Dataverse environment: organisation, metadata, rows, and the platform behaviour
 * every write goes through whichever API it came from — system columns (created/modified
 * by/on, owner, row version), state/status rules, currency and base amounts, computed names,
 * alternate-key uniqueness, delete cascades — and the change events webhooks are built from.
 */
import { DataverseError, ErrorCodes, notFoundRecord } from "./errors";
import { newGuid, stableGuid } from "./ids";
import { MetadataCatalog } from "./metadata/catalog";
import type { EntityMetadata } from "./metadata/model";
import { createStandardCatalog } from "./metadata/standard-tables";
import { isReference, Store, type EntityRecord, type EntityReference, type StoredValue } from "./data/store";
import type { SolutionPackage } from "./solution/solution-loader";

/** Who is doing a write: the effective user, and the caller when it impersonates someone. */
export interface Actor {
  userId: string;
  /** The authenticated caller, when different from `userId` (CallerObjectId / MSCRMCallerID). */
  onBehalfOfId?: string;
}

export type Message = "Create" | "Update" | "Delete" | "Win" | "Lose" | "QualifyLead" | "Associate" | "Disassociate";

export interface DataChange {
  message: Message;
  entity: string;
  id: string;
  /** Column values the request supplied plus the ones the platform set (the plug-in Target). */
  target: EntityRecord;
  /** The full row after the operation (undefined after Delete). */
  postImage?: EntityRecord;
  actor: Actor;
  correlationId: string;
  at: Date;
}

export interface WriteOptions {
  /** Allows state transitions reserved to platform messages (WinOpportunity, QualifyLead). */
  internalStateChange?: boolean;
  correlationId?: string;
  /** Skips change events (seeding pre-existing data). */
  silent?: boolean;
}

/** SDK messages webhook steps can be registered on. */
export const SDK_MESSAGES = ["Create", "Update", "Delete", "Associate", "Disassociate", "Win", "Lose", "QualifyLead", "SetState", "Assign"] as const;
const FILTERED_MESSAGES = ["Create", "Update", "Delete"];

const STATE_MESSAGES: Record<string, Record<number, string>> = {
  opportunity: { 1: "WinOpportunityRequest", 2: "LoseOpportunityRequest" },
  lead: { 1: "QualifyLeadRequest" },
};

export class DataverseEnvironment {
  readonly catalog: MetadataCatalog;
  readonly store = new Store();
  readonly organizationId: string;
  readonly businessUnitId: string;
  /** The SYSTEM user that platform operations (imports, seeding) run as. */
  readonly systemUserId: string;
  private readonly listeners: Array<(change: DataChange) => void> = [];
  private readonly privileges = new Map<string, Set<string>>();
  private readonly solutions: SolutionPackage[] = [];

  /** The platform clock; tests replace it to control createdon/modifiedon. */
  private readonly clock: () => Date;

  constructor(readonly organizationName: string, options: { catalog?: MetadataCatalog; clock?: () => Date } = {}) {
    this.catalog = options.catalog ?? createStandardCatalog();
    this.clock = options.clock ?? (() => new Date());
    this.organizationId = stableGuid("organization", organizationName);
    this.businessUnitId = stableGuid("businessunit", organizationName);
    this.systemUserId = stableGuid("systemuser", "SYSTEM", organizationName);
    const system: Actor = { userId: this.systemUserId };
    this.store.put("businessunit", this.businessUnitId, this.withSystemColumns("businessunit", this.businessUnitId, { name: organizationName }, system));
    this.store.put("systemuser", this.systemUserId, this.withSystemColumns("systemuser", this.systemUserId, {
      fullname: "SYSTEM",
      lastname: "SYSTEM",
      domainname: "",
      accessmode: 4,
      isdisabled: false,
      businessunitid: { logicalName: "businessunit", id: this.businessUnitId },
    }, system));
    this.grant(this.systemUserId, "prvActOnBehalfOfAnotherUser");
    for (const name of SDK_MESSAGES) {
      this.create("sdkmessage", { sdkmessageid: stableGuid("sdkmessage", name), name }, system, { silent: true });
    }
    for (const entity of this.catalog.allEntities()) this.ensureMessageFilters(entity.logicalName);
  }

  /** sdkmessagefilter rows for Create/Update/Delete on a table, so webhook steps can be registered on it. */
  ensureMessageFilters(logicalName: string): void {
    for (const message of FILTERED_MESSAGES) {
      const filterId = stableGuid("sdkmessagefilter", message, logicalName);
      if (this.store.get("sdkmessagefilter", filterId)) continue;
      this.create("sdkmessagefilter", {
        sdkmessagefilterid: filterId,
        name: `${message} ${logicalName}`,
        sdkmessageid: { logicalName: "sdkmessage", id: stableGuid("sdkmessage", message) },
        primaryobjecttypecode: logicalName,
        secondaryobjecttypecode: "none",
        iscustomprocessingstepallowed: true,
      }, this.systemActor, { silent: true });
    }
  }

  /** Now, to the second, as Dataverse stores date-times. */
  timestamp(): string {
    return `${this.clock().toISOString().slice(0, 19)}Z`;
  }

  get systemActor(): Actor {
    return { userId: this.systemUserId };
  }

  onChange(listener: (change: DataChange) => void): void {
    this.listeners.push(listener);
  }

  grant(userId: string, privilege: string): void {
    const set = this.privileges.get(userId) ?? new Set<string>();
    set.add(privilege);
    this.privileges.set(userId, set);
  }

  hasPrivilege(userId: string, privilege: string): boolean {
    return this.privileges.get(userId)?.has(privilege) ?? false;
  }

  /** Privileges per systemuserid, for a snapshot. */
  privilegeGrants(): Record<string, string[]> {
    return Object.fromEntries([...this.privileges].map(([userId, set]) => [userId, [...set]]));
  }

  replacePrivileges(grants: Record<string, string[]>): void {
    this.privileges.clear();
    for (const [userId, privileges] of Object.entries(grants)) this.privileges.set(userId, new Set(privileges));
  }

  /**
   * Remembers a solution whose schema was applied, in order, so a snapshot can rebuild the catalog
   * by applying them again. The same package applied twice (a re-import) is kept once.
   */
  recordAppliedSolution(solution: SolutionPackage): void {
    const copy = structuredClone(solution);
    const text = JSON.stringify(copy);
    if (this.solutions.some((applied) => applied.uniqueName === copy.uniqueName && JSON.stringify(applied) === text)) return;
    this.solutions.push(copy);
  }

  appliedSolutions(): SolutionPackage[] {
    return structuredClone(this.solutions);
  }

  entity(logicalName: string): EntityMetadata {
    return this.catalog.requireEntity(logicalName);
  }

  get(logicalName: string, id: string): EntityRecord | undefined {
    return this.store.get(logicalName, id);
  }

  require(logicalName: string, id: string): EntityRecord {
    const record = this.store.get(logicalName, id);
    if (!record) throw notFoundRecord(logicalName, id);
    return record;
  }

  /** The base currency: the first currency created with exchange rate 1. */
  baseCurrencyId(): string | undefined {
    for (const [id, row] of this.store.rows("transactioncurrency")) if (row.exchangerate === 1) return id;
    return undefined;
  }

  create(logicalName: string, values: EntityRecord, actor: Actor, options: WriteOptions = {}): string {
    const entity = this.entity(logicalName);
    const requestedId = values[entity.primaryIdAttribute];
    const id = typeof requestedId === "string" ? requestedId : newGuid();
    if (this.store.get(logicalName, id)) {
      throw new DataverseError(412, ErrorCodes.DuplicateRecord, "Cannot insert duplicate key.");
    }
    return this.store.transaction(() => {
      const record = this.withSystemColumns(logicalName, id, values, actor);
      this.applyStateRules(entity, id, undefined, record, options);
      this.applyDerivedColumns(entity, record);
      this.checkKeys(entity, id, record);
      this.store.put(logicalName, id, record);
      const target: EntityRecord = { ...record };
      this.emit({ message: "Create", entity: logicalName, id, target, postImage: record, actor, correlationId: options.correlationId ?? newGuid(), at: this.clock() }, options);
      return id;
    });
  }

  update(logicalName: string, id: string, values: EntityRecord, actor: Actor, options: WriteOptions = {}): EntityRecord {
    const entity = this.entity(logicalName);
    const existing = this.require(logicalName, id);
    return this.store.transaction(() => {
      const record: EntityRecord = { ...existing, ...values };
      record[entity.primaryIdAttribute] = id;
      this.applyStateRules(entity, id, existing, record, options);
      this.applyDerivedColumns(entity, record);
      this.checkKeys(entity, id, record);
      const now = this.timestamp();
      record.modifiedon = now;
      record.modifiedby = userRef(actor.userId);
      record.modifiedonbehalfby = actor.onBehalfOfId ? userRef(actor.onBehalfOfId) : null;
      record.versionnumber = this.store.nextVersion();
      this.store.put(logicalName, id, record);
      const target: EntityRecord = { [entity.primaryIdAttribute]: id };
      for (const name of Object.keys(values)) target[name] = record[name];
      for (const name of derivedColumnsOf(entity, values)) target[name] = record[name];
      target.modifiedon = record.modifiedon;
      target.modifiedby = record.modifiedby;
      target.modifiedonbehalfby = record.modifiedonbehalfby;
      this.emit({ message: "Update", entity: logicalName, id, target, postImage: record, actor, correlationId: options.correlationId ?? newGuid(), at: this.clock() }, options);
      return record;
    });
  }

  delete(logicalName: string, id: string, actor: Actor, options: WriteOptions = {}): void {
    const entity = this.entity(logicalName);
    this.require(logicalName, id);
    this.store.transaction(() => {
      for (const relationship of this.catalog.relationshipsReferencing(logicalName)) {
        for (const [childId, child] of [...this.store.rows(relationship.referencingEntity)]) {
          const reference = child[relationship.referencingAttribute];
          if (!isReference(reference) || reference.id !== id || reference.logicalName !== logicalName) continue;
          if (relationship.cascadeDelete === "Cascade") {
            if (this.store.get(relationship.referencingEntity, childId)) this.delete(relationship.referencingEntity, childId, actor, options);
          } else if (relationship.cascadeDelete === "Restrict") {
            throw new DataverseError(400, ErrorCodes.InvalidArgument, "The object you tried to delete is associated with another object and cannot be deleted.");
          } else {
            this.store.put(relationship.referencingEntity, childId, { ...child, [relationship.referencingAttribute]: null });
          }
        }
      }
      for (const relationship of this.catalog.manyToManyRelationships()) {
        if (relationship.entity1LogicalName === logicalName) this.store.removeFromIntersects(relationship.schemaName, 1, id);
        if (relationship.entity2LogicalName === logicalName) this.store.removeFromIntersects(relationship.schemaName, 2, id);
      }
      this.store.remove(logicalName, id);
      this.emit({ message: "Delete", entity: logicalName, id, target: { [entity.primaryIdAttribute]: id }, actor, correlationId: options.correlationId ?? newGuid(), at: this.clock() }, options);
    });
  }

  /** Signals a platform message other than Create/Update/Delete (Win, Lose, QualifyLead…). */
  emitMessage(message: Message, logicalName: string, id: string, target: EntityRecord, actor: Actor, options: WriteOptions = {}): void {
    this.emit({ message, entity: logicalName, id, target, postImage: this.get(logicalName, id), actor, correlationId: options.correlationId ?? newGuid(), at: this.clock() }, options);
  }

  /** Finds a row by alternate-key values; string keys compare case-insensitively as SQL does. */
  findByKey(logicalName: string, values: Record<string, unknown>): [string, EntityRecord] | undefined {
    for (const entry of this.store.rows(logicalName)) {
      if (Object.entries(values).every(([name, value]) => sameKeyValue(entry[1][name], value))) return entry;
    }
    return undefined;
  }

  primaryName(reference: EntityReference): string | undefined {
    const entity = this.catalog.entity(reference.logicalName);
    const row = entity && this.store.get(reference.logicalName, reference.id);
    const name = row?.[entity!.primaryNameAttribute];
    return typeof name === "string" ? name : undefined;
  }

  private emit(change: DataChange, options: WriteOptions): void {
    if (options.silent) return;
    this.store.onCommit(() => {
      for (const listener of this.listeners) listener(change);
    });
  }

  private withSystemColumns(logicalName: string, id: string, values: EntityRecord, actor: Actor): EntityRecord {
    const entity = this.entity(logicalName);
    const now = this.timestamp();
    const record: EntityRecord = {};
    for (const attribute of entity.attributes.values()) {
      if (attribute.type === "Boolean" && typeof attribute.defaultValue === "boolean") record[attribute.logicalName] = attribute.defaultValue;
    }
    Object.assign(record, values);
    record[entity.primaryIdAttribute] = id;
    const has = (name: string) => entity.attributes.has(name);
    if (has("createdon")) record.createdon = typeof values.overriddencreatedon === "string" ? values.overriddencreatedon : now;
    if (has("modifiedon")) record.modifiedon = now;
    if (has("createdby")) record.createdby = userRef(actor.userId);
    if (has("modifiedby")) record.modifiedby = userRef(actor.userId);
    if (has("createdonbehalfby")) record.createdonbehalfby = actor.onBehalfOfId ? userRef(actor.onBehalfOfId) : null;
    if (has("modifiedonbehalfby")) record.modifiedonbehalfby = actor.onBehalfOfId ? userRef(actor.onBehalfOfId) : null;
    if (entity.ownershipType === "UserOwned") {
      const owner = isReference(values.ownerid) ? values.ownerid : userRef(actor.userId);
      record.ownerid = owner;
      record.owninguser = owner.logicalName === "systemuser" ? owner : null;
      record.owningteam = owner.logicalName === "team" ? owner : null;
      record.owningbusinessunit = { logicalName: "businessunit", id: this.businessUnitId };
    }
    // Money tables default their currency lookup to the base currency; the currency table's own key is not that lookup.
    if (has("transactioncurrencyid") && entity.primaryIdAttribute !== "transactioncurrencyid" && !isReference(record.transactioncurrencyid)) {
      const base = this.baseCurrencyId();
      if (base) record.transactioncurrencyid = { logicalName: "transactioncurrency", id: base };
    }
    if (has("versionnumber")) record.versionnumber = this.store.nextVersion();
    return record;
  }

  private applyStateRules(entity: EntityMetadata, id: string, existing: EntityRecord | undefined, record: EntityRecord, options: WriteOptions): void {
    const stateAttribute = entity.attributes.get("statecode");
    const statusAttribute = entity.attributes.get("statuscode");
    if (!stateAttribute || !statusAttribute) return;
    const stateChanged = existing ? record.statecode !== existing.statecode : record.statecode !== undefined && record.statecode !== null;
    const statusChanged = existing ? record.statuscode !== existing.statuscode : record.statuscode !== undefined && record.statuscode !== null;
    if (record.statecode === undefined || record.statecode === null) record.statecode = 0;
    if (statusChanged && !stateChanged) {
      const status = statusAttribute.options?.find((o) => o.value === record.statuscode);
      if (status?.state !== undefined) record.statecode = status.state;
    } else if ((stateChanged && !statusChanged) || record.statuscode === undefined || record.statuscode === null) {
      record.statuscode = stateAttribute.options?.find((o) => o.value === record.statecode)?.defaultStatus ?? 1;
    }
    const status = statusAttribute.options?.find((o) => o.value === record.statuscode);
    if (status && status.state !== record.statecode) {
      const stateLabel = stateAttribute.options?.find((o) => o.value === record.statecode)?.label ?? String(record.statecode);
      throw new DataverseError(
        400,
        ErrorCodes.InvalidStateTransition,
        `${record.statuscode} is not a valid status code for state code ${capitalize(entity.logicalName)}State.${stateLabel} on ${entity.logicalName} with Id ${id}.`,
      );
    }
    const reserved = STATE_MESSAGES[entity.logicalName]?.[record.statecode as number];
    if (reserved && (existing?.statecode ?? 0) !== record.statecode && !options.internalStateChange) {
      const stateLabel = stateAttribute.options?.find((o) => o.value === record.statecode)?.label;
      throw new DataverseError(
        400,
        ErrorCodes.InvalidArgument,
        `This message can not be used to set the state of ${entity.logicalName} to ${stateLabel}. In order to set state of ${entity.logicalName} to ${stateLabel} use the ${reserved} message.`,
      );
    }
  }

  private applyDerivedColumns(entity: EntityMetadata, record: EntityRecord): void {
    if (entity.attributes.has("fullname") && (entity.attributes.has("firstname") || entity.attributes.has("lastname"))) {
      const parts = [record.firstname, record.lastname].filter((p) => typeof p === "string" && p !== "");
      if (parts.length > 0 || record.fullname === undefined) record.fullname = parts.length > 0 ? parts.join(" ") : (record.fullname ?? null);
      if (entity.attributes.has("yomifullname")) record.yomifullname = record.fullname;
    }
    if (entity.attributes.has("address1_composite")) {
      const city = [record.address1_city, record.address1_stateorprovince, record.address1_postalcode].filter((p) => typeof p === "string" && p !== "").join(" ");
      const lines = [record.address1_line1, record.address1_line2, record.address1_line3, city, record.address1_country].filter((p) => typeof p === "string" && p !== "");
      record.address1_composite = lines.length > 0 ? lines.join("\r\n") : null;
    }
    const currency = isReference(record.transactioncurrencyid) ? this.store.get("transactioncurrency", record.transactioncurrencyid.id) : undefined;
    if (entity.attributes.has("exchangerate") && entity.logicalName !== "transactioncurrency") {
      record.exchangerate = typeof currency?.exchangerate === "number" ? currency.exchangerate : null;
    }
    for (const attribute of entity.attributes.values()) {
      if (attribute.type !== "Money" || !attribute.attributeOf) continue;
      const amount = record[attribute.attributeOf];
      const rate = typeof record.exchangerate === "number" && record.exchangerate !== 0 ? record.exchangerate : 1;
      record[attribute.logicalName] = typeof amount === "number" ? Math.round((amount / rate) * 100) / 100 : null;
    }
  }

  private checkKeys(entity: EntityMetadata, id: string, record: EntityRecord): void {
    for (const key of entity.keys) {
      const values: Record<string, unknown> = {};
      for (const attribute of key.keyAttributes) values[attribute] = record[attribute];
      if (Object.values(values).some((v) => v === null || v === undefined)) continue;
      const clash = this.findByKey(entity.logicalName, values);
      if (clash && clash[0] !== id) {
        const description = Object.entries(values).map(([k, v]) => `${k} = ${isReference(v) ? v.id : String(v)}`).join(", ");
        throw new DataverseError(
          412,
          ErrorCodes.DuplicateRecordEntityKey,
          `A record that has the attribute values ${description} already exists. The entity key ${key.logicalName} requires that this set of attributes contains unique values. Select unique values and try again.`,
        );
      }
    }
  }
}

function derivedColumnsOf(entity: EntityMetadata, values: EntityRecord): string[] {
  const derived: string[] = [];
  const touched = (names: string[]) => names.some((n) => n in values);
  if (touched(["firstname", "lastname"]) && entity.attributes.has("fullname")) derived.push("fullname", ...(entity.attributes.has("yomifullname") ? ["yomifullname"] : []));
  if ("statecode" in values || "statuscode" in values) derived.push("statecode", "statuscode");
  for (const attribute of entity.attributes.values()) {
    if (attribute.attributeOf && attribute.attributeOf in values) derived.push(attribute.logicalName);
  }
  return derived;
}

function sameKeyValue(stored: StoredValue | undefined, wanted: unknown): boolean {
  if (isReference(stored)) return typeof wanted === "string" && stored.id === wanted.toLowerCase();
  if (typeof stored === "string" && typeof wanted === "string") return stored.toLowerCase() === wanted.toLowerCase();
  return stored === wanted;
}

export const userRef = (id: string): EntityReference => ({ logicalName: "systemuser", id });



const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

