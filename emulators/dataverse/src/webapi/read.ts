/**
 * Reading rows the way the Web API returns them: `$filter`/`$orderby` over a table, `$select`
 * and `$expand` projections (single-valued, 1:N and N:N navigation properties with nested
 * options), lookups as `_x_value`, row versions as `@odata.etag`, annotations on request, and
 * paging with `@odata.nextLink` / `$skiptoken` paging cookies.
 */
import { badRequest, unknownProperty } from "../errors";
import type { DataverseEnvironment } from "../environment";
import { isReference, type EntityRecord } from "../data/store";
import { edmTypeOf, formattedValue, lookupPropertyName, toJsonValue } from "../data/values";
import type { Navigation } from "../metadata/catalog";
import { isLookupType, type AttributeMetadata, type EntityMetadata } from "../metadata/model";
import { compileFilter, ordering, type BoundProperty, type EdmType, type FilterScope } from "../odata/evaluate";
import { parseLiteral, type Expr } from "../odata/filter";
import type { QueryOptions } from "../odata/uri";
import { Annotations, MAX_PAGE_SIZE, wantsAnnotation, type Preferences } from "./prefer";

export const etagOf = (record: EntityRecord): string => `W/"${record.versionnumber ?? 0}"`;

/** Filter scope over the rows of one table. */
export class EntityScope implements FilterScope<EntityRecord> {
  constructor(
    private readonly env: DataverseEnvironment,
    private readonly entity: EntityMetadata,
    readonly currentUserId?: string,
    private readonly aliases: Map<string, string> = new Map(),
  ) {}

  alias(name: string): Expr | undefined {
    const text = this.aliases.get(name);
    return text === undefined ? undefined : parseLiteral(text);
  }

  bindProperty(path: string[], options: { forQueryFunction?: boolean } = {}): BoundProperty<EntityRecord> {
    const [head, ...rest] = path;
    if (rest.length === 0) {
      const lookupName = /^_(.+)_value$/.exec(head)?.[1];
      const lookup = lookupName ? this.entity.attributes.get(lookupName) : undefined;
      if (lookup && isLookupType(lookup.type)) return referenceId(lookup.logicalName);
      const attribute = this.entity.attributes.get(head);
      if (attribute?.validForRead) {
        if (isLookupType(attribute.type)) {
          if (options.forQueryFunction) return referenceId(head);
          throw badRequest(`The navigation property '${head}' cannot be compared with a value; filter on '${lookupPropertyName(head)}' instead.`);
        }
        return { edmType: edmTypeOf(attribute) as EdmType, get: (row) => row[head] ?? null };
      }
      throw unknownProperty(head, this.entity.logicalName);
    }
    const navigation = this.env.catalog.navigation(this.entity.logicalName, head);
    if (navigation?.kind !== "single") throw unknownProperty(head, this.entity.logicalName);
    const inner = new EntityScope(this.env, navigation.target, this.currentUserId, this.aliases).bindProperty(rest, options);
    return {
      edmType: inner.edmType,
      get: (row) => {
        const related = followSingle(this.env, navigation, row);
        return related ? inner.get(related) : null;
      },
    };
  }

  bindCollection(path: string[]) {
    const navigation = path.length === 1 ? this.env.catalog.navigation(this.entity.logicalName, path[0]) : undefined;
    if (!navigation || navigation.kind === "single") throw unknownProperty(path.join("/"), this.entity.logicalName);
    return {
      scope: new EntityScope(this.env, navigation.target, this.currentUserId, this.aliases) as FilterScope<unknown>,
      items: (row: EntityRecord) => relatedRows(this.env, this.entity, navigation, row),
    };
  }
}

const referenceId = (attribute: string): BoundProperty<EntityRecord> => ({
  edmType: "Edm.Guid",
  get: (row) => {
    const value = row[attribute];
    return isReference(value) ? value.id : null;
  },
});

function followSingle(env: DataverseEnvironment, navigation: Extract<Navigation, { kind: "single" }>, row: EntityRecord): EntityRecord | undefined {
  const reference = row[navigation.attribute];
  if (!isReference(reference)) return undefined;
  // A polymorphic lookup (customer) only follows the navigation property of the row's table.
  if (reference.logicalName !== navigation.target.logicalName && navigation.name !== navigation.attribute) return undefined;
  return env.get(reference.logicalName, reference.id);
}

/** Rows on the other side of a collection-valued navigation property. */
export function relatedRows(env: DataverseEnvironment, entity: EntityMetadata, navigation: Navigation, row: EntityRecord): EntityRecord[] {
  const id = row[entity.primaryIdAttribute] as string;
  if (navigation.kind === "collection") {
    const attribute = navigation.relationship.referencingAttribute;
    const result: EntityRecord[] = [];
    for (const related of env.store.rows(navigation.target.logicalName).values()) {
      const reference = related[attribute];
      if (isReference(reference) && reference.id === id && reference.logicalName === entity.logicalName) result.push(related);
    }
    return result;
  }
  if (navigation.kind === "manyToMany") {
    return env.store
      .related(navigation.relationship.schemaName, navigation.side, id)
      .map((otherId) => env.get(navigation.target.logicalName, otherId))
      .filter((r): r is EntityRecord => r !== undefined);
  }
  const single = followSingle(env, navigation, row);
  return single ? [single] : [];
}

