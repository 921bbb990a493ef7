/**
 * An in-memory Dataverse behind the two doors the controls use: `context.webAPI` (the PCF WebApi
 * contract: async, rejecting with `{ errorCode, message }`) and the Web API `$ref` endpoints for N:N
 * associate/disassociate (dataverse-pcf.md §5). Calls complete on a later task, like network calls,
 * and any operation can be made to fail once.
 */
import {
  ContactTable,
  OpportunitySolutionRelationship,
  OpportunityTable,
  SolutionTable,
} from "@cosell/core";
import { parseFilter, type Row } from "./odata-filter";
import type { HttpResponse } from "../SolutionsGrid/solutionLinks";

interface TableDefinition {
  logicalName: string;
  entitySetName: string;
  primaryId: string;
}

const tables: TableDefinition[] = [
  { logicalName: OpportunityTable.logicalName, entitySetName: OpportunityTable.entitySetName, primaryId: OpportunityTable.primaryId },
  { logicalName: ContactTable.logicalName, entitySetName: ContactTable.entitySetName, primaryId: ContactTable.primaryId },
  { logicalName: SolutionTable.logicalName, entitySetName: SolutionTable.entitySetName, primaryId: SolutionTable.primaryId },
  { logicalName: "environmentvariabledefinition", entitySetName: "environmentvariabledefinitions", primaryId: "environmentvariabledefinitionid" },
  { logicalName: "environmentvariablevalue", entitySetName: "environmentvariablevalues", primaryId: "environmentvariablevalueid" },
];

/**
 * Single-valued navigation properties, stored as `_<column>_value`. A customer lookup has one
 * navigation property per target table; it resolves when the id is a row of that table.
 */
const lookups = [
  { entity: OpportunityTable.logicalName, navigation: OpportunityTable.contact, column: OpportunityTable.contact, target: ContactTable.logicalName },
  { entity: OpportunityTable.logicalName, navigation: `${OpportunityTable.customer}_contact`, column: OpportunityTable.customer, target: ContactTable.logicalName },
  { entity: "environmentvariablevalue", navigation: "environmentvariabledefinitionid", column: "environmentvariabledefinitionid", target: "environmentvariabledefinition" },
];

/** Collection-valued navigation properties of 1:N relationships: the rows whose lookup points back. */
const oneToMany = [
  {
    entity: "environmentvariabledefinition",
    navigation: "environmentvariabledefinition_environmentvariablevalue",
    target: "environmentvariablevalue",
    lookup: "environmentvariabledefinitionid",
  },
];

/** The N:N, navigable from both sides under the relationship name. */
const manyToMany = {
  navigation: OpportunitySolutionRelationship.navigationProperty,
  left: OpportunityTable.logicalName,
  right: SolutionTable.logicalName,
};

export type Operation =
  | "createRecord"
  | "updateRecord"
  | "deleteRecord"
  | "retrieveRecord"
  | "retrieveMultipleRecords"
  | "associate"
  | "disassociate";

/** What `context.webAPI` rejects with in model-driven apps. */
export interface WebApiError {
  errorCode: number;
  message: string;
}

const DOES_NOT_EXIST = 0x80040217;
const DUPLICATE_KEY = 0x80040237;

const later = <T>(produce: () => T): Promise<T> =>
  new Promise((resolve, reject) =>
    setTimeout(() => {
      try {
        resolve(produce());
      } catch (error) {
        reject(error);
      }
    }, 0),
  );

const newGuid = (): string =>
  "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx".replace(/[xy]/g, (c) => {
    const r = Math.floor(Math.random() * 16);
    return (c === "x" ? r : (r & 0x3) | 0x8).toString(16);
  });

function parseQuery(options: string | undefined): Map<string, string> {
  const query = new Map<string, string>();
  const text = (options ?? "").replace(/^\?/, "");
  if (!text) return query;
  for (const part of splitTopLevel(text, "&")) {
    const eq = part.indexOf("=");
    if (eq < 0) throw new SyntaxError(`Malformed query option: ${part}`);
    query.set(decodeURIComponent(part.slice(0, eq)), decodeURIComponent(part.slice(eq + 1)));
  }
  return query;
}

