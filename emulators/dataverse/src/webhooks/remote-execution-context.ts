/**
 * The serialized RemoteExecutionContext a webhook service endpoint receives, in the
 * DataContractJsonSerializer shape of reference/dataverse/webhook-remoteexecutioncontext-contact-update.json:
 * `{key, value}` lists, `__type` hints on entities and typed values, WCF dates `"\/Date(ms)\/"`.
 */
import type { DataChange, DataverseEnvironment } from "../environment";
import { isReference, type EntityRecord, type EntityReference, type StoredValue } from "../data/store";
import type { EntityMetadata } from "../metadata/model";

const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";

export interface StepRegistration {
  stepId: string;
  stage: number;
  mode: number;
}

const wcfDate = (iso: string) => `/Date(${Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso)})/`;

function entityReference(reference: EntityReference) {
  return { __type: `EntityReference:${CONTRACTS}`, Id: reference.id, KeyAttributes: [], LogicalName: reference.logicalName, Name: null, RowVersion: null };
}

function serializeValue(entity: EntityMetadata, name: string, value: StoredValue | undefined): unknown {
  if (value === undefined || value === null) return null;
  if (isReference(value)) return entityReference(value);
  const attribute = entity.attributes.get(name);
  switch (attribute?.type) {
    case "Picklist":
    case "State":
    case "Status":
      return { __type: `OptionSetValue:${CONTRACTS}`, Value: value };
    case "MultiSelectPicklist":
      return (value as number[]).map((v) => ({ __type: `OptionSetValue:${CONTRACTS}`, Value: v }));
    case "Money":
      return { __type: `Money:${CONTRACTS}`, Value: value };
    case "DateTime":
      return wcfDate(String(value));
    default:
      return value;
  }
}

function entityJson(entity: EntityMetadata, id: string, attributes: EntityRecord) {
  return {
    __type: `Entity:${CONTRACTS}`,
    Attributes: Object.entries(attributes).map(([key, value]) => ({ key, value: serializeValue(entity, key, value) })),
    EntityState: null,
    FormattedValues: [],
    Id: id,
    KeyAttributes: [],
    LogicalName: entity.logicalName,
    RelatedEntities: [],
    RowVersion: null,
  };
}

function inputParameters(entity: EntityMetadata, change: DataChange) {
  if (change.message === "Create" || change.message === "Update") {
    return [{ key: "Target", value: entityJson(entity, change.id, change.target) }];
  }
  const target = { key: "Target", value: entityReference({ logicalName: change.entity, id: change.id }) };
  const extra = Object.entries(change.target)
    .filter(([key]) => !key.endsWith("id") || key === "Status")
    .map(([key, value]) => ({ key, value: key === "Status" ? { __type: `OptionSetValue:${CONTRACTS}`, Value: value } : value }));
  return [target, ...extra];
}

function base(env: DataverseEnvironment, change: DataChange, step: StepRegistration, organizationName: string) {
  const entity = env.entity(change.entity);
  const userId = change.actor.userId;
  return {
    BusinessUnitId: env.businessUnitId,
    CorrelationId: change.correlationId,
    Depth: 1,
    InitiatingUserId: change.actor.onBehalfOfId ?? userId,
    InputParameters: inputParameters(entity, change),
    IsExecutingOffline: false,
    IsInTransaction: step.mode === 0,
    IsOfflinePlayback: false,
    IsolationMode: 1,
    MessageName: change.message,
    Mode: step.mode,
    OperationCreatedOn: wcfDate(change.at.toISOString()),
    OperationId: change.correlationId,
    OrganizationId: env.organizationId,
    OrganizationName: organizationName,
    OutputParameters: change.message === "Create" ? [{ key: "id", value: change.id }] : [],
    OwningExtension: { Id: step.stepId, KeyAttributes: [], LogicalName: "sdkmessageprocessingstep", Name: null, RowVersion: null },
    PrimaryEntityId: change.id,
    PrimaryEntityName: change.entity,
    RequestId: null,
    SecondaryEntityName: "none",
    SharedVariables: [],
    UserId: userId,
  };
}

export function remoteExecutionContext(env: DataverseEnvironment, change: DataChange, step: StepRegistration, organizationName: string): Record<string, unknown> {
  const entity = env.entity(change.entity);
  const postImages: unknown[] = [];
  if (step.mode === 1 && change.postImage) {
    // Asynchronous steps carry the row's primary name as an image (see the reference sample).
    const name = change.postImage[entity.primaryNameAttribute];
    postImages.push({
      key: "AsynchronousStepPrimaryName",
      value: entityJson(entity, change.id, { [entity.primaryNameAttribute]: name ?? null, [entity.primaryIdAttribute]: change.id }),
    });
  }
  const parentContext = alphabetical({
    ...base(env, change, step, organizationName),
    InputParameters: [...inputParameters(entity, change), { key: "SuppressDuplicateDetection", value: false }],
    ParentContext: null,
    PostEntityImages: [],
    PreEntityImages: [],
    Stage: 30,
  });
  return alphabetical({
    ...base(env, change, step, organizationName),
    ParentContext: parentContext,
    PostEntityImages: postImages,
    PreEntityImages: [],
    Stage: step.stage,
  });
}

/** The serializer writes members in alphabetical order. */
function alphabetical(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(object).sort().map((key) => [key, object[key]]));
}

/** JSON text with WCF's escaped slashes in dates (`"\/Date(…)\/"`), as Dataverse sends it. */
export function serializeContext(context: Record<string, unknown>): string {
  return JSON.stringify(context).replace(/"\/Date\((-?\d+)\)\/"/g, '"\\/Date($1)\\/"');
}
