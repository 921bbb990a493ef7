/**
 * What the relay remembers between jobs, in its own PostgreSQL (ARCHITECTURE.md "Sync rules"):
 * - links: which CRM record belongs to which referral, with the last projection both sides agreed on
 *   (echo suppression and the base of the three-way merge);
 * - create intents: written before a referral is POSTed, so a retry after a crash looks for the
 *   referral it may already have created instead of creating a second one;
 * - watermarks: how far the reconcile sweep has read each side;
 * - leases: one sync per record at a time, across jobs, inline syncs and replicas.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type { SyncProjection } from "@cosell/core";
import type { Queryable } from "../db/database";

export type CrmTable = "opportunity" | "lead";

export interface Link {
  referralId: string;
  crmTable: CrmTable;
  crmId: string;
  /** The last projection both sides agreed on; absent when the link was found rather than made. */
  projection?: SyncProjection;
  syncedAt: Date;
}

export interface CreateIntent {
  opportunityId: string;
  startedAt: Date;
  /** Set once Partner Center answered the create. */
  referralId?: string;
}

interface LinkRow {
  referral_id: string;
  crm_table: CrmTable;
  crm_id: string;
  projection: SyncProjection | string | null;
  synced_at: Date | string;
}

const key = (id: string): string => id.trim().toLowerCase();
const asDate = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function toLink(row: LinkRow): Link {
  const projection = typeof row.projection === "string" ? (JSON.parse(row.projection) as SyncProjection) : row.projection;
  const link: Link = { referralId: row.referral_id, crmTable: row.crm_table, crmId: row.crm_id, syncedAt: asDate(row.synced_at) };
  if (projection) link.projection = projection;
  return link;
}

export class RecordBusyError extends Error {
  constructor(readonly recordKey: string, waitedMs: number) {
    super(`Another sync of ${recordKey} is still running after ${Math.round(waitedMs / 1000)} s; this one will be retried.`);
    this.name = "RecordBusyError";
  }
}

/**
 * A sync's lease ran out under it (renewals failed or came too late) or another holder has it now:
 * the record may be in someone else's hands, so this run stops instead of writing on.
 */
export class LeaseLostError extends Error {
  constructor(readonly recordKey: string) {
    super(`The lease on ${recordKey} was lost while its sync ran; the sync stopped and will be retried.`);
    this.name = "LeaseLostError";
  }
}

export interface LeaseOptions {
  /**
   * How long a lease lasts without renewal: how soon a crashed holder's records are free again.
   * A live holder renews every `renewMs`, so this does not bound how long a sync may take.
   */
  ttlMs: number;
  /** How often a live holder renews; well under the TTL so one slow renewal does not lose the lease. */
  renewMs: number;
  /** How long to wait for a busy record before giving up with RecordBusyError. */
  waitMs: number;
  pollMs: number;
}

/**
 * A crashed holder's records are free 7-10 s after its last renewal, by the time its jobs are
 * retried (see the job queue's heartbeats). A live holder loses a lease only when two renewals in
 * a row fail or come late, e.g. while the database is unreachable, and then stops (LeaseLostError).
 */
export const defaultLeaseOptions: LeaseOptions = { ttlMs: 10_000, renewMs: 3_000, waitMs: 60_000, pollMs: 100 };

/** The leases of one `withLeases` call, seen by the code it runs; a nested call also answers for its caller's. */
interface LeaseScope {
  keys: string[];
  /** Local clock time until which the leases are surely still ours (last renewal sent + TTL). */
  validUntil: number;
  lost?: LeaseLostError;
  parent?: LeaseScope;
}

/** The scope's loss, recorded first if its leases outlived their last renewal. */
function lostLease(scope: LeaseScope): LeaseLostError | undefined {
  if (!scope.lost && Date.now() >= scope.validUntil) scope.lost = new LeaseLostError(scope.keys.join(", "));
  return scope.lost;
}

export class StateStore {
  private readonly scopes = new AsyncLocalStorage<LeaseScope>();

  constructor(
    private readonly db: Queryable & { transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> },
    private readonly leaseOptions: LeaseOptions = defaultLeaseOptions,
  ) {
    if (leaseOptions.renewMs >= leaseOptions.ttlMs) throw new RangeError(`Leases must be renewed (every ${leaseOptions.renewMs} ms) before they expire (${leaseOptions.ttlMs} ms).`);
  }

