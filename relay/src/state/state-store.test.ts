import { openDatabase, type Database } from "../db/database";
import { migrate } from "./migrations";
import { LeaseLostError, openStateStore, RecordBusyError, type StateStore } from "./index";

/** The database, counting the lease statements the store sends through it. */
function countingLeaseQueries(db: Database): { db: Database; counts: { attempts: number; renewals: number } } {
  const counts = { attempts: 0, renewals: 0 };
  const counting: Database = {
    ...db,
    query: (text, values) => {
      if (text.includes("insert into cosell.lease")) counts.attempts++;
      if (text.includes("update cosell.lease")) counts.renewals++;
      return db.query(text, values);
    },
  };
  return { db: counting, counts };
}

describe("link store on PGlite", () => {
  let db: Database;
  let store: StateStore;

  beforeEach(async () => {
    db = await openDatabase({});
    store = await openStateStore(db, { waitMs: 300, pollMs: 20 });
  });
  afterEach(() => db.close());

  it("migrates once, however often it is asked", async () => {
    expect(await migrate(db)).toEqual([]);
    const { rows } = await db.query<{ n: number }>("select count(*)::int as n from cosell.schema_version");
    expect(rows[0].n).toBe(1);
  });

  it("keeps a link with its projection and finds it from either side, ignoring id case", async () => {
    await store.saveLink({ referralId: "AB-1", crmTable: "lead", crmId: "L-1", projection: { name: "Deal", dealValue: 10 } });
    expect(await store.linkByReferral("ab-1")).toMatchObject({ crmTable: "lead", crmId: "l-1", projection: { name: "Deal", dealValue: 10 } });

    // Accepting the lead moves the link to the new opportunity; the agreed projection stays.
    await store.saveLink({ referralId: "ab-1", crmTable: "opportunity", crmId: "O-1" });
    expect(await store.linkByCrm("opportunity", "o-1")).toMatchObject({ referralId: "ab-1", projection: { dealValue: 10 } });
    expect(await store.linkByCrm("lead", "l-1")).toBeUndefined();
  });

  it("gives a CRM record to one referral only", async () => {
    await store.saveLink({ referralId: "r-1", crmTable: "opportunity", crmId: "o-1" });
    await store.saveLink({ referralId: "r-2", crmTable: "opportunity", crmId: "o-1" });
    expect(await store.linkByReferral("r-1")).toBeUndefined();
    expect((await store.linkByCrm("opportunity", "o-1"))?.referralId).toBe("r-2");
  });

  it("tells a retry that an earlier attempt began creating the referral", async () => {
    const first = await store.beginCreate("O-9");
    expect(first.fresh).toBe(true);
    await store.recordCreated("o-9", "R-9");
    const retry = await store.beginCreate("o-9");
    expect(retry).toMatchObject({ fresh: false, referralId: "r-9" });
    expect(retry.startedAt.getTime()).toBe(first.startedAt.getTime());
    await store.finishCreate("o-9");
    expect((await store.beginCreate("o-9")).fresh).toBe(true);
  });

  it("only moves a watermark forward", async () => {
    expect(await store.watermark("partner-center")).toBeUndefined();
    await store.advanceWatermark("partner-center", new Date("2026-01-02T00:00:00Z"));
    await store.advanceWatermark("partner-center", new Date("2026-01-01T00:00:00Z"));
    expect((await store.watermark("partner-center"))?.toISOString()).toBe("2026-01-02T00:00:00.000Z");
  });

  it("runs one holder at a time per record and lets the next in when the first is done", async () => {
    const { db: counting, counts } = countingLeaseQueries(db);
    const patient = await openStateStore(counting, { waitMs: 20_000, pollMs: 20 });
    const order: string[] = [];
    let releaseFirst!: () => void;
    const first = patient.withLeases(["opportunity:1"], async () => {
      order.push("first in");
      await new Promise<void>((resolve) => (releaseFirst = resolve));
      order.push("first out");
    });
    await until(() => order.length === 1);
    const second = patient.withLeases(["OPPORTUNITY:1"], async () => void order.push("second in"));
    // The first holder's attempt, then two of the second's: it was refused and is still waiting.
    await until(() => counts.attempts >= 3);
    expect(order).toEqual(["first in"]);
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(["first in", "first out", "second in"]);
  });

  it("gives up on a record that stays busy", async () => {
    await db.query("insert into cosell.lease (key, holder, expires_at) values ('referral:x', 'busy', now() + interval '1 hour')");
    await expect(store.withLeases(["referral:x"], async () => "never")).rejects.toBeInstanceOf(RecordBusyError);
  });

  it("takes over the lease of a holder that died (no renewals) once its TTL has passed", async () => {
    const { db: counting, counts } = countingLeaseQueries(db);
    const next = await openStateStore(counting, { ttlMs: 300, renewMs: 100, waitMs: 20_000, pollMs: 20 });
    // What a killed relay leaves behind: a lease taken with the TTL that nobody renews any more.
    await db.query("insert into cosell.lease (key, holder, expires_at) values ('referral:x', 'killed', now() + interval '300 milliseconds')");
    expect(await next.withLeases(["referral:x"], async () => "ran")).toBe("ran");
    expect(counts.attempts).toBeGreaterThan(1);
    expect((await db.query("select count(*)::int as n from cosell.lease")).rows).toEqual([{ n: 0 }]);
  });

  it("keeps a live holder's lease for as long as its work runs, however much longer than the TTL", async () => {
    const { db: counting, counts } = countingLeaseQueries(db);
    const options = { ttlMs: 300, renewMs: 100, waitMs: 20_000, pollMs: 20 };
    const slow = await openStateStore(counting, options);
    const other = await openStateStore(counting, options);
    const order: string[] = [];
    let finish!: () => void;
    const first = slow.withLeases(["opportunity:1"], async () => {
      order.push("slow in");
      await new Promise<void>((resolve) => (finish = resolve));
      // Still its own: the platforms may be written.
      slow.assertLeasesHeld();
      order.push("slow out");
    });
    await until(() => order.length === 1);
    const second = other.withLeases(["opportunity:1"], async () => void order.push("other in"));
    // Ten renewals: the work has run for more than three TTLs, and the other holder kept trying.
    await until(() => counts.renewals >= 10 && counts.attempts >= 10);
    expect(order).toEqual(["slow in"]);
    finish();
    await Promise.all([first, second]);
    expect(order).toEqual(["slow in", "slow out", "other in"]);
  });

  it("stops a holder whose lease was taken from it at its next step, and leaves the new holder's lease alone", async () => {
    const holder = await openStateStore(db, { ttlMs: 300, renewMs: 50 });
    const steps: string[] = [];
    const run = holder.withLeases(["referral:y"], async () => {
      await db.query("update cosell.lease set holder = 'someone else' where key = 'referral:y'");
      // The next renewal finds the lease gone; every step after that refuses to go on.
      for (;;) {
        holder.assertLeasesHeld();
        steps.push("step");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    });
    await expect(run).rejects.toBeInstanceOf(LeaseLostError);
    expect(steps.length).toBeGreaterThan(0);
    await expect(holder.saveLink({ referralId: "r-1", crmTable: "lead", crmId: "l-1" })).resolves.toBeUndefined();
    expect((await db.query("select holder from cosell.lease where key = 'referral:y'")).rows).toEqual([{ holder: "someone else" }]);
  });

  it("refuses link writes inside a lost lease, nested ones included", async () => {
    const holder = await openStateStore(db, { ttlMs: 300, renewMs: 50 });
    const run = holder.withLeases(["opportunity:z"], () =>
      holder.withLeases(["referral:z"], async () => {
        await db.query("delete from cosell.lease where key = 'opportunity:z'");
        await until(() => {
          try {
            holder.assertLeasesHeld();
            return false;
          } catch {
            return true;
          }
        });
        await holder.saveLink({ referralId: "z", crmTable: "opportunity", crmId: "o-z" });
      }),
    );
    await expect(run).rejects.toBeInstanceOf(LeaseLostError);
    expect(await holder.linkByReferral("z")).toBeUndefined();
  });

  it("wants renewals to come before the TTL runs out", async () => {
    await expect(openStateStore(db, { ttlMs: 1000, renewMs: 1000 })).rejects.toBeInstanceOf(RangeError);
  });
});

async function until(check: () => boolean): Promise<void> {
  const end = Date.now() + 5000;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