/** Splits on a separator outside parentheses (nested `$expand=nav($select=a,b)`). */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const c of text) {
    if (c === "(") depth++;
    if (c === ")") depth--;
    if (c === separator && depth === 0) {
      parts.push(current);
      current = "";
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

export class FakeWebApi implements ComponentFramework.WebApi {
  private readonly rows = new Map<string, Map<string, Row>>(tables.map((t) => [t.logicalName, new Map()]));
  private readonly links = new Set<string>();
  private readonly failures = new Map<Operation, WebApiError>();
  /** Every call, in order, for assertions about what reached the server. */
  public readonly calls: { operation: Operation; entity: string; detail: string }[] = [];

  /** Seeds a row; returns its id. */
  public add(entity: string, row: Row): string {
    const table = this.table(entity);
    const id = String(row[table.primaryId] ?? newGuid()).toLowerCase();
    this.rows.get(entity)!.set(id, { ...row, [table.primaryId]: id });
    return id;
  }

  /** A copy of a stored row. */
  public row(entity: string, id: string): Row {
    return { ...this.require(entity, id) };
  }

  public setLookup(entity: string, id: string, column: string, targetId: string | null): void {
    this.require(entity, id)[`_${column}_value`] = targetId?.toLowerCase() ?? null;
  }

  public associate(opportunityId: string, solutionId: string): void {
    this.links.add(`${opportunityId.toLowerCase()}|${solutionId.toLowerCase()}`);
  }

  public solutionIdsOf(opportunityId: string): string[] {
    const prefix = `${opportunityId.toLowerCase()}|`;
    return [...this.links].filter((link) => link.startsWith(prefix)).map((link) => link.slice(prefix.length));
  }

  /** The next call of `operation` rejects with `error`. */
  public failNext(operation: Operation, error: Partial<WebApiError> = {}): void {
    this.failures.set(operation, { errorCode: error.errorCode ?? 0x80040216, message: error.message ?? "An unexpected error occurred." });
  }

  public createRecord(entityType: string, data: ComponentFramework.WebApi.Entity): Promise<ComponentFramework.LookupValue> {
    return this.run("createRecord", entityType, "", () => {
      const id = this.add(entityType, { ...data });
      return { id, entityType };
    });
  }

  public updateRecord(entityType: string, id: string, data: ComponentFramework.WebApi.Entity): Promise<ComponentFramework.LookupValue> {
    return this.run("updateRecord", entityType, id, () => {
      Object.assign(this.require(entityType, id), data);
      return { id, entityType };
    });
  }

  public deleteRecord(entityType: string, id: string): Promise<ComponentFramework.LookupValue> {
    return this.run("deleteRecord", entityType, id, () => {
      this.require(entityType, id);
      this.rows.get(entityType)!.delete(id.toLowerCase());
      return { id, entityType };
    });
  }

  public retrieveRecord(entityType: string, id: string, options?: string): Promise<ComponentFramework.WebApi.Entity> {
    return this.run("retrieveRecord", entityType, `${id}${options ?? ""}`, () => {
      const query = parseQuery(options);
      const row = this.require(entityType, id);
      return { ...this.project(entityType, row, query.get("$select")), ...this.expand(entityType, row, query.get("$expand")) };
    });
  }

  public retrieveMultipleRecords(entityType: string, options?: string, maxPageSize?: number): Promise<ComponentFramework.WebApi.RetrieveMultipleResponse> {
    return this.run("retrieveMultipleRecords", entityType, options ?? "", () => {
      const query = parseQuery(options);
      this.table(entityType);
      let rows = [...this.rows.get(entityType)!.values()];
      const filter = query.get("$filter");
      if (filter) rows = rows.filter(parseFilter(filter));
      const orderBy = query.get("$orderby");
      if (orderBy) {
        const [column, direction] = orderBy.trim().split(/\s+/);
        const sign = direction === "desc" ? -1 : 1;
        rows.sort((a, b) => sign * String(a[column] ?? "").localeCompare(String(b[column] ?? "")));
      }
      const top = query.get("$top");
      const limit = Math.min(top ? Number(top) : 5000, maxPageSize ?? 5000);
      return {
        entities: rows
          .slice(0, limit)
          .map((row) => ({ ...this.project(entityType, row, query.get("$select")), ...this.expand(entityType, row, query.get("$expand")) })),
        nextLink: rows.length > limit ? `${entityType}?$skiptoken=${limit}` : "",
      };
    });
  }

  /**
   * The Dataverse Web API for `POST …/<nav>/$ref` and `DELETE …/<nav>(<id>)/$ref`, answering as
   * Dataverse does: 204, or a JSON error body with 404 / 400.
   */
  public readonly send = (url: string, init: RequestInit): Promise<HttpResponse> => {
    const method = (init.method ?? "GET").toUpperCase();
    const path = new URL(url, "http://127.0.0.1").pathname;
    const ref = /^\/api\/data\/v9\.2\/(\w+)\(([0-9a-f-]{36})\)\/(\w+)(?:\(([0-9a-f-]{36})\))?\/\$ref$/i.exec(path);
    const operation: Operation = method === "DELETE" ? "disassociate" : "associate";
    return this.run(operation, ref?.[1] ?? path, `${method} ${path}`, () => {
      if (!ref || (method !== "POST" && method !== "DELETE")) return response(405, `No route for ${method} ${path}`);
      const [, entitySet, recordId, navigation, childInPath] = ref;
      const table = tables.find((t) => t.entitySetName === entitySet);
      if (!table || navigation !== manyToMany.navigation) return response(400, `Resource not found for the segment '${navigation}'.`);
      const childId = method === "DELETE" ? childInPath : odataIdOf(init.body);
      if (!childId) return response(400, "The request body must name the record to associate in @odata.id.");
      const [opportunityId, solutionId] = table.logicalName === manyToMany.left ? [recordId, childId] : [childId, recordId];
      for (const [entity, id] of [[manyToMany.left, opportunityId], [manyToMany.right, solutionId]] as const) {
        if (!this.rows.get(entity)!.has(id.toLowerCase())) return response(404, `${entity} With Id = ${id} Does Not Exist`, DOES_NOT_EXIST);
      }
      const key = `${opportunityId.toLowerCase()}|${solutionId.toLowerCase()}`;
      if (method === "POST") {
        if (this.links.has(key)) return response(400, "Cannot insert duplicate key.", DUPLICATE_KEY);
        this.links.add(key);
      } else {
        this.links.delete(key);
      }
      return { ok: true, status: 204, text: () => Promise.resolve("") };
    }).catch((error: WebApiError) => response(500, error.message, error.errorCode));
  };

  private run<T>(operation: Operation, entity: string, detail: string, produce: () => T): Promise<T> {
    this.calls.push({ operation, entity, detail });
    const failure = this.failures.get(operation);
    if (failure) {
      this.failures.delete(operation);
      return later(() => {
        throw failure;
      });
    }
    return later(produce);
  }

  private table(entity: string): TableDefinition {
    const table = tables.find((t) => t.logicalName === entity);
    if (!table) throw { errorCode: 0x80040217, message: `The entity with a name = '${entity}' was not found in the MetadataCache.` } satisfies WebApiError;
    return table;
  }

  private require(entity: string, id: string): Row {
    this.table(entity);
    const row = this.rows.get(entity)!.get(id.replace(/[{}]/g, "").toLowerCase());
    if (!row) throw { errorCode: DOES_NOT_EXIST, message: `${entity} With Id = ${id} Does Not Exist` } satisfies WebApiError;
    return row;
  }

  private project(entity: string, row: Row, select: string | undefined): Row {
    const table = this.table(entity);
    if (!select) return { ...row };
    const columns = new Set([...select.split(",").map((c) => c.trim()), table.primaryId]);
    return Object.fromEntries(Object.entries(row).filter(([column]) => columns.has(column)));
  }

  private expand(entity: string, row: Row, expand: string | undefined): Row {
    const expanded: Row = {};
    if (!expand) return expanded;
    for (const item of splitTopLevel(expand, ",")) {
      const match = /^(\w+)(?:\(\$select=([^)]*)\))?$/.exec(item.trim());
      if (!match) throw new SyntaxError(`Unsupported $expand: ${item}`);
      const [, navigation, select] = match;
      const lookup = lookups.find((l) => l.entity === entity && l.navigation === navigation);
      const children = oneToMany.find((r) => r.entity === entity && r.navigation === navigation);
      if (children) {
        const id = row[this.table(entity).primaryId];
        expanded[navigation] = [...this.rows.get(children.target)!.values()]
          .filter((child) => child[`_${children.lookup}_value`] === id)
          .map((child) => this.project(children.target, child, select));
      } else if (lookup) {
        const targetId = row[`_${lookup.column}_value`];
        const target = typeof targetId === "string" ? this.rows.get(lookup.target)!.get(targetId) : undefined;
        expanded[navigation] = target ? this.project(lookup.target, target, select) : null;
      } else if (navigation === manyToMany.navigation && (entity === manyToMany.left || entity === manyToMany.right)) {
        const id = String(row[this.table(entity).primaryId]);
        const other = entity === manyToMany.left ? manyToMany.right : manyToMany.left;
        const ids = [...this.links]
          .map((link) => link.split("|"))
          .filter(([left, right]) => (entity === manyToMany.left ? left : right) === id)
          .map(([left, right]) => (entity === manyToMany.left ? right : left));
        expanded[navigation] = ids.map((otherId) => this.project(other, this.rows.get(other)!.get(otherId)!, select));
      } else {
        throw { errorCode: 0x80060888, message: `Could not find a property named '${navigation}' on type 'Microsoft.Dynamics.CRM.${entity}'.` } satisfies WebApiError;
      }
    }
    return expanded;
  }
}

function odataIdOf(body: RequestInit["body"]): string | undefined {
  if (typeof body !== "string") return undefined;
  const id = (JSON.parse(body) as { "@odata.id"?: unknown })["@odata.id"];
  return typeof id === "string" ? /\(([0-9a-f-]{36})\)$/i.exec(id)?.[1] : undefined;
}

function response(status: number, message: string, code = 0): HttpResponse {
  const body = JSON.stringify({ error: { code: code ? `0x${code.toString(16)}` : "", message } });
  return { ok: false, status, text: () => Promise.resolve(body) };
}
