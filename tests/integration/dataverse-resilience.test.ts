import { DataverseRepository, PreconditionFailedError, ThrottledError } from "../../relay/src/dataverse";
import { startDataverseHarness, unique, type DataverseHarness } from "./dataverse-harness";

describe("Dataverse access layer: optimistic concurrency", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
  });
  afterAll(() => h.stop());

  it("lets the first of two racing writers win and refuses the stale one with 412", async () => {
    const id = await h.repository.createOpportunity({ name: unique("Race"), estimatedvalue: 1000 });
    const replicaA = h.repository;
    const replicaB = new DataverseRepository(h.connect());
    const [a, b] = await Promise.all([replicaA.getOpportunity(id), replicaB.getOpportunity(id)]);
    expect(a!.etag).toBe(b!.etag);

    await replicaA.updateOpportunity(id, { estimatedvalue: 2000 }, a!.etag);
    const stale = await replicaB.updateOpportunity(id, { estimatedvalue: 3000 }, b!.etag).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(PreconditionFailedError);
    expect((stale as PreconditionFailedError).status).toBe(412);
    expect((await replicaA.getOpportunity(id))!.record.estimatedvalue).toBe(2000);

    // The loser re-reads and writes on top of the winner's change.
    const fresh = await replicaB.getOpportunity(id);
    await replicaB.updateOpportunity(id, { estimatedvalue: fresh!.record.estimatedvalue! + 500 }, fresh!.etag);
    expect((await replicaA.getOpportunity(id))!.record.estimatedvalue).toBe(2500);
  });
});

describe("Dataverse access layer: service protection (429)", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
  });
  afterAll(() => h.stop());

  it("waits the Retry-After the platform gives, then succeeds", async () => {
    h.dv.faults.inject({ path: "accounts", status: 429, code: "0x80072322", message: "Number of requests exceeded the limit of 6000 over time window of 300 seconds.", retryAfter: 7, times: 2 });
    const before = h.connection.counters.snapshot();
    h.waits.length = 0;
    const name = unique("Throttled");
    const id = await h.repository.createAccount({ name });
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(h.waits).toEqual([7000, 7000]);
    const after = h.connection.counters.snapshot();
    expect(after.throttles - before.throttles).toBe(2);
    expect(after.failures - before.failures).toBe(0);
    expect((await h.repository.findAccount(name))?.accountid).toBe(id);
  });

  it("gives the job queue a ThrottledError with the hint when the wait would overrun the budget", async () => {
    h.dv.faults.inject({ path: "accounts", status: 429, code: "0x80072321", retryAfter: 600, times: 1 });
    const error = await h.repository.findAccount("anything").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ThrottledError);
    expect(error).toMatchObject({ status: 429, code: "0x80072321", retryAfterMs: 600_000 });
  });

  it("recovers from the emulator's own request limit, sleeping for real", async () => {
    const real = await startDataverseHarness({ realWaits: true, emulator: { limits: { windowMs: 1000, maxRequests: 3 } } });
    try {
      const ids: string[] = [];
      for (let n = 0; n < 5; n++) ids.push(await real.repository.createContact({ lastname: unique("Limit") }));
      expect(new Set(ids).size).toBe(5);
      const refused = real.dv.counters.snapshot().throttled;
      expect(refused).toBeGreaterThan(0);
      expect(real.connection.counters.snapshot().throttles).toBe(refused);
    } finally {
      await real.stop();
    }
  }, 30_000);

  it("repeats a read after a 503 but not a create", async () => {
    h.dv.faults.inject({ method: "GET", path: "accounts", status: 503, times: 1 });
    await expect(h.repository.findAccount(unique("nobody"))).resolves.toBeUndefined();
    const name = unique("Once");
    h.dv.faults.inject({ method: "POST", path: "accounts", status: 503, times: 1 });
    await expect(h.repository.createAccount({ name })).rejects.toMatchObject({ status: 503 });
    expect(await h.repository.findAccount(name)).toBeUndefined();
  });
});
