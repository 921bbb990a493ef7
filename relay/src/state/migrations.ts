/**
 * The link store's tables in the relay's PostgreSQL (schema `cosell`), created and upgraded in
 * order. Each migration runs in one transaction under an advisory lock, so replicas starting at the
 * same time apply it once.
 */
import type { Database } from "../db/database";

export const STATE_SCHEMA = "cosell";

/** Append only: a released migration is never edited, a change is a new entry. */
export const migrations: readonly string[] = [
  `
  create table if not exists cosell.link (
    referral_id text primary key,
    crm_table   text not null check (crm_table in ('opportunity', 'lead')),
    crm_id      text not null,
    projection  jsonb,
    synced_at   timestamptz not null default now(),
    unique (crm_table, crm_id)
  );
  create table if not exists cosell.create_intent (
    opportunity_id text primary key,
    started_at     timestamptz not null default now(),
    referral_id    text
  );
  create table if not exists cosell.watermark (
    name       text primary key,
    value      timestamptz not null,
    updated_at timestamptz not null default now()
  );
  create table if not exists cosell.lease (
    key        text primary key,
    holder     text not null,
    expires_at timestamptz not null
  );
  `,
];

// Any stable number: the key pg_advisory_xact_lock serialises migrations on.
const MIGRATION_LOCK = 6452_1001;

/** Brings the schema up to date; returns the versions it applied. */
export async function migrate(db: Database): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query("select pg_advisory_xact_lock($1)", [MIGRATION_LOCK]);
    await tx.query(`create schema if not exists ${STATE_SCHEMA}`);
    await tx.query(`create table if not exists ${STATE_SCHEMA}.schema_version (version integer primary key, applied_at timestamptz not null default now())`);
    const { rows } = await tx.query<{ version: number }>(`select coalesce(max(version), 0)::int as version from ${STATE_SCHEMA}.schema_version`);
    const current = rows[0]?.version ?? 0;
    const applied: number[] = [];
    for (let version = current + 1; version <= migrations.length; version++) {
      for (const statement of splitStatements(migrations[version - 1])) await tx.query(statement);
      await tx.query(`insert into ${STATE_SCHEMA}.schema_version (version) values ($1)`, [version]);
      applied.push(version);
    }
    return applied;
  });
}

/** One statement per query, so the same text runs on PGlite and on node-postgres alike. */
function splitStatements(script: string): string[] {
  return script
    .split(";")
    .map((statement) => statement.trim())
    .filter(Boolean);
}
