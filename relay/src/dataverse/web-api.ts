/**
 * The `Xrm.WebApi` surface for Node, on fetch: what a form script or PCF control gets from the host,
 * so dataverse-ify's `XrmContextDataverseClient` runs unchanged in the relay. dataverse-ify's own
 * Node implementation serializes request bodies twice (dataverse-pcf.md §5, "Quirk (2.0.7)"), hence
 * this one. Beyond the browser API, a view can carry a request scope: the user to impersonate and
 * the row version to require (`withScope`).
 */
import { decodeBatchResponse, encodeBatch, type BatchItem, type BatchOperation, type BatchPartResponse } from "./batch";
import { DataverseError, errorForStatus } from "./errors";
import type { DataverseHttp, HttpResponse, RequestScope } from "./http";
import { normalizeBinds, recordKey, toOperations, type EntityNames, type ExecuteRequest, type RecordReference } from "./operations";

export interface WebApiScope extends RequestScope {
  /**
   * `updateRecord` normally requires the row to exist (`If-Match: *`), because a PATCH by key
   * otherwise creates a missing row. Set for a deliberate upsert.
   */
  upsert?: boolean;
}

export interface RetrieveMultipleResult {
  entities: Record<string, unknown>[];
  /** Absolute URL of the next page; pass it (or its query part) back as `options`. */
  nextLink?: string;
  fetchXmlPagingCookie?: string;
  moreRecords?: boolean;
  totalRecordCount?: number;
  totalRecordCountExceeded?: boolean;
}

/** Entity metadata as dataverse-gen emits it (`metadataCache.entities`). */
export interface EntityMetadataSource {
  entities?: Record<string, { collectionName: string; primaryIdAttribute: string }>;
}

const INCLUDE_ANNOTATIONS = 'odata.include-annotations="*"';
const GUID_IN_URL = /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)\s*$/i;

export class NodeXrmWebApi {
  /** Execute and executeMultiple live on `online` in the host API; here both are the same object. */
  readonly online: NodeXrmWebApi = this;

  constructor(
    private readonly http: DataverseHttp,
    readonly names: EntityNames,
    readonly scope: WebApiScope = {},
  ) {}

  /** The same API, every call carrying `scope` on top of this view's own. */
  withScope(scope: WebApiScope): NodeXrmWebApi {
    return new NodeXrmWebApi(this.http, this.names, { ...this.scope, ...scope });
  }

  isAvailableOffline(): boolean {
    return false;
  }

  async createRecord(entityLogicalName: string, record: unknown): Promise<RecordReference> {
    const response = await this.http.send(
      { method: "POST", path: await this.names.entitySetName(entityLogicalName), body: JSON.stringify(normalizeBinds(record)) },
      this.requestScope(),
    );
    return { entityType: entityLogicalName, id: idFromEntityHeader(response.headers) };
  }

  async updateRecord(entityLogicalName: string, id: string, data: unknown): Promise<RecordReference> {
    const ifMatch = this.scope.ifMatch ?? (this.scope.upsert || this.scope.ifNoneMatch ? undefined : "*");
    const response = await this.http.send(
      { method: "PATCH", path: `${await this.names.entitySetName(entityLogicalName)}${recordKey(id)}`, body: JSON.stringify(normalizeBinds(data)) },
      { ...this.requestScope(), ifMatch },
    );
    const entityId = response.headers.get("odata-entityid");
    return { entityType: entityLogicalName, id: entityId ? idFromEntityHeader(response.headers) : id };
  }

  async deleteRecord(entityLogicalName: string, id: string): Promise<RecordReference> {
    await this.http.send({ method: "DELETE", path: `${await this.names.entitySetName(entityLogicalName)}${recordKey(id)}` }, this.requestScope());
    return { entityType: entityLogicalName, id };
  }

  async retrieveRecord(entityLogicalName: string, id: string, options?: string): Promise<Record<string, unknown>> {
    const path = `${await this.names.entitySetName(entityLogicalName)}${recordKey(id)}${queryPart(options)}`;
    const response = await this.http.send({ method: "GET", path, headers: { Prefer: INCLUDE_ANNOTATIONS } }, this.requestScope());
    return parseJson(response, path) as Record<string, unknown>;
  }

