/**
 * What a Dataverse service-endpoint notification means for the relay. The body is a serialized
 * RemoteExecutionContext (shared/reference/dataverse/webhook-remoteexecutioncontext-*.json):
 * `{key, value}` lists, entities with `Attributes`, entity references with `LogicalName`/`Id`.
 * Decisions err towards enqueueing: a job re-reads the record and does nothing when nothing is due,
 * while a notification dropped here is only caught by the next reconcile sweep.
 */
import { LeadColumns, LeadTable, OpportunityColumns, OpportunitySolutionRelationship, OpportunityTable } from "@cosell/core";
import { RELAY_WRITTEN_COLUMNS } from "../sync/webhook-steps";

export interface DataverseNotification {
  message: string;
  entity: string;
  id: string;
  /** Columns the operation wrote (the Target's), undefined when the platform left the Target out. */
  changed?: Set<string>;
  /** Known values: pre-image, then Target, then post-image (the state after the operation). */
  values: Map<string, unknown>;
  /** Associate/Disassociate: the relationship and every record on both ends. */
  relationship?: { schemaName: string; records: { entity: string; id: string }[] };
}

export class NotificationFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotificationFormatError";
  }
}

export type DataverseSignal =
  | { kind: "push-opportunity"; opportunityId: string; reason: string }
  | { kind: "pull-referral"; referralId: string; reason: string }
  | { kind: "lead"; leadId: string; reason: string }
  | { kind: "ignore"; why: string };

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;

/** Bookkeeping the platform or the relay itself writes; a change to only these is the relay's own echo. */
const BOOKKEEPING = new Set([
  "modifiedon",
  "modifiedby",
  "modifiedonbehalfby",
  "versionnumber",
  "timezoneruleversionnumber",
  "utcconversiontimezonecode",
  OpportunityTable.primaryId,
  LeadTable.primaryId,
  ...RELAY_WRITTEN_COLUMNS,
]);

type KeyValue = { key?: unknown; value?: unknown };

export function readNotification(body: unknown): DataverseNotification {
  if (!isObject(body)) throw new NotificationFormatError("The notification body is not a JSON object.");
  const message = text(body.MessageName, "MessageName");
  const entity = text(body.PrimaryEntityName, "PrimaryEntityName").toLowerCase();
  const id = guid(body.PrimaryEntityId, "PrimaryEntityId");

  const inputs = keyValues(body.InputParameters);
  const target = inputs.get("Target");
  const values = new Map<string, unknown>();
  for (const image of keyValues(body.PreEntityImages).values()) addAttributes(values, image);
  let changed: Set<string> | undefined;
  if (isObject(target) && Array.isArray(target.Attributes)) {
    changed = new Set();
    for (const { key } of target.Attributes as KeyValue[]) if (typeof key === "string") changed.add(key.toLowerCase());
    addAttributes(values, target);
  }
  for (const image of keyValues(body.PostEntityImages).values()) addAttributes(values, image);

  const notification: DataverseNotification = { message, entity, id, changed, values };
  const relationship = inputs.get("Relationship");
  if (isObject(relationship) && typeof relationship.SchemaName === "string") {
    const records = [reference(target), ...(asArray(inputs.get("RelatedEntities")).map(reference))].filter((r): r is { entity: string; id: string } => r !== undefined);
    notification.relationship = { schemaName: relationship.SchemaName, records };
  }
  return notification;
}

