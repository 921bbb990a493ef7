/**
 * The relay's one PostgreSQL: PGlite (in-process, files under a data folder) by default, a real
 * PostgreSQL server when a connection string is given. pg-boss and the link store share it.
 */
import { PGlite } from "@electric-sql/pglite";
import { Pool, type PoolClient } from "pg";

export interface QueryResult<Row> {
  rows: Row[];
}

export interface Queryable {
  query<Row = Record<string, unknown>>(text: string, values?: unknown[]): Promise<QueryResult<Row>>;
}

export interface Database extends Queryable {
  readonly kind: "pglite" | "postgres";
  /** Runs `work` in one transaction; rolls back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** The adapter pg-boss runs its SQL through (multi-statement scripts included). */
  readonly pgBoss: { executeSql(text: string, values?: unknown[]): Promise<QueryResult<unknown>> };
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { databaseUrl: string; maxConnections?: number }
  | { dataDir?: string };

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return "databaseUrl" in options ? openPostgres(options.databaseUrl, options.maxConnections) : openPGlite(options.dataDir);
}

async function openPGlite(dataDir: string | undefined): Promise<Database> {
  const db = new PGlite(dataDir);
  await db.waitReady;
  const query = async <Row>(text: string, values?: unknown[]) => {
    const result = await db.query<Row>(text, values as unknown[] | undefined);
    return { rows: result.rows };
  };
  return {
    kind: "pglite",
    query,
    transaction: (work) =>
      db.transaction((tx) =>
        work({ query: async <Row>(text: string, values?: unknown[]) => ({ rows: (await tx.query<Row>(text, values as unknown[] | undefined)).rows }) }),
      ),
    pgBoss: {
      // pg-boss sends parameterless multi-statement scripts (migrations, locked sections);
      // PGlite runs those through exec(), and parameterised single statements through query().
      async executeSql(text, values) {
        if (values && values.length > 0) return query(text, values);
        const results = await db.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      },
    },
    close: () => db.close(),
  };
}

async function openPostgres(connectionString: string, max = 10): Promise<Database> {
  const pool = new Pool({ connectionString, max, application_name: "cosell-relay" });
  // Fail at start-up with the server's message rather than on the first job.
  const probe = await pool.connect();
  probe.release();
  const query = async <Row>(text: string, values?: unknown[]) => {
    const result = await pool.query(text, values);
    return { rows: result.rows as Row[] };
  };
  return {
    kind: "postgres",
    query,
    async transaction(work) {
      const client: PoolClient = await pool.connect();
      try {
        await client.query("BEGIN");
        const result = await work({ query: async <Row>(text: string, values?: unknown[]) => ({ rows: (await client.query(text, values)).rows as Row[] }) });
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    pgBoss: { executeSql: (text, values) => query(text, values) },
    close: () => pool.end(),
  };
}
