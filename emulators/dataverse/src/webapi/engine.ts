/**
 * Routes one Web API operation (a request, or one part of a $batch) to the right behaviour:
 * entity sets and rows (retrieve, query, create, update/upsert, delete, conditional
 * operations), navigation properties and `$ref` (associate/disassociate), single properties,
 * functions and actions, and metadata. Semantics follow dataverse-pcf.md §5.
 */
import { badRequest, DataverseError, ErrorCodes, notFoundByKey, notFoundRecord, recordAlreadyExists, segmentNotFound, versionMismatch } from "../errors";
import type { DataverseEnvironment } from "../environment";
import type { EntityRecord } from "../data/store";
import { toStoredValue } from "../data/values";
import type { Navigation } from "../metadata/catalog";
import type { EntityMetadata } from "../metadata/model";
import { parseKey, parseNamedArguments, parseQueryOptions, parseQueryString, splitPath, type QueryOptions, type Segment } from "../odata/uri";
import { emptyResponse, jsonResponse, type ApiRequest, type ApiResponse, type CallContext } from "./context";
import { handleMetadata } from "./metadata-api";
import type { Operation } from "./operations/operation";
import { MAX_PAGE_SIZE } from "./prefer";
import { encodeSkipToken, etagOf, filterAndSort, paginate, Projection, relatedRows } from "./read";
import { associate, disassociate, findByAlternateKey, parseBody, resolveEntityUrl } from "./write";

const methodNotAllowed = (method: string) => new DataverseError(405, "", `The requested resource does not support http method '${method}'.`);

export class WebApiEngine {
  private readonly unbound = new Map<string, Operation>();
  private readonly bound = new Map<string, Operation>();

  constructor(
    private readonly env: DataverseEnvironment,
    operations: Operation[],
  ) {
    for (const operation of operations) (operation.boundTo ? this.bound : this.unbound).set(operation.name, operation);
  }

