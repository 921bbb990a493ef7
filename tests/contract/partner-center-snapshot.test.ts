/**
 * A Partner Center emulator started from another one's `snapshot()` (saved as JSON, as the sandbox
 * does between starts) holds the same tenant: the same referrals with the same eTags (§7.6), the
 * other parties' halves of shared engagements, users, webhook registration and clock offset.
 */
import { SnapshotError, type PartnerCenterEmulator, type PartnerCenterSnapshot } from "@cosell/emulators/partner-center/src";
import { Client, coSellReferral, emulator, outgoingReferral, register, startReceiver, type Json, type Referral } from "./partner-center-harness";

const DAY = 24 * 3600_000;

describe("Partner Center emulator snapshot and restore", () => {
  let before: PartnerCenterEmulator;
  let after: PartnerCenterEmulator | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let saved: PartnerCenterSnapshot;
  let shared: Referral;
  let privateDeal: Referral;
  let incomingId: string;

  beforeAll(async () => {
    receiver = await startReceiver();
    before = await emulator();
    before.users.add({ upn: "erik@contoso.example", role: "Referrals User", locations: "all" });
    expect((await register(before, receiver.url, ["referral-created", "referral-updated", "related-referral-updated"])).status).toBe(200);
    const client = await Client.forUser(before);
    shared = (await client.create(coSellReferral())).body;
    before.microsoft.accept(shared.id);
    privateDeal = (await client.create(outgoingReferral())).body;
    incomingId = String(before.microsoft.createIncomingReferral().id);
    before.clock.advance(DAY);
    await before.deliveries.idle();
    saved = JSON.parse(JSON.stringify(before.snapshot())) as PartnerCenterSnapshot;
  });

  afterEach(async () => {
    await after?.stop();
    after = undefined;
  });
  afterAll(async () => {
    await before.stop();
    await receiver.close();
  });

  it("answers the same reads with the same eTags, for the same users, after a restore", async () => {
    after = await emulator({ restore: saved });
    const [was, is] = [await Client.forUser(before), await Client.forUser(after)];
    for (const id of [shared.id, privateDeal.id, incomingId]) {
      const [expected, actual] = [await was.get<Referral>(`${before.referralsUrl}/${id}`), await is.get<Referral>(`${after.referralsUrl}/${id}`)];
      expect(actual.status).toBe(200);
      expect(withoutLinks(actual.body)).toEqual(withoutLinks(expected.body));
    }
    const list = await is.get<{ value: Referral[] }>(after.referralsUrl);
    expect(list.body.value.map((r) => r.id).sort()).toEqual([shared.id, privateDeal.id, incomingId].sort());
    expect(after.partner).toEqual(before.partner);
    expect((await (await Client.forUser(after, "erik@contoso.example")).get(after.referralsUrl)).status).toBe(200);
    expect(after.clock.now().getTime() - Date.now()).toBeGreaterThan(DAY - 60_000);
  });

  it("keeps the webhook registration and sends events for changes made after the restore", async () => {
    after = await emulator({ restore: saved });
    expect(after.registration()).toEqual(before.registration());
    const calls = receiver.calls.length;
    const client = await Client.forUser(after);
    const current = (await client.get<Referral>(`${after.referralsUrl}/${privateDeal.id}`)).body;
    const patched = await client.patch(privateDeal.id, [{ op: "replace", path: "/details/notes", value: "After the restart." }], { "If-Match": current.eTag });
    expect(patched.status).toBe(204);
    const eTag = (await client.get<Referral>(`${after.referralsUrl}/${privateDeal.id}`)).body.eTag;
    expect(saved.referrals.map((r) => r.doc.eTag)).not.toContain(eTag);
    // Microsoft's half of the shared engagement came along: its change reaches the partner as related-referral-updated.
    after.microsoft.decline(shared.id, { reason: "No capacity this quarter." });
    await after.deliveries.idle();
    const events = receiver.calls.slice(calls).map((call) => call.body.EventName);
    expect(events).toEqual(expect.arrayContaining(["referral-updated", "related-referral-updated"]));
  });

  it("refuses a stale eTag and expires the restored incoming referral on the restored clock", async () => {
    after = await emulator({ restore: saved });
    const client = await Client.forUser(after);
    const stale = await client.patch(privateDeal.id, [{ op: "replace", path: "/details/notes", value: "x" }], { "If-Match": '"00000000-0000-0000-0000-000000000000"' });
    expect(stale.status).toBe(412);
    after.clock.advance(14 * DAY);
    expect((await client.get<Referral>(`${after.referralsUrl}/${incomingId}`)).body).toMatchObject({ status: "Closed", substatus: "Expired" });
  });

  it("refuses options the snapshot decides, and a damaged snapshot with what is wrong", async () => {
    await expect(emulator({ restore: saved, users: [] })).rejects.toThrow(SnapshotError);
    const { etagCounter: _dropped, ...damaged } = saved;
    await expect(emulator({ restore: damaged as PartnerCenterSnapshot })).rejects.toThrow("damaged: etagCounter missing or malformed");
  });
});

function withoutLinks(referral: Referral): Record<string, Json> {
  // Links and the context name the emulator's own address, which is another port after a restart.
  const { links: _links, "@odata.context": _context, ...rest } = referral;
  return rest;
}
