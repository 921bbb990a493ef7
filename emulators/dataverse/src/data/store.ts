/**
 * In-memory rows per table plus N:N intersect rows, with row versions and all-or-nothing
 * transactions (a $batch change set, or one request that writes several rows).
 */

export interface EntityReference {
  logicalName: string;
  id: string;
}

/** Column values as stored: lookups as references, choices as numbers, dates as ISO strings. */
export type StoredValue = string | number | boolean | null | EntityReference | number[];
export type EntityRecord = Record<string, StoredValue>;

export const isReference = (value: unknown): value is EntityReference =>
  typeof value === "object" && value !== null && !Array.isArray(value) && "logicalName" in value && "id" in value;

type Undo = () => void;

/** Everything the store holds, as plain JSON (rows by table, N:N pairs by relationship). */
export interface StoreContents {
  tables: Record<string, EntityRecord[]>;
  intersects: Record<string, Array<[string, string]>>;
  /** The last row version handed out; restored stores keep counting up from it. */
  rowVersion: number;
}

export class Store {
  private readonly tables = new Map<string, Map<string, EntityRecord>>();
  /** relationship schema name → "entity1Id|entity2Id" pairs. */
  private readonly intersects = new Map<string, Set<string>>();
  private version = 1000;
  private journal: Undo[] | null = null;
  private afterCommit: Array<() => void> = [];

  rows(logicalName: string): Map<string, EntityRecord> {
    let rows = this.tables.get(logicalName);
    if (!rows) {
      rows = new Map();
      this.tables.set(logicalName, rows);
    }
    return rows;
  }

  get(logicalName: string, id: string): EntityRecord | undefined {
    return this.tables.get(logicalName)?.get(id);
  }

  count(logicalName: string): number {
    return this.tables.get(logicalName)?.size ?? 0;
  }

  nextVersion(): number {
    return ++this.version;
  }

  put(logicalName: string, id: string, record: EntityRecord): void {
    const rows = this.rows(logicalName);
    const previous = rows.get(id);
    rows.set(id, record);
    this.record(() => (previous ? rows.set(id, previous) : rows.delete(id)));
  }

  remove(logicalName: string, id: string): void {
    const rows = this.rows(logicalName);
    const previous = rows.get(id);
    if (!previous) return;
    rows.delete(id);
    this.record(() => rows.set(id, previous));
  }

  associate(relationship: string, entity1Id: string, entity2Id: string): boolean {
    const pairs = this.pairs(relationship);
    const key = `${entity1Id}|${entity2Id}`;
    if (pairs.has(key)) return false;
    pairs.add(key);
    this.record(() => pairs.delete(key));
    return true;
  }

  disassociate(relationship: string, entity1Id: string, entity2Id: string): boolean {
    const pairs = this.pairs(relationship);
    const key = `${entity1Id}|${entity2Id}`;
    if (!pairs.delete(key)) return false;
    this.record(() => pairs.add(key));
    return true;
  }

  contents(): StoreContents {
    const tables: StoreContents["tables"] = {};
    for (const [name, rows] of this.tables) if (rows.size > 0) tables[name] = structuredClone([...rows.values()]);
    const intersects: StoreContents["intersects"] = {};
    for (const [name, pairs] of this.intersects) {
      if (pairs.size > 0) intersects[name] = [...pairs].map((pair) => pair.split("|") as [string, string]);
    }
    return { tables, intersects, rowVersion: this.version };
  }

  /** Replaces every row and N:N pair; `primaryKeyOf` names each table's id column. */
  replaceContents(contents: StoreContents, primaryKeyOf: (logicalName: string) => string): void {
    if (this.journal) throw new Error("The store cannot be replaced inside a transaction.");
    this.tables.clear();
    this.intersects.clear();
    for (const [name, rows] of Object.entries(contents.tables)) {
      const key = primaryKeyOf(name);
      this.tables.set(name, new Map(rows.map((row) => [String(row[key]), structuredClone(row)])));
    }
    for (const [name, pairs] of Object.entries(contents.intersects)) {
      this.intersects.set(name, new Set(pairs.map(([one, two]) => `${one}|${two}`)));
    }
    this.version = contents.rowVersion;
  }

  /** Ids on the other side of an N:N for a row on `side` (1 = entity1, 2 = entity2). */
  related(relationship: string, side: 1 | 2, id: string): string[] {
    const result: string[] = [];
    for (const pair of this.pairs(relationship)) {
      const [one, two] = pair.split("|");
      if (side === 1 && one === id) result.push(two);
      if (side === 2 && two === id) result.push(one);
    }
    return result;
  }

  /** Drops every N:N row a deleted record took part in. */
  removeFromIntersects(relationship: string, side: 1 | 2, id: string): void {
    for (const other of this.related(relationship, side, id)) {
      if (side === 1) this.disassociate(relationship, id, other);
      else this.disassociate(relationship, other, id);
    }
  }

  /**
   * Runs `work` atomically: if it throws, every change it made is undone and callbacks queued
   * with `onCommit` are dropped. Nested calls join the outer transaction.
   */
  transaction<T>(work: () => T): T {
    if (this.journal) return work();
    const outer = this.begin();
    try {
      const result = work();
      this.commit(outer);
      return result;
    } catch (error) {
      this.rollback(outer);
      throw error;
    }
  }

  /**
   * The asynchronous form, for a $batch change set whose parts are awaited in turn. Data
   * operations resolve without waiting on I/O, so no other request interleaves with the parts.
   */
  async transactionAsync<T>(work: () => Promise<T>): Promise<T> {
    if (this.journal) return work();
    const outer = this.begin();
    try {
      const result = await work();
      this.commit(outer);
      return result;
    } catch (error) {
      this.rollback(outer);
      throw error;
    }
  }

  private begin(): Array<() => void> {
    this.journal = [];
    const outer = this.afterCommit;
    this.afterCommit = [];
    return outer;
  }

  private commit(outer: Array<() => void>): void {
    const callbacks = this.afterCommit;
    this.journal = null;
    this.afterCommit = outer;
    for (const callback of callbacks) callback();
  }

  private rollback(outer: Array<() => void>): void {
    const journal = this.journal ?? [];
    this.journal = null;
    this.afterCommit = outer;
    for (let i = journal.length - 1; i >= 0; i--) journal[i]();
  }

  /** Runs after the surrounding transaction commits (immediately when there is none). */
  onCommit(callback: () => void): void {
    if (this.journal) this.afterCommit.push(callback);
    else callback();
  }

  private record(undo: Undo): void {
    this.journal?.push(undo);
  }

  private pairs(relationship: string): Set<string> {
    let pairs = this.intersects.get(relationship);
    if (!pairs) {
      pairs = new Set();
      this.intersects.set(relationship, pairs);
    }
    return pairs;
  }
}
