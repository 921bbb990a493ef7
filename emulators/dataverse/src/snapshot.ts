/**
 * The environment's state as JSON, to save it and start another emulator from it: every table's
 * rows (system users, service endpoints and webhook steps, environment variable values, import jobs
 * included), the N:N pairs, the row version counter, privileges, and the solutions whose schema the
 * catalog holds. The schema is rebuilt by applying those solutions again to the standard tables,
 * then the rows replace whatever that wrote.
 */
import type { StoreContents } from "./data/store";
import type { DataverseEnvironment } from "./environment";
import { applySolution } from "./solution/apply";
import type { SolutionPackage } from "./solution/solution-loader";

export const SNAPSHOT_FORMAT = "dataverse-emulator-snapshot";
export const SNAPSHOT_VERSION = 1;

export interface DataverseSnapshot extends StoreContents {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  /** The organisation's name; its organisation, business unit and SYSTEM user ids derive from it. */
  organizationName: string;
  /** Solutions in the order they were applied. */
  solutions: SolutionPackage[];
  /** Privileges per systemuserid (impersonation). */
  privileges: Record<string, string[]>;
}

export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

export function snapshotEnvironment(env: DataverseEnvironment): DataverseSnapshot {
  return {
    format: SNAPSHOT_FORMAT,
    version: SNAPSHOT_VERSION,
    organizationName: env.organizationName,
    solutions: env.appliedSolutions(),
    ...env.store.contents(),
    privileges: env.privilegeGrants(),
  };
}

/** Checks that a parsed file is a snapshot this emulator can restore, saying what is wrong if not. */
export function checkSnapshot(value: unknown): DataverseSnapshot {
  const snapshot = value as Partial<DataverseSnapshot> | null;
  if (typeof snapshot !== "object" || snapshot === null || snapshot.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`Not a Dataverse emulator snapshot (expected "format": "${SNAPSHOT_FORMAT}").`);
  }
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`Dataverse emulator snapshot version ${String(snapshot.version)} is not supported; this emulator reads version ${SNAPSHOT_VERSION}.`);
  }
  const problems: string[] = [];
  if (typeof snapshot.organizationName !== "string") problems.push("organizationName");
  if (!Array.isArray(snapshot.solutions)) problems.push("solutions");
  if (!isRecordOf(snapshot.tables, Array.isArray)) problems.push("tables");
  if (!isRecordOf(snapshot.intersects, Array.isArray)) problems.push("intersects");
  if (!Number.isSafeInteger(snapshot.rowVersion)) problems.push("rowVersion");
  if (!isRecordOf(snapshot.privileges, Array.isArray)) problems.push("privileges");
  if (problems.length > 0) throw new SnapshotError(`The Dataverse emulator snapshot is damaged: ${problems.join(", ")} missing or malformed.`);
  return snapshot as DataverseSnapshot;
}

/** Loads a snapshot into a new environment (before anything listens to its changes). */
export function restoreEnvironment(env: DataverseEnvironment, value: unknown): void {
  const snapshot = checkSnapshot(value);
  if (snapshot.organizationName !== env.organizationName) {
    throw new SnapshotError(`The snapshot is of organisation "${snapshot.organizationName}", not "${env.organizationName}".`);
  }
  for (const solution of snapshot.solutions) applySolution(env, solution);
  const unknown = Object.keys(snapshot.tables).filter((table) => !env.catalog.entity(table));
  if (unknown.length > 0) throw new SnapshotError(`The snapshot has rows of tables this environment does not define: ${unknown.join(", ")}.`);
  env.store.replaceContents(snapshot, (table) => env.entity(table).primaryIdAttribute);
  env.replacePrivileges(snapshot.privileges);
}

function isRecordOf(value: unknown, check: (item: unknown) => boolean): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every(check);
}
