/**
 * The relay's database for one test run: PGlite in a temporary folder by default, or a fresh
 * database on the PostgreSQL server named by TEST_DATABASE_URL (created here, dropped at the end),
 * so parallel test files and repeated runs never see each other's jobs or links. Either can be
 * closed and opened again, as a relay restart does.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { openDatabase, type Database, type DatabaseOptions } from "../../../relay/src/db/database";

export interface TestDatabase {
  readonly kind: "pglite" | "postgres";
  /** Opens a connection (PGlite allows one at a time: close it before opening again). */
  open(): Promise<Database>;
  /** Drops the database (PostgreSQL) or deletes its folder (PGlite). Close connections first. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
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
    drop: () => admin(server, `drop database if exists ${name} with (force)`),
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
