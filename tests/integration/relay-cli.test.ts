/**
 * The relay's operating commands against both emulators while the relay itself is stopped (with
 * PGlite, the commands and the relay take turns on the data folder): the initial backfill, a
 * one-record sync, the dead-letter queue, and a relay started on the same folder refusing to share it.
 */
import { LeadColumns } from "@cosell/core";
import { createRelay } from "../../relay/src/app";
import { loadConfig } from "../../relay/src/config";
import { startRelayEnvironment, type RelayEnvironment } from "./relay-harness";

describe("relay commands against the emulators", () => {
  let e: RelayEnvironment;
  const leadsOf = async (referralIds: string[]) =>
    (await e.admin.list("leads", `?$select=leadid,${LeadColumns.referralId}`)).filter((lead) => referralIds.includes(String(lead[LeadColumns.referralId])));

  beforeAll(async () => {
    e = await startRelayEnvironment();
  });
  afterAll(async () => {
    await e?.stop();
  });

  it("backfills every incoming referral into a lead, and a second run resumes after the first", async () => {
    const referralIds = ["Northwind", "Tailspin", "Wingtip"].map((name) => String(e.partnerCenter.microsoft.createIncomingReferral({ referral: { name: `${name} modernisation` } }).id));

    const first = await e.cli(["backfill", "--concurrency", "2"]);
    expect(first.err).toBe("");
    expect(first).toMatchObject({ code: 0, out: expect.stringContaining("Backfill started: 3 referrals to load.") });
    expect(first.out).toMatch(/Backfilled 3 referrals\. Next run starts after \d{4}-\d\d-\d\dT/);
    expect(await leadsOf(referralIds)).toHaveLength(3);

    const later = String(e.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Alpine Ski House expansion" } }).id);
    const second = await e.cli(["backfill"]);
    expect(second.code).toBe(0);
    // Resumes at the watermark. The first run wrote each lead's id back to its referral, so those
    // count as changed since and are visited again: without creating anything twice.
    expect(second.out).toMatch(/Backfilled [1-4] referrals?\./);
    const leads = await leadsOf([...referralIds, later]);
    expect(leads.map((lead) => lead[LeadColumns.referralId]).sort()).toEqual([...referralIds, later].sort());
  });

  it("syncs one referral now and says where it landed", async () => {
    const referralId = String(e.partnerCenter.microsoft.createIncomingReferral({ referral: { name: "Lucerne Publishing" } }).id);
    const result = await e.cli(["sync", referralId]);
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    const [lead] = await leadsOf([referralId]);
    expect(result.out).toContain(`Referral ${referralId} ⇄ lead ${String(lead.leadid)} (new link).`);

    const unknown = await e.cli(["sync", "00000000-1111-4222-8333-444444444444"]);
    expect(unknown).toMatchObject({ code: 1, err: expect.stringContaining("has a record with the id 00000000-1111-4222-8333-444444444444") });
  });

  it("lists the dead-letter queue and explains how to retry", async () => {
    expect(await e.cli(["dead-letter", "list"])).toMatchObject({ code: 0, out: expect.stringContaining("No dead letters") });
    expect(await e.cli(["dead-letter", "retry"])).toMatchObject({ code: 1, err: expect.stringContaining("--all") });
    expect(await e.cli(["dead-letter", "retry", "no-such-job"])).toMatchObject({ code: 1, err: expect.stringContaining("No dead-lettered job has the id no-such-job") });
  });

  it("keeps a second process off a data folder the relay has open", async () => {
    const relay = await createRelay(loadConfig({ env: e.env }), { partnerCenterTokenProvider: e.partnerCenterTokens });
    try {
      const result = await e.cli(["dead-letter", "list"]);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(/is in use by process \d+ \(cosell-relay start, since .*\)\. Stop that process first, or run the relay on PostgreSQL \(DATABASE_URL\)/);
    } finally {
      await relay.stop();
    }
    expect((await e.cli(["dead-letter", "list"])).code).toBe(0);
  });

  it("refuses to start without the settings it needs, naming them", async () => {
    const { COSELL_DATAVERSE_URL: _url, ...withoutDataverse } = e.env;
    await expect(createRelay(loadConfig({ env: { ...withoutDataverse, COSELL_DATAVERSE_TENANT_ID: undefined, COSELL_DATAVERSE_CLIENT_ID: undefined, COSELL_DATAVERSE_CLIENT_SECRET: undefined, COSELL_DATAVERSE_AUTHORITY: undefined } }))).rejects.toThrow(
      /COSELL_PC_CLIENT_ID[\s\S]*COSELL_DATAVERSE_URL/,
    );
  });
});
