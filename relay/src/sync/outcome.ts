/**
 * Every sync outcome is recorded on the record the seller looks at (PRODUCT.md §1): an Audit entry
 * (core format, newest first, bounded), Sync Status, Last Synced On and, on opportunities, the ✔ / ✖
 * in the name when `cosell_DisplayCheckMark` says so.
 *
 * Writing the outcome changes the record, which notifies the relay again. So an outcome that the
 * record already shows (same status, same newest entries) is not written twice: a record that stays
 * invalid produces one error entry, not one per notification.
 */
import {
  appendAuditEntry,
  applyNameMark,
  LeadColumns,
  OpportunityColumns,
  OpportunityTable,
  parseAuditLog,
  SyncStatusOptions,
  type AuditEntry,
  type ColumnValue,
  type SyncStatus,
} from "@cosell/core";
import { CrmRecordChangedError, type CrmWrite, type DataversePort, type Versioned } from "./ports";

export interface Outcome {
  status: SyncStatus;
  /** In reading order: the first is shown on top. */
  entries: AuditEntry[];
}

/** Columns that record the outcome on top of `extra`, the data the sync writes. */
export interface OutcomeTarget {
  table: "opportunity" | "lead";
  id: string;
  /** The record as read for this sync; re-read when a write finds it changed. */
  current?: Versioned<Record<string, ColumnValue>>;
  /** Data columns written in the same update. */
  extra?: CrmWrite;
  displayCheckMark: boolean;
  /**
   * What to do when the record changed since `current` was read: re-read and re-apply (outcome
   * only), or throw so the caller syncs again from fresh data (its `extra` came from a stale read).
   */
  onConflict: "reread" | "throw";
}

const MAX_REREADS = 3;

function markFor(status: SyncStatus): "success" | "error" | undefined {
  return status === "Synced" ? "success" : status === "Error" ? "error" : undefined;
}

/** True when the newest audit entries already say exactly this. */
export function alreadyRecorded(audit: string | null | undefined, entries: readonly AuditEntry[]): boolean {
  if (entries.length === 0) return true;
  const items = parseAuditLog(audit).slice(0, entries.length);
  return (
    items.length === entries.length &&
    items.every((item, i) => {
      const entry = entries[i];
      return (
        item.kind === "entry" &&
        item.outcome === entry.outcome &&
        item.direction === entry.direction &&
        item.message === entry.message.replace(/\s+/g, " ").trim() &&
        (item.fix ?? "") === (entry.fix ?? "").replace(/\s+/g, " ").trim()
      );
    })
  );
}

/** The columns to write for the outcome; undefined when the record already shows all of it. */
export function outcomeColumns(
  record: Readonly<Record<string, ColumnValue>>,
  table: "opportunity" | "lead",
  outcome: Outcome,
  displayCheckMark: boolean,
  now: Date,
  extraColumns: Readonly<Record<string, ColumnValue>> = {},
): Record<string, ColumnValue> | undefined {
  const columns: Record<string, ColumnValue> = {};
  const audit = record[OpportunityColumns.audit] as string | null | undefined;
  const statusValue = SyncStatusOptions[outcome.status];
  if (!alreadyRecorded(audit, outcome.entries)) {
    let log = audit ?? "";
    for (const entry of [...outcome.entries].reverse()) log = appendAuditEntry(log, entry);
    columns[OpportunityColumns.audit] = log;
  }
  if (record[OpportunityColumns.syncStatus] !== statusValue) columns[OpportunityColumns.syncStatus] = statusValue;
  if (table === "opportunity") {
    const name = String(extraColumns[OpportunityTable.name] ?? record[OpportunityTable.name] ?? "");
    const mark = markFor(outcome.status);
    // Pending keeps whatever mark the last finished sync left.
    const marked = mark === undefined ? name : applyNameMark(name, mark, displayCheckMark);
    if (marked !== "" && marked !== record[OpportunityTable.name]) columns[OpportunityTable.name] = marked;
  }
  const dataChanged = Object.keys(extraColumns).length > 0;
  if (Object.keys(columns).length === 0 && !dataChanged) return undefined;
  if (outcome.status === "Synced") columns[table === "lead" ? LeadColumns.lastSyncedOn : OpportunityColumns.lastSyncedOn] = now.toISOString();
  return columns;
}

async function read(dataverse: DataversePort, table: "opportunity" | "lead", id: string): Promise<Versioned<Record<string, ColumnValue>> | undefined> {
  return table === "opportunity" ? dataverse.opportunity(id) : dataverse.lead(id);
}

/**
 * Writes data and outcome in one update with `If-Match`. Returns false when there was nothing to
 * write, or when the record no longer exists.
 */
export async function recordOutcome(dataverse: DataversePort, target: OutcomeTarget, outcome: Outcome, now: Date): Promise<boolean> {
  let current = target.current;
  for (let attempt = 0; ; attempt++) {
    current = current ?? (await read(dataverse, target.table, target.id));
    if (!current) return false;
    const extra = target.extra ?? { columns: {} };
    const columns = outcomeColumns(current.record, target.table, outcome, target.displayCheckMark, now, extra.columns);
    const lookups = extra.lookups && Object.keys(extra.lookups).length ? extra.lookups : undefined;
    if (!columns && !lookups) return false;
    const write: CrmWrite = { columns: { ...extra.columns, ...columns }, lookups };
    try {
      if (target.table === "opportunity") await dataverse.updateOpportunity(target.id, write, current.etag || undefined);
      else await dataverse.updateLead(target.id, write, current.etag || undefined);
      return true;
    } catch (error) {
      if (!(error instanceof CrmRecordChangedError) || target.onConflict === "throw" || attempt >= MAX_REREADS) throw error;
      current = undefined;
    }
  }
}
