/**
 * The link store: links with their last-synced projection, create intents, watermarks and record
 * leases, in schema `cosell` of the relay's database.
 */
import type { Database } from "../db/database";
import { migrate } from "./migrations";
import { StateStore, defaultLeaseOptions, type LeaseOptions } from "./state-store";

export { migrate, migrations, STATE_SCHEMA } from "./migrations";
export { StateStore, RecordBusyError, LeaseLostError, defaultLeaseOptions } from "./state-store";
export type { CreateIntent, CrmTable, LeaseOptions, Link } from "./state-store";

/** Migrates the schema, then returns the store. */
export async function openStateStore(db: Database, leases: Partial<LeaseOptions> = {}): Promise<StateStore> {
  await migrate(db);
  return new StateStore(db, { ...defaultLeaseOptions, ...leases });
}