  /**
   * `options` is an OData query (`?$select=…&$filter=…`), `?fetchXml=<encoded>`, or a nextLink from
   * an earlier page. Paging follows the platform: `Prefer: odata.maxpagesize`, then the nextLink
   * unchanged, with the same page size (dataverse-pcf.md §5, paging).
   */
  async retrieveMultipleRecords(entityLogicalName: string, options?: string, maxPageSize?: number): Promise<RetrieveMultipleResult> {
    const prefer = [INCLUDE_ANNOTATIONS];
    if (maxPageSize !== undefined) {
      if (!Number.isInteger(maxPageSize) || maxPageSize < 1 || maxPageSize > 5000) throw new RangeError(`maxPageSize must be an integer from 1 to 5000, got ${maxPageSize}.`);
      prefer.push(`odata.maxpagesize=${maxPageSize}`);
    }
    const path = options && /^https?:\/\//i.test(options) ? options : `${await this.names.entitySetName(entityLogicalName)}${queryPart(options)}`;
    const response = await this.http.send({ method: "GET", path, headers: { Prefer: prefer.join(",") } }, this.requestScope());
    const data = parseJson(response, path) as Record<string, unknown>;
    if (!Array.isArray(data.value)) throw new DataverseError(`Dataverse answered GET ${entityLogicalName} without a "value" array.`, { path });
    return {
      entities: data.value as Record<string, unknown>[],
      nextLink: data["@odata.nextLink"] as string | undefined,
      fetchXmlPagingCookie: data["@Microsoft.Dynamics.CRM.fetchxmlpagingcookie"] as string | undefined,
      moreRecords: data["@Microsoft.Dynamics.CRM.morerecords"] as boolean | undefined,
      totalRecordCount: (data["@Microsoft.Dynamics.CRM.totalrecordcount"] ?? data["@odata.count"]) as number | undefined,
      totalRecordCountExceeded: data["@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded"] as boolean | undefined,
    };
  }

  /** One action, function or CRUD request; answers like `fetch` (status, headers, `json()`, `text()`). */
  async execute(request: ExecuteRequest): Promise<Response> {
    const operations = this.guardUpdates(await toOperations(request, this.names, this.http.apiRoot));
    if (operations.length === 1) {
      const [operation] = operations;
      const response = await this.http.send(
        { method: operation.method, path: operation.path, body: operation.body, headers: operation.headers },
        this.requestScope(),
      );
      return toFetchResponse(response.status, "", response.headers, response.text);
    }
    // Several requests for one logical operation (Associate with many targets) go as one change set.
    const responses = await this.sendBatch([operations]);
    const last = responses[responses.length - 1];
    return toFetchResponse(last.status, last.statusText, last.headers, last.body);
  }

  /**
   * Requests in one `$batch`; an inner array is a change set, applied atomically. Fails with the
   * first failed part's error; a failed change set leaves nothing of it behind.
   */
  async executeMultiple(requests: (ExecuteRequest | ExecuteRequest[])[]): Promise<Response[]> {
    const items: BatchItem[] = [];
    for (const entry of requests) {
      if (Array.isArray(entry)) {
        const changeSet: BatchOperation[] = [];
        for (const request of entry) changeSet.push(...this.guardUpdates(await toOperations(request, this.names, this.http.apiRoot)));
        items.push(changeSet);
      } else {
        const operations = this.guardUpdates(await toOperations(entry, this.names, this.http.apiRoot));
        items.push(operations.length === 1 ? operations[0] : operations);
      }
    }
    const responses = await this.sendBatch(items);
    return responses.map((part) => toFetchResponse(part.status, part.statusText, part.headers, part.body));
  }

