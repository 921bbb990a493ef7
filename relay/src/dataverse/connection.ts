/**
 * A connection to one Dataverse environment: dataverse-ify's `XrmContextDataverseClient` over our
 * Node `Xrm.WebApi`, with the generated metadata installed. A connection is cheap to derive: acting
 * for a user or requiring a row version gives a view sharing the same HTTP client, token and counters.
 */
import {
  odataify,
  setMetadataCache,
  WebApiExecuteRequestBase,
  XrmContextDataverseClient,
  type EntityCollection,
  type EntityReference,
  type IEntity,
} from "dataverse-ify";
import { withoutInvalidDates } from "./early-bound";
import { metadataCache } from "./entities/metadata";
import { DataverseCounters } from "./counters";
import { DataverseHttp, type DataverseHttpOptions } from "./http";
import { createTokenProvider, type ClientCredentials, type TokenProvider } from "./tokens";
import { MetadataEntityNames, NodeXrmWebApi, type WebApiScope } from "./web-api";

export interface DataverseConnectionOptions extends Omit<DataverseHttpOptions, "tokens" | "counters"> {
  /** The relay's app registration (client credentials), or any other source of tokens. */
  credentials: ClientCredentials | TokenProvider;
  /** Act for this Entra ID user on every call of the connection (`CallerObjectId`). */
  callerObjectId?: string;
}

/**
 * dataverse-ify's client with repairs for a server: `update` keeps the typed error instead of
 * wrapping it in a plain Error; associate/disassociate go through this client's Web API instead of
 * the global `Xrm.WebApi` (2.0.7 calls the global there, which does not exist in Node); reads give
 * null, not `Invalid Date`, for empty date columns.
 */
export class RelayDataverseClient extends XrmContextDataverseClient {
  constructor(readonly webApi: NodeXrmWebApi) {
    super(webApi as unknown as Xrm.WebApi);
  }

  override async update(entity: IEntity): Promise<void> {
    const primaryId = (await this.webApi.names.primaryIdAttribute(entity.logicalName)) as string;
    const id = (entity[primaryId] as string | undefined) ?? entity.id ?? undefined;
    if (!id) throw new Error(`Cannot update ${entity.logicalName}: set ${primaryId} or id.`);
    await this.webApi.updateRecord(entity.logicalName, id, await odataify("Update", entity));
  }

  override async retrieve<T extends IEntity>(entityName: string, id: string, columnSet: string[] | boolean): Promise<T> {
    return withoutInvalidDates(await super.retrieve<T>(entityName, id, columnSet));
  }

  override async retrieveMultiple<T extends IEntity>(query: string, options?: RetrieveMultipleOptions): Promise<EntityCollection<T>> {
    const result = await super.retrieveMultiple<T>(query, options);
    if (!options?.returnRawEntities) result.entities.forEach(withoutInvalidDates);
    return result;
  }

  override async associate(entityName: string, entityId: string, relationship: string, relatedEntities: EntityReference[]): Promise<void> {
    await this.webApi.execute(
      crudRequest("Associate", {
        target: { entityType: entityName, id: entityId },
        relatedEntities: relatedEntities.map((e) => ({ entityType: e.entityType, id: e.id })),
        relationship,
      }),
    );
  }

  override async disassociate(entityName: string, entityId: string, relationship: string, relatedEntities: EntityReference[]): Promise<void> {
    if (relatedEntities.length === 0) return;
    // One DELETE per related row, in one change set so either all links go or none.
    await this.webApi.executeMultiple([
      relatedEntities.map((e) => crudRequest("Disassociate", { target: { entityType: entityName, id: entityId }, relatedEntityId: e.id, relationship })),
    ]);
  }
}

/** dataverse-ify's options for retrieveMultiple (its package root does not export the type). */
type RetrieveMultipleOptions = Parameters<XrmContextDataverseClient["retrieveMultiple"]>[1];

function crudRequest(operationName: string, parameters: Record<string, unknown>): WebApiExecuteRequestBase {
  return new WebApiExecuteRequestBase({ boundParameter: undefined, parameterTypes: {}, operationType: 2, operationName }, parameters);
}

export class DataverseConnection {
  readonly client: RelayDataverseClient;

  private constructor(
    readonly webApi: NodeXrmWebApi,
    readonly counters: DataverseCounters,
  ) {
    this.client = new RelayDataverseClient(webApi);
  }

  static connect(options: DataverseConnectionOptions): DataverseConnection {
    setMetadataCache(metadataCache);
    const tokens = "getToken" in options.credentials ? options.credentials : createTokenProvider(options.credentials, options.environmentUrl);
    const counters = new DataverseCounters();
    const http = new DataverseHttp({ ...options, tokens, counters });
    const webApi = new NodeXrmWebApi(http, new MetadataEntityNames(metadataCache, http), { callerObjectId: options.callerObjectId });
    return new DataverseConnection(webApi, counters);
  }

  /** The same connection acting for the given Entra ID user (their privileges, their name on modifiedby). */
  actingAs(callerObjectId: string): DataverseConnection {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(callerObjectId)) {
      throw new Error(`"${callerObjectId}" is not an Entra ID object id (a GUID); impersonation needs the user's oid claim.`);
    }
    return this.withScope({ callerObjectId });
  }

  /** The same connection with extra per-call options (row version, upsert). */
  withScope(scope: WebApiScope): DataverseConnection {
    return new DataverseConnection(this.webApi.withScope(scope), this.counters);
  }
}
