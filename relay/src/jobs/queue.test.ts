import { openDatabase, type Database } from "../db/database";
import { startHeartbeat } from "./heartbeat";
import { QueueNames, startQueue, type JobAttempt, type JobQueue, type PushOpportunityJob } from "./queue";

const until = async (check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> => {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe("job queue on PGlite", () => {
  let db: Database;
  let queue: JobQueue;
  const noop = async () => undefined;

  beforeEach(async () => {
    db = await openDatabase({});
    queue = await startQueue(db, { retryLimit: 1, retryDelaySeconds: 1, reconcileEveryMinutes: 0, pollingIntervalSeconds: 0.5 });
  });
  afterEach(async () => {
    await queue.stop();
    await db.close();
  });

  it("collapses duplicate signals for one record into one job", async () => {
    const pending = async () =>
      (await db.query<{ n: number }>("select count(*)::int as n from pgboss.job where name = $1 and state in ('created', 'retry', 'active')", [QueueNames.pushOpportunity])).rows[0].n;
    const seen: PushOpportunityJob[] = [];
    for (let i = 0; i < 5; i++) {
      await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "AAAA-1", reason: `webhook ${i}` } });
    }
    await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "bbbb-2", reason: "webhook" } });
    expect(await pending()).toBe(2);

    await queue.work({
      [QueueNames.pushOpportunity]: async (job) => void seen.push(job),
      [QueueNames.pullReferral]: noop,
      [QueueNames.reconcile]: noop,
    });
    // Once nothing is left to run, the record of what ran is complete.
    await until(async () => seen.length >= 2 && (await pending()) === 0);
    expect(seen.map((j) => j.opportunityId).sort()).toEqual(["AAAA-1", "bbbb-2"]);
  });

  it("lets another replica run other records while one record's sync is slow and a newer change to it waits", async () => {
    let releaseSlow!: () => void;
    const slow = new Promise<void>((resolve) => (releaseSlow = resolve));
    const ran: string[] = [];
    const handlers = (replica: string) => ({
      [QueueNames.pushOpportunity]: async (job: PushOpportunityJob) => {
        ran.push(`${replica}: ${job.opportunityId} ${job.reason}`);
        if (job.reason === "first save") await slow;
      },
      [QueueNames.pullReferral]: noop,
      [QueueNames.reconcile]: noop,
    });
    await queue.work(handlers("one"));
    await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "slow-1", reason: "first save" } });
    await until(() => ran.length === 1);
    // A change while the slow sync runs is queued first; the record behind it must not wait for the slow one.
    await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "slow-1", reason: "second save" } });
    await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "other-2", reason: "save" } });
    const replica = await startQueue(db, { retryLimit: 1, retryDelaySeconds: 1, reconcileEveryMinutes: 0, pollingIntervalSeconds: 0.5 });
    try {
      await replica.work(handlers("two"));
      await until(() => ran.includes("two: other-2 save"));
      // (In the relay the record's lease keeps the second save's run waiting for the first.)
      await until(() => ran.some((line) => line.endsWith("slow-1 second save")));
    } finally {
      releaseSlow();
      await replica.stop();
    }
  });

  it("applies settings changed since the database was made, such as the retry limit", async () => {
    await queue.stop();
    queue = await startQueue(db, { retryLimit: 4, retryDelaySeconds: 1, reconcileEveryMinutes: 0, pollingIntervalSeconds: 0.5 });
    expect(await queue.boss.getQueue(QueueNames.pushOpportunity)).toMatchObject({ retryLimit: 4, policy: "short" });
  });

  it("dead-letters a job that keeps failing, and a retry finishes it", async () => {
    let healthy = false;
    const done: string[] = [];
    await queue.work({
      [QueueNames.pushOpportunity]: noop,
      [QueueNames.pullReferral]: async (job) => {
        if (!healthy) throw new Error("Partner Center answered 503");
        done.push(job.referralId);
      },
      [QueueNames.reconcile]: noop,
    });
    await queue.enqueue({ queue: QueueNames.pullReferral, data: { referralId: "r-1", reason: "webhook" } });
    await until(async () => (await queue.deadLetters()).length === 1);
    const [letter] = await queue.deadLetters();
    expect(letter).toMatchObject({ queue: QueueNames.pullReferral, data: { referralId: "r-1" }, error: "Partner Center answered 503" });

    healthy = true;
    expect(await queue.retryDeadLetter(letter.id)).toBe(true);
    await until(() => done.length === 1);
    expect(await queue.deadLetters()).toEqual([]);
  });

  it("tells each run which attempt it is, so the last one can record that it gave up", async () => {
    const attempts: JobAttempt[] = [];
    await queue.work({
      [QueueNames.pushOpportunity]: async (_job, attempt) => {
        attempts.push(attempt);
        throw new Error("still failing");
      },
      [QueueNames.pullReferral]: noop,
      [QueueNames.reconcile]: noop,
    });
    await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "o-1", reason: "webhook" } });
    await until(async () => (await queue.deadLetters()).length === 1);
    expect(attempts).toEqual([
      { retryCount: 0, retryLimit: 1, final: false },
      { retryCount: 1, retryLimit: 1, final: true },
    ]);
  });
});