  // ---- links -----------------------------------------------------------------------------------

  async linkByReferral(referralId: string): Promise<Link | undefined> {
    const { rows } = await this.db.query<LinkRow>("select * from cosell.link where referral_id = $1", [key(referralId)]);
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  async linkByCrm(crmTable: CrmTable, crmId: string): Promise<Link | undefined> {
    const { rows } = await this.db.query<LinkRow>("select * from cosell.link where crm_table = $1 and crm_id = $2", [crmTable, key(crmId)]);
    return rows[0] ? toLink(rows[0]) : undefined;
  }

  /**
   * Records (or moves) a link with the projection both sides now agree on. A CRM record belongs to
   * one referral: an older link of the same record is replaced.
   */
  async saveLink(link: { referralId: string; crmTable: CrmTable; crmId: string; projection?: SyncProjection }): Promise<void> {
    this.assertLeasesHeld();
    await this.db.transaction(async (tx) => {
      await tx.query("delete from cosell.link where crm_table = $1 and crm_id = $2 and referral_id <> $3", [link.crmTable, key(link.crmId), key(link.referralId)]);
      await tx.query(
        `insert into cosell.link (referral_id, crm_table, crm_id, projection, synced_at) values ($1, $2, $3, $4::jsonb, now())
         on conflict (referral_id) do update set crm_table = excluded.crm_table, crm_id = excluded.crm_id,
           projection = coalesce(excluded.projection, cosell.link.projection), synced_at = now()`,
        [key(link.referralId), link.crmTable, key(link.crmId), link.projection ? JSON.stringify(link.projection) : null],
      );
    });
  }

  // ---- create intents --------------------------------------------------------------------------

  /**
   * Records that the relay is about to create a referral for the opportunity. `fresh` is false when
   * an earlier attempt got this far: that attempt may have created the referral already.
   */
  async beginCreate(opportunityId: string): Promise<CreateIntent & { fresh: boolean }> {
    this.assertLeasesHeld();
    const inserted = await this.db.query<{ started_at: Date | string }>(
      "insert into cosell.create_intent (opportunity_id) values ($1) on conflict (opportunity_id) do nothing returning started_at",
      [key(opportunityId)],
    );
    if (inserted.rows[0]) return { opportunityId: key(opportunityId), startedAt: asDate(inserted.rows[0].started_at), fresh: true };
    const intent = await this.createIntent(opportunityId);
    if (!intent) return this.beginCreate(opportunityId);
    return { ...intent, fresh: false };
  }

  async createIntent(opportunityId: string): Promise<CreateIntent | undefined> {
    const { rows } = await this.db.query<{ opportunity_id: string; started_at: Date | string; referral_id: string | null }>(
      "select * from cosell.create_intent where opportunity_id = $1",
      [key(opportunityId)],
    );
    const row = rows[0];
    if (!row) return undefined;
    const intent: CreateIntent = { opportunityId: row.opportunity_id, startedAt: asDate(row.started_at) };
    if (row.referral_id) intent.referralId = row.referral_id;
    return intent;
  }

  async recordCreated(opportunityId: string, referralId: string): Promise<void> {
    await this.db.query("update cosell.create_intent set referral_id = $2 where opportunity_id = $1", [key(opportunityId), key(referralId)]);
  }

  /** The referral is created and linked: nothing is left to recover. */
  async finishCreate(opportunityId: string): Promise<void> {
    await this.db.query("delete from cosell.create_intent where opportunity_id = $1", [key(opportunityId)]);
  }

  // ---- watermarks ------------------------------------------------------------------------------

  async watermark(name: string): Promise<Date | undefined> {
    const { rows } = await this.db.query<{ value: Date | string }>("select value from cosell.watermark where name = $1", [name]);
    return rows[0] ? asDate(rows[0].value) : undefined;
  }

  /** Moves a watermark forward only; an older value (a slow, overlapping run) is ignored. */
  async advanceWatermark(name: string, value: Date): Promise<void> {
    await this.db.query(
      `insert into cosell.watermark (name, value) values ($1, $2)
       on conflict (name) do update set value = greatest(cosell.watermark.value, excluded.value), updated_at = now()`,
      [name, value.toISOString()],
    );
  }

  // ---- leases ----------------------------------------------------------------------------------

  /**
   * Runs `work` while holding the records' leases, taken in the given order. Waits while another
   * holder has one. The leases taken are renewed until `work` is done; one whose holder died
   * expires after the TTL. Once a lease is found lost, the port calls and link writes `work` still
   * makes throw LeaseLostError (see `assertLeasesHeld`), and so does this call when `work` is done.
   */
  async withLeases<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    const scope: LeaseScope = { keys: [], validUntil: Number.POSITIVE_INFINITY, parent: this.scopes.getStore() };
    let renewal: { stop(): Promise<void> } | undefined;
    try {
      for (const recordKey of [...new Set(keys.map(key))]) {
        const sent = await this.acquire(recordKey, holder);
        scope.keys.push(recordKey);
        // Renewing starts with the first lease: the next ones may take a while to get.
        if (!renewal) {
          scope.validUntil = sent + this.leaseOptions.ttlMs;
          renewal = this.keepRenewing(scope, holder);
        }
      }
      const result = await this.scopes.run(scope, work);
      // A renewal still under way may yet find a lease lost.
      await renewal?.stop();
      const lost = lostLease(scope);
      if (lost) throw lost;
      return result;
    } finally {
      await renewal?.stop();
      for (const recordKey of [...scope.keys].reverse()) {
        await this.db.query("delete from cosell.lease where key = $1 and holder = $2", [recordKey, holder]);
      }
    }
  }