/** Applies $filter and $orderby (and a stable default order) to candidate rows. */
export function filterAndSort(env: DataverseEnvironment, entity: EntityMetadata, rows: Iterable<EntityRecord>, options: QueryOptions, userId?: string): EntityRecord[] {
  const scope = new EntityScope(env, entity, userId, options.aliases);
  const predicate = options.filter ? compileFilter(options.filter, scope) : undefined;
  const sorters = (options.orderBy ?? []).map((order) => ({ property: scope.bindProperty(order.path), descending: order.descending }));
  const result: EntityRecord[] = [];
  for (const row of rows) if (!predicate || predicate(row)) result.push(row);
  if (sorters.length > 0) {
    result.sort((a, b) => {
      for (const sorter of sorters) {
        const x = sorter.property.get(a);
        const y = sorter.property.get(b);
        // SQL Server sorts NULL first in ascending order.
        const order = x == null ? (y == null ? 0 : -1) : y == null ? 1 : ordering(x, y, sorter.property.edmType === "Edm.DateTimeOffset" || sorter.property.edmType === "Edm.Date");
        if (order !== 0) return sorter.descending ? -order : order;
      }
      return 0;
    });
  }
  return result;
}

interface Column {
  attribute: AttributeMetadata;
  /** The property name in the payload: the logical name, or `_x_value` for lookups. */
  property: string;
}

/** A validated $select/$expand, applied to rows of one table. */
export class Projection {
  private readonly columns: Column[];
  private readonly expansions: Array<{ navigation: Navigation; projection: Projection; options: QueryOptions }>;

  constructor(
    private readonly env: DataverseEnvironment,
    readonly entity: EntityMetadata,
    private readonly options: QueryOptions,
    private readonly preferences: Preferences,
    private readonly userId?: string,
  ) {
    this.columns = this.resolveColumns();
    this.expansions = (options.expand ?? []).map((item) => {
      const navigation = env.catalog.navigation(entity.logicalName, item.navigation);
      if (!navigation) throw unknownProperty(item.navigation, entity.logicalName);
      const projection = new Projection(env, navigation.target, item.options, preferences, userId);
      if (navigation.kind !== "single" && (item.options.filter || item.options.orderBy)) {
        filterAndSort(env, navigation.target, [], item.options, userId);
      }
      return { navigation, projection, options: item.options };
    });
  }

  get hasExpand(): boolean {
    return this.expansions.length > 0;
  }

  /** `(name,primarycontactid(fullname))` for the @odata.context URL, or "" without $select/$expand. */
  contextFragment(): string {
    const parts = [...(this.options.select ?? [])];
    for (const expansion of this.expansions) parts.push(`${expansion.navigation.name}(${expansion.projection.contextFragment().slice(1, -1)})`);
    return parts.length > 0 ? `(${parts.join(",")})` : "";
  }

  project(record: EntityRecord): Record<string, unknown> {
    const result: Record<string, unknown> = { "@odata.etag": etagOf(record) };
    const wantsFormatted = wantsAnnotation(this.preferences, Annotations.formattedValue);
    const wantsLookupName = wantsAnnotation(this.preferences, Annotations.lookupLogicalName);
    const wantsNavigation = wantsAnnotation(this.preferences, Annotations.associatedNavigationProperty);
    const currency = this.currencyOf(record);
    for (const { attribute, property } of this.columns) {
      const stored = record[attribute.logicalName];
      if (isLookupType(attribute.type)) {
        if (isReference(stored)) {
          if (wantsFormatted) {
            const name = this.env.primaryName(stored);
            if (name !== undefined) result[`${property}@${Annotations.formattedValue}`] = name;
          }
          if (wantsNavigation) {
            result[`${property}@${Annotations.associatedNavigationProperty}`] =
              this.env.catalog.navigationForLookup(this.entity.logicalName, attribute.logicalName, stored.logicalName) ?? attribute.logicalName;
          }
          if (wantsLookupName) result[`${property}@${Annotations.lookupLogicalName}`] = stored.logicalName;
        }
        result[property] = isReference(stored) ? stored.id : null;
        continue;
      }
      if (wantsFormatted) {
        const text = formattedValue(attribute, stored, currency);
        if (text !== undefined) result[`${property}@${Annotations.formattedValue}`] = text;
      }
      result[property] = toJsonValue(attribute, stored);
    }
    for (const { navigation, projection, options } of this.expansions) {
      if (navigation.kind === "single") {
        const related = relatedRows(this.env, this.entity, navigation, record)[0];
        result[navigation.name] = related ? projection.project(related) : null;
      } else {
        let rows = filterAndSort(this.env, navigation.target, relatedRows(this.env, this.entity, navigation, record), options, this.userId);
        if (options.top !== undefined) rows = rows.slice(0, options.top);
        result[navigation.name] = rows.map((row) => projection.project(row));
      }
    }
    return result;
  }

