/**
 * An in-memory Dataverse behind an `Xrm.WebApi`-shaped object, for the form script tests. It keeps
 * the parts of the platform contract the scripts depend on (dataverse-pcf.md §4–§5): tables with
 * known columns (an unknown column is a 400, like the real service), `$select`, `$filter` with
 * `eq`/`and`/`or`, `$expand` of one-to-many and N:N navigation properties, lookups read as
 * `_x_value`, not-found and privilege errors in the `{ errorCode, message }` shape `Xrm.WebApi`
 * rejects with, latency on every call, and injected failures.
 */

type Row = Record<string, unknown>;

export interface WebApiError {
  errorCode: number;
  message: string;
}

interface Navigation {
  kind: "oneToMany" | "manyToMany";
  from: string;
  to: string;
  /** oneToMany: the lookup column on `to` that points at `from`. */
  lookup?: string;
}

/** 0x80040217: the Dataverse "does not exist" error code. */
const NOT_FOUND = 0x80040217;
/** 0x80060888: OData syntax or unknown property. */
const BAD_REQUEST = 0x80060888;

export class FakeDataverse {
  /** Every Web API call, in order: `operation entity options`. */
  readonly calls: string[] = [];
  /** Calls settle on a later turn, as the platform's do. */
  private readonly latencyMs = 2;

  private readonly tables = new Map<string, { columns: Set<string>; rows: Map<string, Row> }>();
  private readonly navigations = new Map<string, Navigation>();
  private readonly links = new Map<string, Set<string>>();
  private readonly failures: { entity: string; error: WebApiError; remaining: number }[] = [];
  private held: Promise<void> | undefined;

  defineTable(entity: string, columns: string[]): void {
    this.tables.set(entity, { columns: new Set([`${entity}id`, ...columns]), rows: new Map() });
  }

  defineOneToMany(navigation: string, from: string, to: string, lookup: string): void {
    this.navigations.set(navigation, { kind: "oneToMany", from, to, lookup });
  }

  defineManyToMany(navigation: string, from: string, to: string): void {
    this.navigations.set(navigation, { kind: "manyToMany", from, to });
  }

  add(entity: string, row: Row): string {
    const table = this.table(entity);
    const id = String(row[`${entity}id`] ?? crypto.randomUUID());
    for (const column of Object.keys(row)) this.assertColumn(entity, column);
    table.rows.set(id, { ...row, [`${entity}id`]: id });
    return id;
  }

  associate(navigation: string, fromId: string, toId: string): void {
    const key = `${navigation}|${fromId}`;
    if (!this.links.has(key)) this.links.set(key, new Set());
    this.links.get(key)!.add(toId);
  }

  row(entity: string, id: string): Row | undefined {
    return this.table(entity).rows.get(bare(id));
  }

  /** The next `times` calls touching `entity` fail with `error` (e.g. a missing privilege). */
  failNext(entity: string, error: WebApiError, times = 1): void {
    this.failures.push({ entity, error, remaining: times });
  }

  /** Calls made from now on wait until the returned function runs: a test acts while a read is in flight. */
  hold(): () => void {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    this.held = held;
    return () => {
      if (this.held === held) this.held = undefined;
      release();
    };
  }

  webApi(): Xrm.WebApi {
    const api = {
      retrieveRecord: (entity: string, id: string, options?: string) =>
        this.call(`retrieveRecord ${entity} ${options ?? ""}`, entity, () => this.retrieve(entity, id, options)),
      retrieveMultipleRecords: (entity: string, options?: string, maxPageSize?: number) =>
        this.call(`retrieveMultipleRecords ${entity} ${options ?? ""}`, entity, () => ({
          entities: this.query(entity, options, maxPageSize),
        })),
      createRecord: (entity: string, data: Row) =>
        this.call(`createRecord ${entity}`, entity, () => ({ entityType: entity, id: this.add(entity, data) })),
      updateRecord: (entity: string, id: string, data: Row) =>
        this.call(`updateRecord ${entity}`, entity, () => {
          const row = this.existing(entity, id);
          for (const column of Object.keys(data)) this.assertColumn(entity, column);
          Object.assign(row, data);
          return { entityType: entity, id: bare(id) };
        }),
      deleteRecord: (entity: string, id: string) =>
        this.call(`deleteRecord ${entity}`, entity, () => {
          this.existing(entity, id);
          this.table(entity).rows.delete(bare(id));
          return { entityType: entity, id: bare(id) };
        }),
      isAvailableOffline: () => false,
    };
    return api as unknown as Xrm.WebApi;
  }

  private call<T>(description: string, entity: string, run: () => T): Promise<T> {
    this.calls.push(description.trim());
    const gate = this.held ?? Promise.resolve();
    return gate.then(() => new Promise<T>((resolve, reject) => {
      setTimeout(() => {
        const failure = this.failures.find((f) => f.entity === entity && f.remaining > 0);
        if (failure) {
          failure.remaining--;
          reject(failure.error);
          return;
        }
        try {
          resolve(run());
        } catch (e) {
          reject(e);
        }
      }, this.latencyMs);
    }));
  }

  private retrieve(entity: string, id: string, options?: string): Row {
    const row = this.existing(entity, id);
    return this.shape(entity, row, parseOptions(options));
  }

  private query(entity: string, options: string | undefined, maxPageSize?: number): Row[] {
    const parsed = parseOptions(options);
    const predicate = parsed.filter ? this.compileFilter(entity, parsed.filter) : () => true;
    const rows = [...this.table(entity).rows.values()].filter(predicate);
    const limit = Math.min(parsed.top ?? Infinity, maxPageSize ?? Infinity);
    return rows.slice(0, limit).map((row) => this.shape(entity, row, parsed));
  }