  /**
   * Throws LeaseLostError when the code calling it runs under a lease (at any nesting depth) that
   * is lost or no longer surely held; outside `withLeases` it does nothing.
   */
  assertLeasesHeld(): void {
    for (let scope = this.scopes.getStore(); scope; scope = scope.parent) {
      const lost = lostLease(scope);
      if (lost) throw lost;
    }
  }

  /** Renews the scope's leases every `renewMs` until stopped or lost. */
  private keepRenewing(scope: LeaseScope, holder: string): { stop(): Promise<void> } {
    const { ttlMs, renewMs } = this.leaseOptions;
    let timer: NodeJS.Timeout | undefined;
    let renewing: Promise<void> = Promise.resolve();
    let stopped = false;
    const renew = async (): Promise<void> => {
      const sent = Date.now();
      const keys = [...scope.keys];
      try {
        const { rows } = await this.db.query<{ key: string }>(
          "update cosell.lease set expires_at = now() + make_interval(secs => $3) where key = any($1) and holder = $2 returning key",
          [keys, holder, ttlMs / 1000],
        );
        const kept = new Set(rows.map((row) => row.key));
        const gone = keys.find((recordKey) => !kept.has(recordKey));
        if (gone) scope.lost ??= new LeaseLostError(gone);
        // Leases taken since the renewal was sent expire later still, so `sent` bounds them all.
        else scope.validUntil = sent + ttlMs;
      } catch {
        // A renewal that failed (database unreachable) has not lost the lease yet: it still holds
        // until `validUntil`, and the next renewal may get through before then.
      }
      lostLease(scope);
      schedule();
    };
    const schedule = (): void => {
      if (!stopped && !scope.lost) timer = setTimeout(() => (renewing = renew()), renewMs);
    };
    schedule();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await renewing;
      },
    };
  }

  /** Takes the lease; returns when the successful attempt was sent, the earliest its expiry can count from. */
  private async acquire(recordKey: string, holder: string): Promise<number> {
    const started = Date.now();
    for (;;) {
      const attempt = Date.now();
      const { rows } = await this.db.query(
        `insert into cosell.lease (key, holder, expires_at) values ($1, $2, now() + make_interval(secs => $3))
         on conflict (key) do update set holder = excluded.holder, expires_at = excluded.expires_at
           where cosell.lease.expires_at < now()
         returning holder`,
        [recordKey, holder, this.leaseOptions.ttlMs / 1000],
      );
      if (rows.length > 0) return attempt;
      const waited = Date.now() - started;
      if (waited >= this.leaseOptions.waitMs) throw new RecordBusyError(recordKey, waited);
      await new Promise((resolve) => setTimeout(resolve, this.leaseOptions.pollMs));
    }
  }
}