  private currencyOf(record: EntityRecord) {
    const reference = record.transactioncurrencyid;
    if (!isReference(reference)) return {};
    const currency = this.env.get("transactioncurrency", reference.id);
    return {
      currencySymbol: typeof currency?.currencysymbol === "string" ? currency.currencysymbol : undefined,
      currencyPrecision: typeof currency?.currencyprecision === "number" ? currency.currencyprecision : undefined,
    };
  }

  private resolveColumns(): Column[] {
    const entity = this.entity;
    const columnFor = (attribute: AttributeMetadata): Column => ({
      attribute,
      property: isLookupType(attribute.type) ? lookupPropertyName(attribute.logicalName) : attribute.logicalName,
    });
    if (!this.options.select) {
      return [...entity.attributes.values()].filter((a) => a.validForRead && a.type !== "Virtual").map(columnFor);
    }
    const columns: Column[] = [];
    const seen = new Set<string>();
    const add = (attribute: AttributeMetadata) => {
      if (seen.has(attribute.logicalName)) return;
      seen.add(attribute.logicalName);
      columns.push(columnFor(attribute));
    };
    for (const name of this.options.select) {
      const lookupName = /^_(.+)_value$/.exec(name)?.[1];
      const attribute = entity.attributes.get(lookupName ?? name);
      if (!attribute || !attribute.validForRead || (lookupName && !isLookupType(attribute.type))) throw unknownProperty(name, entity.logicalName);
      add(attribute);
    }
    add(entity.attributes.get(entity.primaryIdAttribute)!);
    return columns;
  }
}

/** Where a page starts and whether another follows; the cookie format copies Dataverse's. */
export interface Page {
  rows: EntityRecord[];
  nextSkipToken?: string;
}

export function paginate(entity: EntityMetadata, rows: EntityRecord[], options: QueryOptions, preferences: Preferences): Page {
  if (preferences.maxPageSize === undefined && options.top !== undefined) {
    return { rows: rows.slice(0, Math.min(options.top, MAX_PAGE_SIZE)) };
  }
  const pageSize = preferences.maxPageSize ?? MAX_PAGE_SIZE;
  let start = 0;
  let pageNumber = 1;
  if (options.skipToken) {
    const cookie = readPagingCookie(options.skipToken);
    pageNumber = cookie.pageNumber;
    const index = cookie.lastId ? rows.findIndex((row) => row[entity.primaryIdAttribute] === cookie.lastId) : -1;
    start = index >= 0 ? index + 1 : (pageNumber - 1) * pageSize;
  }
  const page = rows.slice(start, start + pageSize);
  if (start + pageSize >= rows.length || page.length === 0) return { rows: page };
  const first = page[0][entity.primaryIdAttribute] as string;
  const last = page[page.length - 1][entity.primaryIdAttribute] as string;
  return { rows: page, nextSkipToken: writePagingCookie(entity.primaryIdAttribute, pageNumber + 1, pageNumber, first, last) };
}

/**
 * `<cookie pagenumber="2" pagingcookie="%3ccookie%20page%3d%221%22%3e%3caccountid%20last%3d…" istracking="False" />`
 * as in the page-results documentation.
 */
function writePagingCookie(primaryId: string, nextPage: number, page: number, first: string, last: string): string {
  const inner = `<cookie page="${page}"><${primaryId} last="{${last.toUpperCase()}}" first="{${first.toUpperCase()}}" /></cookie>`;
  const encodedInner = encodeURIComponent(inner).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
  return `<cookie pagenumber="${nextPage}" pagingcookie="${encodedInner}" istracking="False" />`;
}

function readPagingCookie(token: string): { pageNumber: number; lastId?: string } {
  const pageNumber = Number(/pagenumber="(\d+)"/.exec(token)?.[1]);
  if (!Number.isInteger(pageNumber) || pageNumber < 1) throw badRequest(`The $skiptoken value '${token}' is not a valid paging cookie.`);
  const inner = /pagingcookie="([^"]*)"/.exec(token)?.[1];
  const decoded = inner ? decodeURIComponent(inner) : "";
  const lastId = /last="\{?([0-9a-fA-F-]{36})\}?"/.exec(decoded)?.[1]?.toLowerCase();
  return { pageNumber, lastId };
}

/** Encodes a skip token into a query string the way the service writes nextLink values. */
export function encodeSkipToken(token: string): string {
  return encodeURIComponent(token).replace(/%3D/g, "=");
}
