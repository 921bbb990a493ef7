import {
  AuthError,
  ConflictError,
  createPartnerCenterClient,
  NotFoundError,
  odata,
  staticTokenProvider,
  ThrottledError,
  ValidationError,
} from "../../relay/src/partner-center";
import { coSellReferral, startHarness, type Harness } from "./partner-center-harness";

describe("Partner Center client against the emulator", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it("reads more than 1,000 referrals page by page", async () => {
    const seeded = new Set<string>();
    for (let i = 0; i < 1005; i++) seeded.add(String(h.emulator.microsoft.createIncomingReferral().id));

    const pages = [];
    for await (const page of h.client.referrals.pages()) pages.push(page);
    const ids = pages.flatMap((p) => p.value.map((r) => r.id));

    expect(pages.length).toBeGreaterThanOrEqual(11);
    expect(pages.every((p) => p.value.length <= 100)).toBe(true);
    expect(pages[0]["@odata.count"]).toBe(1005);
    expect(new Set(ids)).toEqual(seeded);
    expect(ids).toHaveLength(1005);

    const incoming = await h.client.referrals.list({ filter: odata.eq("direction", "Incoming"), orderBy: { field: "createdDateTime", direction: "desc" } });
    expect(incoming).toHaveLength(1005);
  });

  it("creates a co-sell referral and reads it back with its related referrals", async () => {
    const created = await h.client.referrals.create(coSellReferral());
    expect(created).toMatchObject({ status: "Active", substatus: "Accepted", direction: "Outgoing" });
    await expect(h.client.referrals.get(created.id!)).resolves.toMatchObject({ id: created.id, eTag: created.eTag });
    const related = await h.client.referrals.related(created);
    expect(related.map((r) => r.id)).toContain(created.id);
    await expect(h.client.referrals.get("00000000-0000-0000-0000-000000000000")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("surfaces a refused create as ValidationError carrying the server's own message", async () => {
    const broken = coSellReferral();
    broken.details = { ...broken.details, requirements: { ...broken.details!.requirements, solutions: [] } };

    const raw = await fetch(h.emulator.referralsUrl, {
      method: "POST",
      headers: { authorization: `Bearer ${await h.emulator.issueToken()}`, "content-type": "application/json" },
      body: JSON.stringify(broken),
    });
    const { error } = (await raw.json()) as { error: { message: string; target: string } };
    expect(raw.status).toBe(400);

    const attempt = h.client.referrals.create(broken);
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ status: 400, code: "invalidRequest", message: error.message, target: error.target });
  });

  it("recovers from a concurrent write (412) by reading again and re-applying its change", async () => {
    const created = await h.client.referrals.create(coSellReferral());
    const stale = created.eTag!;
    // Someone else changes the notes after we read the referral.
    await h.client.referrals.patch(created.id!, [{ op: "replace", path: "/details/notes", value: "Changed by a colleague" }], { ifMatch: stale });

    const blind = h.client.referrals.patch(created.id!, [{ op: "replace", path: "/details/dealValue", value: 75000 }], { ifMatch: stale });
    await expect(blind).rejects.toBeInstanceOf(ConflictError);
    await expect(blind).rejects.toMatchObject({ status: 412 });

    const colleague = h.client.referrals;
    let builds = 0;
    const result = await h.client.referrals.updateLatest(created.id!, async (current) => {
      builds++;
      // On the first pass another write lands between our read and our write.
      if (builds === 1) await colleague.patch(created.id!, [{ op: "replace", path: "/details/notes", value: "Changed again" }], { ifMatch: current.eTag });
      return current.details?.dealValue === 75000 ? [] : [{ op: "replace", path: "/details/dealValue", value: 75000 }];
    });
    expect(result).toMatchObject({ changed: true, conflicts: 1 });
    expect(builds).toBe(2);
    expect(result.referral.details).toMatchObject({ dealValue: 75000, notes: "Changed again" });
    await expect(h.client.referrals.get(created.id!)).resolves.toMatchObject({ details: { dealValue: 75000 }, eTag: result.referral.eTag });
  });

  it("backs off on 429 for as long as Retry-After says, then succeeds", async () => {
    const created = await h.client.referrals.create(coSellReferral());
    h.emulator.faults.throttleNext(2, 3);
    await expect(h.client.referrals.get(created.id!)).resolves.toMatchObject({ id: created.id });
    expect(h.waits).toHaveLength(2);
    for (const wait of h.waits) expect(wait).toBeGreaterThanOrEqual(3000);
    expect(h.client.stats()).toMatchObject({ throttles: 2, retries: 2 });

    h.emulator.faults.throttleNext(10, 30);
    const limited = h.client.referrals.list();
    await expect(limited).rejects.toBeInstanceOf(ThrottledError);
  });

  it("reports a token for the wrong audience as AuthError", async () => {
    const token = await h.emulator.issueToken({ api: "webhooks" });
    const client = createPartnerCenterClient({ referralsApiUrl: h.emulator.url, tokenProvider: staticTokenProvider(token) });
    await expect(client.referrals.list()).rejects.toBeInstanceOf(AuthError);
  });
});