/** What to enqueue for a notification. A `lead` signal needs the lead's referral id looked up. */
export function signalFor(notification: DataverseNotification): DataverseSignal[] {
  const { message, entity, id } = notification;
  const reason = `dataverse ${entity} ${message}`;

  if (notification.relationship) {
    if (notification.relationship.schemaName.toLowerCase() !== OpportunitySolutionRelationship.schemaName) {
      return [{ kind: "ignore", why: `relationship ${notification.relationship.schemaName} is not the co-sell solutions` }];
    }
    const opportunities = notification.relationship.records.filter((r) => r.entity === OpportunityTable.logicalName);
    return opportunities.map((r) => ({ kind: "push-opportunity", opportunityId: r.id, reason: `dataverse solutions ${message}` }));
  }
  if (message === "Delete") return [{ kind: "ignore", why: "deletions are not synced" }];
  if (notification.changed && [...notification.changed].every((column) => BOOKKEEPING.has(column))) {
    return [{ kind: "ignore", why: "only sync bookkeeping columns changed (the relay's own write)" }];
  }

  if (entity === OpportunityTable.logicalName) {
    const sync = notification.values.get(OpportunityColumns.syncWithPartnerCenter);
    const referralId = notification.values.get(OpportunityColumns.referralId);
    const linked = typeof referralId === "string" && referralId.trim() !== "";
    const shared = sync === true || linked;
    // A new row without the column keeps its default, No; an update that does not name it may
    // still be of a shared row, which only the job can tell.
    const knownNotShared = (sync === false || (message === "Create" && sync === undefined && notification.changed !== undefined)) && !linked;
    if (!shared && knownNotShared) return [{ kind: "ignore", why: "the opportunity is not shared with Partner Center" }];
    return [{ kind: "push-opportunity", opportunityId: id, reason }];
  }

  if (entity === LeadTable.logicalName) {
    const referralId = notification.values.get(LeadColumns.referralId);
    if (typeof referralId === "string" && GUID.test(referralId.trim())) {
      return [{ kind: "pull-referral", referralId: GUID.exec(referralId.trim())![1].toLowerCase(), reason }];
    }
    if (message === "Create") return [{ kind: "ignore", why: "a new lead that did not come from Partner Center" }];
    return [{ kind: "lead", leadId: id, reason }];
  }
  return [{ kind: "ignore", why: `table ${entity} is not synced` }];
}

/** `<entity>-<message>` with both bounded, for a metric label. */
export function eventType(notification: Pick<DataverseNotification, "entity" | "message">): string {
  const synced: string[] = [OpportunityTable.logicalName, LeadTable.logicalName];
  const entity = synced.includes(notification.entity) ? notification.entity : "other";
  const messages = ["create", "update", "delete", "win", "lose", "setstate", "setstatedynamicentity", "qualifylead", "associate", "disassociate"];
  const message = notification.message.toLowerCase();
  return `${entity}-${messages.includes(message) ? message : "other"}`;
}

function addAttributes(values: Map<string, unknown>, entity: unknown): void {
  if (!isObject(entity) || !Array.isArray(entity.Attributes)) return;
  for (const { key, value } of entity.Attributes as KeyValue[]) if (typeof key === "string") values.set(key.toLowerCase(), plain(value));
}

/** OptionSetValue/Money → their number; anything else as it came. */
function plain(value: unknown): unknown {
  if (isObject(value) && "Value" in value && typeof value.__type === "string" && /^(OptionSetValue|Money):/.test(value.__type)) return value.Value;
  return value;
}

function reference(value: unknown): { entity: string; id: string } | undefined {
  if (!isObject(value) || typeof value.LogicalName !== "string" || typeof value.Id !== "string") return undefined;
  const match = GUID.exec(value.Id);
  return match ? { entity: value.LogicalName.toLowerCase(), id: match[1].toLowerCase() } : undefined;
}

function keyValues(list: unknown): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const item of asArray(list)) if (isObject(item) && typeof item.key === "string") map.set(item.key, item.value);
  return map;
}

function text(value: unknown, name: string): string {
  if (typeof value !== "string" || !value.trim()) throw new NotificationFormatError(`The notification has no ${name}.`);
  return value.trim();
}

function guid(value: unknown, name: string): string {
  const match = typeof value === "string" ? GUID.exec(value.trim()) : null;
  if (!match) throw new NotificationFormatError(`The notification's ${name} is not a GUID.`);
  return match[1].toLowerCase();
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
