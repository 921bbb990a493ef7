import type { Referral } from "@cosell/core";
import { openDatabase, type Database } from "../db/database";
import type { JobPayload } from "../jobs/queue";
import { openStateStore, type StateStore } from "../state";
import type { DataversePort, PartnerCenterPort } from "./ports";
import { reconcileBothSides, Watermarks } from "./reconcile";

describe("the reconcile sweep", () => {
  let db: Database;
  let state: StateStore;
  beforeEach(async () => {
    db = await openDatabase({});
    state = await openStateStore(db);
  });
  afterEach(() => db.close());

  const window = { overlapMs: 60_000, initialLookbackMs: 3_600_000 };

  function sides(referrals: Referral[], opportunities: string[], leadReferrals: string[] = []) {
    const asked: { partnerCenter: Date[]; dataverse: Date[] } = { partnerCenter: [], dataverse: [] };
    let failPartnerCenter = false;
    const pc = {
      async *updatedSince(since: Date) {
        asked.partnerCenter.push(since);
        if (failPartnerCenter) throw new Error("Partner Center answered 503");
        yield* referrals;
      },
    } as unknown as PartnerCenterPort;
    const dv = {
      async *opportunitiesModifiedSince(since: Date) {
        asked.dataverse.push(since);
        yield opportunities;
      },
      async *referralLeadsModifiedSince() {
        yield leadReferrals;
      },
    } as unknown as DataversePort;
    return { pc, dv, asked, failNext: () => (failPartnerCenter = true) };
  }

  it("queues a pull per changed referral and a push per changed opportunity, reading a little before each watermark", async () => {
    const jobs: JobPayload[] = [];
    let now = new Date("2026-05-01T12:00:00Z");
    const { pc, dv, asked } = sides([{ id: "r-1" }, { id: "r-2" }], ["o-1"], ["r-3"]);
    const rt = { pc, dv, state, now: () => now, enqueue: async (job: JobPayload) => void jobs.push(job) };

    expect(await reconcileBothSides(rt, window, "schedule")).toEqual({ referrals: 2, opportunities: 1, leads: 1 });
    expect(jobs.map((j) => ("referralId" in j.data ? j.data.referralId : "opportunityId" in j.data ? j.data.opportunityId : ""))).toEqual(["r-1", "r-2", "o-1", "r-3"]);
    // First sweep: the initial look-back plus the overlap.
    expect(asked.partnerCenter[0].toISOString()).toBe("2026-05-01T10:59:00.000Z");

    now = new Date("2026-05-01T12:05:00Z");
    await reconcileBothSides(rt, window, "schedule");
    // Next sweeps start one overlap before the previous sweep's start, so nothing in between is skipped.
    expect(asked.partnerCenter[1].toISOString()).toBe("2026-05-01T11:59:00.000Z");
    expect(asked.dataverse[1].toISOString()).toBe("2026-05-01T11:59:00.000Z");
    expect((await state.watermark(Watermarks.partnerCenter))?.toISOString()).toBe("2026-05-01T12:05:00.000Z");
  });

  it("leaves the watermark where it was when a sweep fails, so the next one reads the same window again", async () => {
    await state.advanceWatermark(Watermarks.partnerCenter, new Date("2026-05-01T12:00:00Z"));
    const { pc, dv, failNext } = sides([{ id: "r-1" }], []);
    failNext();
    const rt = { pc, dv, state, now: () => new Date("2026-05-01T12:10:00Z"), enqueue: async () => undefined };
    await expect(reconcileBothSides(rt, window, "schedule")).rejects.toThrow("503");
    expect((await state.watermark(Watermarks.partnerCenter))?.toISOString()).toBe("2026-05-01T12:00:00.000Z");
  });
});