  private shape(entity: string, row: Row, options: ParsedOptions): Row {
    const primary = `${entity}id`;
    const columns = options.select ?? [...this.table(entity).columns];
    for (const column of columns) this.assertColumn(entity, column);
    const result: Row = { "@odata.etag": 'W/"1"', [primary]: row[primary] };
    for (const column of columns) result[column] = row[column] ?? null;
    for (const [navigation, inner] of options.expand) {
      result[navigation] = this.related(entity, String(row[primary]), navigation).map((r) => {
        const nav = this.navigations.get(navigation)!;
        return this.shape(nav.from === entity ? nav.to : nav.from, r, inner);
      });
    }
    return result;
  }

  private related(entity: string, id: string, navigation: string): Row[] {
    const nav = this.navigations.get(navigation);
    if (!nav || (nav.from !== entity && !(nav.kind === "manyToMany" && nav.to === entity))) {
      throw badRequest(`Could not find a property named '${navigation}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    }
    if (nav.kind === "oneToMany") {
      return [...this.table(nav.to).rows.values()].filter((r) => r[nav.lookup!] === id);
    }
    const other = nav.from === entity ? nav.to : nav.from;
    const ids =
      nav.from === entity
        ? this.links.get(`${navigation}|${id}`) ?? new Set<string>()
        : new Set([...this.links.entries()].filter(([k, v]) => k.startsWith(`${navigation}|`) && v.has(id)).map(([k]) => k.split("|")[1]));
    return [...ids].map((i) => this.table(other).rows.get(i)).filter((r): r is Row => r !== undefined);
  }

  private compileFilter(entity: string, filter: string): (row: Row) => boolean {
    const alternatives = filter.split(/\s+or\s+/i).map((alternative) =>
      alternative.split(/\s+and\s+/i).map((condition) => {
        const m = /^\s*([\w.]+)\s+eq\s+(.+?)\s*$/i.exec(condition);
        if (!m) throw badRequest(`Syntax error at position 0 in '${condition}'.`);
        const [, column, literal] = m;
        this.assertColumn(entity, column);
        const value = parseLiteral(literal);
        return (row: Row) => {
          const actual = row[column] ?? null;
          return typeof actual === "string" && typeof value === "string"
            ? actual.toLowerCase() === value.toLowerCase()
            : actual === value;
        };
      }),
    );
    return (row) => alternatives.some((conditions) => conditions.every((c) => c(row)));
  }

  private table(entity: string) {
    const table = this.tables.get(entity);
    if (!table) {
      throw { errorCode: NOT_FOUND, message: `The entity with a name = '${entity}' with namemapping = 'Logical' was not found in the MetadataCache.` };
    }
    return table;
  }

  private existing(entity: string, id: string): Row {
    const row = this.table(entity).rows.get(bare(id));
    if (!row) throw { errorCode: NOT_FOUND, message: `${entity} With Id = ${bare(id)} Does Not Exist` } satisfies WebApiError;
    return row;
  }

  private assertColumn(entity: string, column: string): void {
    if (!this.table(entity).columns.has(column) && !column.startsWith("@")) {
      throw badRequest(`Could not find a property named '${column}' on type 'Microsoft.Dynamics.CRM.${entity}'.`);
    }
  }
}

interface ParsedOptions {
  select?: string[];
  filter?: string;
  top?: number;
  expand: [string, ParsedOptions][];
}

function parseOptions(options: string | undefined): ParsedOptions {
  const parsed: ParsedOptions = { expand: [] };
  if (!options) return parsed;
  for (const part of splitTopLevel(options.replace(/^\?/, ""), "&")) {
    const eq = part.indexOf("=");
    const name = part.slice(0, eq);
    const value = decodeURIComponent(part.slice(eq + 1));
    if (name === "$select") parsed.select = value.split(",").map((s) => s.trim());
    else if (name === "$filter") parsed.filter = value;
    else if (name === "$top") parsed.top = Number(value);
    else if (name === "$expand") {
      for (const item of splitTopLevel(value, ",")) {
        const m = /^(\w+)(?:\((.*)\))?$/.exec(item.trim());
        if (!m) throw badRequest(`Syntax error in $expand '${item}'.`);
        parsed.expand.push([m[1], parseOptions(m[2]?.replace(/;/g, "&"))]);
      }
    } else throw badRequest(`The query parameter '${name}' is not supported.`);
  }
  return parsed;
}

/** Splits on `separator` outside parentheses and quotes. */
function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === "(") depth++;
    else if (!quoted && ch === ")") depth--;
    if (ch === separator && depth === 0 && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  if (current !== "") parts.push(current);
  return parts;
}

function parseLiteral(literal: string): unknown {
  if (/^'.*'$/.test(literal)) return literal.slice(1, -1).replace(/''/g, "'");
  if (literal === "null") return null;
  if (literal === "true" || literal === "false") return literal === "true";
  if (/^-?\d+(\.\d+)?$/.test(literal)) return Number(literal);
  if (/^[0-9a-f-]{36}$/i.test(literal)) return literal.toLowerCase();
  throw badRequest(`Syntax error: '${literal}' is not a literal.`);
}

function badRequest(message: string): WebApiError {
  return { errorCode: BAD_REQUEST, message };
}

function bare(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}