  async handle(request: ApiRequest, context: CallContext): Promise<ApiResponse> {
    try {
      return await this.dispatch(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  }

  private async dispatch(request: ApiRequest, context: CallContext): Promise<ApiResponse> {
    const method = request.method.toUpperCase();
    let segments = splitPath(request.path);
    const params = parseQueryString(request.query);
    if (segments.length === 0) return this.serviceDocument(method, context);
    const reference = segments[0].name.match(/^\$(\d+)$/);
    if (reference && context.contentIds?.has(reference[1])) {
      segments = [...splitPath(stripServiceRoot(context.contentIds.get(reference[1])!, context)), ...segments.slice(1)];
    }
    const [first] = segments;
    if (first.name === "EntityDefinitions" || first.name === "GlobalOptionSetDefinitions") {
      return handleMetadata(this.env, method, segments, parseQueryOptions(params), context);
    }
    if (first.name === "$metadata") {
      throw new DataverseError(501, "", "The CSDL $metadata document is not served by this environment; query EntityDefinitions instead.");
    }
    const operation = this.unbound.get(first.name);
    if (operation && segments.length === 1) return this.invoke(operation, method, first, request, params, context);
    const entity = this.env.catalog.entityBySetName(first.name);
    if (!entity) throw segmentNotFound(first.name);
    return this.entityRequest(entity, segments, method, request, params, context);
  }

  private serviceDocument(method: string, context: CallContext): ApiResponse {
    if (method !== "GET") throw methodNotAllowed(method);
    return jsonResponse(200, {
      "@odata.context": `${context.serviceRoot}$metadata`,
      value: this.env.catalog.allEntities().map((e) => ({ name: e.entitySetName, kind: "EntitySet", url: e.entitySetName })),
    });
  }

  private async invoke(operation: Operation, method: string, segment: Segment, request: ApiRequest, params: Map<string, string>, context: CallContext, boundId?: string): Promise<ApiResponse> {
    const expected = operation.kind === "function" ? "GET" : "POST";
    if (method !== expected) {
      // web-api-client-errors: "No HTTP resource was found that matches the request URI".
      throw new DataverseError(404, "", `No HTTP resource was found that matches the request URI '${context.serviceRoot}${request.path}'.`);
    }
    let parameters: Record<string, unknown> = {};
    if (operation.kind === "function") {
      const aliases = new Map([...params].filter(([k]) => k.startsWith("@")));
      if (segment.args) parameters = parseNamedArguments(segment.args, aliases);
    } else if (request.body && request.body.trim() !== "") {
      const body = parseJson(request.body);
      if (typeof body !== "object" || body === null || Array.isArray(body)) throw badRequest("The parameters of an action must be a JSON object.");
      parameters = body as Record<string, unknown>;
    }
    return operation.invoke({ env: this.env, context, parameters, boundId });
  }

  private async entityRequest(entity: EntityMetadata, segments: Segment[], method: string, request: ApiRequest, params: Map<string, string>, context: CallContext): Promise<ApiResponse> {
    const [setSegment, ...rest] = segments;
    if (setSegment.args === undefined) {
      if (rest.length === 0) {
        if (method === "GET") return this.query(entity, this.env.store.rows(entity.logicalName).values(), request, params, context);
        if (method === "POST") return this.create(entity, request, params, context);
        throw methodNotAllowed(method);
      }
      if (rest.length === 1 && rest[0].name === "$count") {
        if (method !== "GET") throw methodNotAllowed(method);
        return { status: 200, headers: { "Content-Type": "text/plain", "OData-Version": "4.0" }, body: String(Math.min(this.env.store.count(entity.logicalName), MAX_PAGE_SIZE)) };
      }
      throw segmentNotFound(rest[0].name);
    }
    const key = parseKey(setSegment.args);
    const id = key.kind === "id" ? key.id : findByAlternateKey(this.env, entity, key.values);
    if (method === "PATCH" && rest.length === 0) return this.upsert(entity, id, key.kind === "alternate" ? key.values : undefined, request, params, context);
    if (!id) throw notFoundByKey(entity.logicalName);
    if (rest.length === 0) {
      if (method === "GET") return this.retrieve(entity, id, request, params, context);
      if (method === "DELETE") return this.remove(entity, id, request, context);
      throw methodNotAllowed(method);
    }
    if (!this.env.get(entity.logicalName, id)) throw notFoundRecord(entity.logicalName, id);
    const [next, ...tail] = rest;
    if (next.name.startsWith("Microsoft.Dynamics.CRM.")) {
      const operation = this.bound.get(next.name.slice("Microsoft.Dynamics.CRM.".length));
      if (!operation || operation.boundTo !== entity.logicalName || tail.length > 0) throw segmentNotFound(next.name);
      return this.invoke(operation, method, next, request, params, context, id);
    }
    const navigation = this.env.catalog.navigation(entity.logicalName, next.name);
    if (navigation) {
      const relatedId = next.args !== undefined ? keyId(parseKey(next.args), next) : undefined;
      if (tail.length === 1 && tail[0].name === "$ref") return this.reference(entity, id, navigation, relatedId, method, request, params, context);
      if (tail.length > 0) throw segmentNotFound(tail[0].name);
      if (method !== "GET") throw methodNotAllowed(method);
      return this.navigate(entity, id, navigation, relatedId, request, params, context);
    }
    const attribute = entity.attributes.get(next.name);
    if (attribute && tail.length === 0) return this.property(entity, id, next.name, method, request, context);
    throw segmentNotFound(next.name);
  }

  private query(entity: EntityMetadata, candidates: Iterable<EntityRecord>, request: ApiRequest, params: Map<string, string>, context: CallContext): ApiResponse {
    const options = parseQueryOptions(params);
    if (options.fetchXml !== undefined) {
      throw new DataverseError(501, "", "FetchXML queries are not supported by this environment; use $filter, $orderby and $expand.");
    }
    const projection = new Projection(this.env, entity, options, context.preferences, context.actor.userId);
    const rows = filterAndSort(this.env, entity, candidates, options, context.actor.userId);
    const page = paginate(entity, rows, options, context.preferences);
    const body: Record<string, unknown> = { "@odata.context": `${context.serviceRoot}$metadata#${entity.entitySetName}${projection.contextFragment()}` };
    if (options.count) body["@odata.count"] = Math.min(rows.length, MAX_PAGE_SIZE);
    body.value = page.rows.map((row) => projection.project(row));
    if (page.nextSkipToken) body["@odata.nextLink"] = nextLink(request, context, page.nextSkipToken);
    return jsonResponse(200, body, preferenceApplied(context));
  }

  private retrieve(entity: EntityMetadata, id: string, request: ApiRequest, params: Map<string, string>, context: CallContext): ApiResponse {
    const record = this.env.require(entity.logicalName, id);
    const options = parseQueryOptions(params);
    const projection = new Projection(this.env, entity, options, context.preferences, context.actor.userId);
    const ifNoneMatch = request.headers["if-none-match"];
    // Conditional retrieve is not honoured with $expand or annotations (perform-conditional-operations).
    if (ifNoneMatch && ifNoneMatch === etagOf(record) && !projection.hasExpand && context.preferences.includeAnnotations.length === 0) {
      return emptyResponse(304);
    }
    return jsonResponse(200, this.representation(entity, record, options, context), preferenceApplied(context));
  }

  private representation(entity: EntityMetadata, record: EntityRecord, options: QueryOptions, context: CallContext): Record<string, unknown> {
    const projection = new Projection(this.env, entity, options, context.preferences, context.actor.userId);
    return { "@odata.context": `${context.serviceRoot}$metadata#${entity.entitySetName}${projection.contextFragment()}/$entity`, ...projection.project(record) };
  }

  private create(entity: EntityMetadata, request: ApiRequest, params: Map<string, string>, context: CallContext): ApiResponse {
    const parsed = parseBody(this.env, entity, parseJson(request.body), context, "create");
    const id = this.env.store.transaction(() => {
      const created = this.env.create(entity.logicalName, parsed.values, context.actor, { correlationId: context.correlationId });
      for (const work of parsed.afterWrite) work(created);
      return created;
    });
    return this.writeResponse(entity, id, 201, params, context);
  }

  private upsert(entity: EntityMetadata, id: string | undefined, keyValues: Record<string, unknown> | undefined, request: ApiRequest, params: Map<string, string>, context: CallContext): ApiResponse {
    const existing = id ? this.env.get(entity.logicalName, id) : undefined;
    const ifMatch = request.headers["if-match"]?.trim();
    const ifNoneMatch = request.headers["if-none-match"]?.trim();
    if (ifMatch) {
      // webapi-error-404-upsert-if-match.json / webapi-error-412-optimistic-concurrency-update.json
      if (!existing) throw id ? notFoundRecord(entity.logicalName, id) : notFoundByKey(entity.logicalName);
      if (ifMatch !== "*" && ifMatch !== etagOf(existing)) throw versionMismatch();
    }
    if (ifNoneMatch === "*" && existing) throw recordAlreadyExists();
    const parsed = parseBody(this.env, entity, parseJson(request.body), context, existing ? "update" : "create");
    if (existing && id) {
      this.env.store.transaction(() => {
        this.env.update(entity.logicalName, id, parsed.values, context.actor, { correlationId: context.correlationId });
        for (const work of parsed.afterWrite) work(id);
      });
      return this.writeResponse(entity, id, 200, params, context);
    }
    const values = { ...parsed.values };
    if (id) values[entity.primaryIdAttribute] = id;
    for (const [name, value] of Object.entries(keyValues ?? {})) {
      const attribute = entity.attributes.get(name);
      if (attribute) values[name] = attribute.type === "Lookup" || attribute.type === "Customer" || attribute.type === "Owner" ? values[name] : toStoredValue(entity, attribute, value);
    }
    const created = this.env.store.transaction(() => {
      const newId = this.env.create(entity.logicalName, values, context.actor, { correlationId: context.correlationId });
      for (const work of parsed.afterWrite) work(newId);
      return newId;
    });
    return this.writeResponse(entity, created, 201, params, context);
  }

  private writeResponse(entity: EntityMetadata, id: string, representationStatus: number, params: Map<string, string>, context: CallContext): ApiResponse {
    const headers = { "OData-EntityId": `${context.serviceRoot}${entity.entitySetName}(${id})` };
    if (!context.preferences.returnRepresentation) return emptyResponse(204, headers);
    const record = this.env.require(entity.logicalName, id);
    return jsonResponse(representationStatus, this.representation(entity, record, parseQueryOptions(params), context), { ...headers, "Preference-Applied": "return=representation" });
  }

  private remove(entity: EntityMetadata, id: string, request: ApiRequest, context: CallContext): ApiResponse {
    const existing = this.env.require(entity.logicalName, id);
    const ifMatch = request.headers["if-match"]?.trim();
    // webapi-error-412-optimistic-concurrency-delete.json
    if (ifMatch && ifMatch !== "*" && ifMatch !== etagOf(existing)) throw versionMismatch();
    this.env.delete(entity.logicalName, id, context.actor, { correlationId: context.correlationId });
    return emptyResponse(204);
  }

  private navigate(entity: EntityMetadata, id: string, navigation: Navigation, relatedId: string | undefined, request: ApiRequest, params: Map<string, string>, context: CallContext): ApiResponse {
    const record = this.env.require(entity.logicalName, id);
    const related = relatedRows(this.env, entity, navigation, record);
    const target = navigation.target;
    if (navigation.kind === "single" || relatedId) {
      const row = relatedId ? related.find((r) => r[target.primaryIdAttribute] === relatedId) : related[0];
      if (!row) {
        if (relatedId) throw notFoundRecord(target.logicalName, relatedId);
        return emptyResponse(204);
      }
      return jsonResponse(200, this.representation(target, row, parseQueryOptions(params), context), preferenceApplied(context));
    }
    return this.query(target, related, request, params, context);
  }

  private reference(entity: EntityMetadata, id: string, navigation: Navigation, relatedId: string | undefined, method: string, request: ApiRequest, params: Map<string, string>, context: CallContext): ApiResponse {
    const target = navigation.target;
    const urlOf = (row: EntityRecord) => `${context.serviceRoot}${target.entitySetName}(${row[target.primaryIdAttribute] as string})`;
    switch (method) {
      case "GET": {
        const rows = relatedRows(this.env, entity, navigation, this.env.require(entity.logicalName, id));
        if (navigation.kind === "single") {
          if (rows.length === 0) return emptyResponse(204);
          return jsonResponse(200, { "@odata.context": `${context.serviceRoot}$metadata#$ref`, "@odata.id": urlOf(rows[0]) });
        }
        return jsonResponse(200, { "@odata.context": `${context.serviceRoot}$metadata#Collection($ref)`, value: rows.map((r) => ({ "@odata.id": urlOf(r) })) });
      }
      case "POST":
      case "PUT": {
        if ((method === "PUT") !== (navigation.kind === "single")) throw methodNotAllowed(method);
        const body = parseJson(request.body) as Record<string, unknown>;
        const url = body?.["@odata.id"];
        if (typeof url !== "string") throw badRequest("The $ref request body must be a JSON object with an '@odata.id' entity URL.");
        const related = resolveEntityUrl(this.env, url, context);
        if (related.logicalName !== target.logicalName && navigation.kind !== "single") {
          throw badRequest(`An entity of type 'Microsoft.Dynamics.CRM.${related.logicalName}' cannot be related through '${navigation.name}'.`);
        }
        this.env.store.transaction(() => associate(this.env, entity, id, navigation, related, context));
        return emptyResponse(204);
      }
      case "DELETE": {
        let related = relatedId ? { logicalName: target.logicalName, id: relatedId } : undefined;
        const byUrl = params.get("$id");
        if (!related && byUrl) related = resolveEntityUrl(this.env, byUrl, context);
        this.env.store.transaction(() => disassociate(this.env, entity, id, navigation, related, context));
        return emptyResponse(204);
      }
      default:
        throw methodNotAllowed(method);
    }
  }

  private property(entity: EntityMetadata, id: string, name: string, method: string, request: ApiRequest, context: CallContext): ApiResponse {
    const attribute = entity.attributes.get(name)!;
    const record = this.env.require(entity.logicalName, id);
    switch (method) {
      case "GET": {
        if (!attribute.validForRead) throw segmentNotFound(name);
        const projection = new Projection(this.env, entity, { select: [name], aliases: new Map() }, context.preferences);
        const value = projection.project(record)[name];
        if (value === null || value === undefined) return emptyResponse(204);
        return jsonResponse(200, { "@odata.context": `${context.serviceRoot}$metadata#${entity.entitySetName}(${id})/${name}`, value });
      }
      case "PUT": {
        const body = parseJson(request.body) as Record<string, unknown>;
        if (!body || typeof body !== "object" || !("value" in body)) throw badRequest("A single-property PUT needs a JSON body of the form {\"value\": …}.");
        const parsed = parseBody(this.env, entity, { [name]: body.value }, context, "update");
        this.env.update(entity.logicalName, id, parsed.values, context.actor, { correlationId: context.correlationId });
        return emptyResponse(204);
      }
      case "DELETE":
        this.env.update(entity.logicalName, id, parseBody(this.env, entity, { [name]: null }, context, "update").values, context.actor, { correlationId: context.correlationId });
        return emptyResponse(204);
      default:
        throw methodNotAllowed(method);
    }
  }
}

function keyId(key: ReturnType<typeof parseKey>, segment: Segment): string {
  if (key.kind !== "id") throw badRequest(`Use the related row's id in '${segment.name}(<id>)'.`);
  return key.id;
}


export function parseJson(body: string | undefined): unknown {
  if (body === undefined || body.trim() === "") throw badRequest("The request body is empty; a JSON object was expected.");
  try {
    return JSON.parse(body.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw badRequest(`Invalid JSON. ${(error as Error).message}`);
  }
}

function stripServiceRoot(url: string, context: CallContext): string {
  return url.startsWith(context.serviceRoot) ? url.slice(context.serviceRoot.length) : url;
}

function preferenceApplied(context: CallContext): Record<string, string> {
  return context.preferences.applied.length > 0 ? { "Preference-Applied": context.preferences.applied.join(",") } : {};
}

function nextLink(request: ApiRequest, context: CallContext, skipToken: string): string {
  const kept = request.query
    .split("&")
    .filter((pair) => pair !== "" && decodeURIComponent(pair.split("=")[0]) !== "$skiptoken");
  kept.push(`$skiptoken=${encodeSkipToken(skipToken)}`);
  return `${context.serviceRoot}${request.path}?${kept.join("&")}`;
}

export function errorResponse(error: unknown): ApiResponse {
  if (error instanceof DataverseError) return jsonResponse(error.status, error.body(), error.headers);
  const message = error instanceof Error ? error.message : String(error);
  return jsonResponse(500, { error: { code: ErrorCodes.Unexpected, message: `An unexpected error occurred: ${message}` } });
}
