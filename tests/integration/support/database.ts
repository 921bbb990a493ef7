/**
 * The relay's database for one test run: PGlite in a temporary folder, or a fresh database on the
 * PostgreSQL server named by TEST_DATABASE_URL (created here, dropped at the end),
 * so parallel test files and repeated runs never see each other's jobs or links. Either can be
 * closed and opened again, as a relay restart does.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { openDatabase, type Database, type DatabaseOptions } from "../../../relay/src/db/database";

export type DatabaseKind = "pglite" | "postgres";

export interface TestDatabase {
  readonly kind: DatabaseKind;
  /** Opens a connection (PGlite allows one at a time: close it before opening again). */
  open(): Promise<Database>;
  /** Drops the database (PostgreSQL) or deletes its folder (PGlite). Close connections first. */
  drop(): Promise<void>;
}

/** The backends this run can test: PGlite always, PostgreSQL when TEST_DATABASE_URL names a server. */
export function availableDatabases(): DatabaseKind[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/** `kind` defaults to PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
export async function createTestDatabase(kind: DatabaseKind = process.env.TEST_DATABASE_URL ? "postgres" : "pglite"): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (kind === "postgres" && !server) throw new Error("A PostgreSQL test database needs TEST_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/test).");
  if (kind === "pglite" || !server) {
    const dataDir = mkdtempSync(path.join(tmpdir(), "cosell-it-"));
    return {
      kind: "pglite",
      open: () => openDatabase({ dataDir } satisfies DatabaseOptions),
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const name = `cosell_it_${randomBytes(6).toString("hex")}`;
  await admin(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    kind: "postgres",
    open: () => openDatabase({ databaseUrl: url.href, maxConnections: 5 }),
    drop: () => dropWhenClosed(server, name),
  };
}

async function admin(server: string, statement: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * pg's `pool.end()` resolves before its sockets have said goodbye; dropping the database `with
 * (force)` meanwhile kills them mid-close, and the dying client raises an error nobody listens to.
 * So the drop waits (with a deadline) for the last session to leave.
 */
async function dropWhenClosed(server: string, name: string): Promise<void> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const { rows } = await client.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where datname = $1", [name]);
      if (rows[0].n === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}