describe("job heartbeats on PGlite", () => {
  let db: Database;
  let queue: JobQueue;
  const noop = async () => undefined;

  beforeEach(async () => {
    db = await openDatabase({});
    queue = await startQueue(db, {
      retryLimit: 2,
      retryDelaySeconds: 1,
      reconcileEveryMinutes: 0,
      pollingIntervalSeconds: 0.5,
      abandonAfterSeconds: 1,
      heartbeatSeconds: 0.2,
      sweepSeconds: 1,
    });
  });
  afterEach(async () => {
    await queue.stop();
    await db.close();
  });

  it("leaves a live worker's job alone however long it runs", async () => {
    const runs: JobAttempt[] = [];
    await queue.work({
      [QueueNames.pushOpportunity]: async (_job, attempt) => {
        runs.push(attempt);
        // Runs for three times as long as a job without heartbeats would count as alive, with sweeps every second.
        await until(async () => (await db.query("select 1 from pgboss.job where state = 'active' and started_on < now() - interval '3 seconds'")).rows.length > 0);
      },
      [QueueNames.pullReferral]: noop,
      [QueueNames.reconcile]: noop,
    });
    const id = await queue.enqueue({ queue: QueueNames.pushOpportunity, data: { opportunityId: "o-slow", reason: "webhook" } });
    await until(async () => (await db.query<{ state: string }>("select state from pgboss.job where id = $1", [id])).rows[0]?.state === "completed");
    expect(runs).toEqual([{ retryCount: 0, retryLimit: 2, final: false }]);
  });

  it("runs a dead worker's job again soon after its heartbeats stop", async () => {
    const id = await queue.enqueue({ queue: QueueNames.pullReferral, data: { referralId: "r-orphan", reason: "webhook" } });
    // A worker that took the job, beat for it, and died: what it leaves is an active job whose
    // expiry its last beat set.
    const [taken] = await queue.boss.fetch(QueueNames.pullReferral);
    expect(taken.id).toBe(id);
    const heartbeat = await startHeartbeat(db, QueueNames.pullReferral, [id!], 15 * 60, { abandonAfterSeconds: 1, heartbeatSeconds: 0.2 }, () => undefined);
    await heartbeat.stop();

    const runs: JobAttempt[] = [];
    await queue.work({
      [QueueNames.pushOpportunity]: noop,
      [QueueNames.pullReferral]: async (_job, attempt) => void runs.push(attempt),
      [QueueNames.reconcile]: noop,
    });
    await until(() => runs.length === 1);
    expect(runs).toEqual([{ retryCount: 1, retryLimit: 2, final: false }]);
  });
});