  private async sendBatch(items: BatchItem[]): Promise<BatchPartResponse[]> {
    const { contentType, body } = encodeBatch(items, this.http.apiRoot);
    const readOnly = items.flat().every((operation) => operation.method === "GET");
    const response = await this.http.send(
      { method: "POST", path: "$batch", headers: { "Content-Type": contentType }, body, repeatable: readOnly },
      this.requestScope(),
    );
    const parts = decodeBatchResponse(response.text, response.headers.get("content-type"));
    const failed = parts.find((part) => part.status >= 400);
    if (failed) {
      this.http.counters.count("failures");
      throw errorForStatus(failed.status, failed.body, { method: "POST", path: `$batch (part ${failed.contentId ?? parts.indexOf(failed) + 1})` });
    }
    return parts;
  }

  /** Update requests get the same "must exist" condition as `updateRecord` (a PATCH by key would otherwise create). */
  private guardUpdates(operations: BatchOperation[]): BatchOperation[] {
    if (this.scope.upsert) return operations;
    return operations.map((operation) =>
      operation.method === "PATCH" ? { ...operation, headers: { "If-Match": this.scope.ifMatch ?? "*", ...operation.headers } } : operation,
    );
  }

  private requestScope(): RequestScope {
    const { callerObjectId, ifMatch, ifNoneMatch } = this.scope;
    return { callerObjectId, ifMatch, ifNoneMatch };
  }
}

/** Entity set names and keys from generated metadata, asking the server only for tables it lacks. */
export class MetadataEntityNames implements EntityNames {
  private readonly learned = new Map<string, Promise<{ set: string; key: string }>>();

  constructor(
    private readonly metadata: EntityMetadataSource,
    private readonly http: DataverseHttp,
  ) {}

  async entitySetName(logicalName: string): Promise<string> {
    return (await this.lookup(logicalName)).set;
  }

  async primaryIdAttribute(logicalName: string): Promise<string> {
    return (await this.lookup(logicalName)).key;
  }

  private lookup(logicalName: string): Promise<{ set: string; key: string }> {
    const known = this.metadata.entities?.[logicalName];
    if (known) return Promise.resolve({ set: known.collectionName, key: known.primaryIdAttribute });
    let pending = this.learned.get(logicalName);
    if (!pending) {
      pending = this.fetchDefinition(logicalName);
      pending.catch(() => this.learned.delete(logicalName));
      this.learned.set(logicalName, pending);
    }
    return pending;
  }

  private async fetchDefinition(logicalName: string): Promise<{ set: string; key: string }> {
    if (!/^[a-z_][a-z0-9_]*$/.test(logicalName)) throw new Error(`"${logicalName}" is not a table logical name.`);
    const path = `EntityDefinitions(LogicalName='${logicalName}')?$select=EntitySetName,PrimaryIdAttribute`;
    const response = await this.http.send({ method: "GET", path });
    const data = parseJson(response, path) as { EntitySetName?: string; PrimaryIdAttribute?: string };
    if (!data.EntitySetName) throw new DataverseError(`Dataverse did not return an entity set name for table "${logicalName}".`, { path });
    return { set: data.EntitySetName, key: data.PrimaryIdAttribute ?? `${logicalName}id` };
  }
}

function queryPart(options: string | undefined): string {
  if (!options) return "";
  return options.startsWith("?") ? options : `?${options}`;
}

function parseJson(response: HttpResponse, path: string): unknown {
  try {
    return JSON.parse(response.text);
  } catch {
    throw new DataverseError(`Dataverse answered ${path} with a body that is not JSON.`, { status: response.status, path });
  }
}

function idFromEntityHeader(headers: Headers): string {
  const header = headers.get("odata-entityid") ?? headers.get("location") ?? "";
  const match = GUID_IN_URL.exec(header);
  if (!match) throw new DataverseError(`Dataverse did not return the new row's id (OData-EntityId: "${header}").`);
  return match[1].toLowerCase();
}

function toFetchResponse(status: number, statusText: string, headers: Headers, body: string): Response {
  const empty = status === 204 || status === 304 || body === "";
  return new Response(empty ? null : body, { status, statusText, headers });
}
