import { DEFAULT_SYNC_CONFIG, parseSyncConfig } from "../config/sync-config";
import { formatSyncDecision, resolveSync } from "./conflicts";
import type { SyncProjection } from "./projection";

const base: SyncProjection = {
  name: "Deal",
  dealValue: 100,
  currency: "USD",
  closingDate: "2026-01-31",
  notes: "Notes",
  status: { status: "Active", substatus: "Accepted" },
  visibility: true,
  solutions: [{ id: "SOL-1" }],
  customerContacts: [],
};

describe("resolveSync", () => {
  it("does nothing when both sides still equal the last sync", () => {
    expect(resolveSync({ base, crm: { ...base }, partnerCenter: { ...base } }, DEFAULT_SYNC_CONFIG)).toEqual({
      merged: base,
      toPartnerCenter: [],
      toCrm: [],
      conflicts: [],
      rejected: [],
    });
  });

  it("sends CRM edits to Partner Center and Partner Center edits to the CRM", () => {
    const result = resolveSync(
      {
        base,
        crm: { ...base, dealValue: 200, name: "Deal v2" },
        partnerCenter: { ...base, notes: "Updated by Microsoft", microsoftCrmId: "7-ABC" },
      },
      DEFAULT_SYNC_CONFIG,
    );
    expect(result.toPartnerCenter).toEqual(["name", "dealValue"]);
    expect(result.toCrm).toEqual(["notes", "microsoftCrmId"]);
    expect(result.merged).toEqual({ ...base, name: "Deal v2", dealValue: 200, notes: "Updated by Microsoft", microsoftCrmId: "7-ABC" });
    expect(result.conflicts).toEqual([]);
  });

  it("lets the owner side win a field changed on both sides, and says so", () => {
    const result = resolveSync(
      { base, crm: { ...base, dealValue: 200 }, partnerCenter: { ...base, dealValue: 300 } },
      DEFAULT_SYNC_CONFIG,
    );
    expect(result.toPartnerCenter).toEqual(["dealValue"]);
    expect(result.merged.dealValue).toBe(200);
    expect(result.conflicts).toHaveLength(1);
    expect(result.conflicts[0]).toMatchObject({ field: "dealValue", winner: "crm", crmValue: 200, partnerCenterValue: 300 });
    expect(result.conflicts[0].note).toBe("Deal value changed in both Dynamics 365 and Partner Center since the last sync; kept the Dynamics 365 value: 200.");
    expect(formatSyncDecision(result.conflicts[0], 1053).message).toBe(
      "Affärsvärde ändrades både i Dynamics 365 och i Partner Center sedan förra synkroniseringen; värdet från Dynamics 365 behölls: 200.",
    );
  });

  it("lets Partner Center win status conflicts by default, and the CRM when configured", () => {
    const sides = {
      base,
      crm: { ...base, status: { status: "Closed" as const, substatus: "Lost" } },
      partnerCenter: { ...base, status: { status: "Closed" as const, substatus: "Won" } },
    };
    const byDefault = resolveSync(sides, DEFAULT_SYNC_CONFIG);
    expect(byDefault.toCrm).toEqual(["status"]);
    expect(byDefault.merged.status).toEqual({ status: "Closed", substatus: "Won" });
    expect(byDefault.conflicts[0].note).toContain("kept the Partner Center value: Closed · Won");

    const crmOwns = parseSyncConfig({ cosell_FieldMapping: '{"fields":{"status":{"owner":"crm"}}}' });
    if (!crmOwns.ok) throw new Error("config");
    const overridden = resolveSync(sides, crmOwns.config);
    // The CRM won the conflict, but Partner Center refuses changes to a closed referral.
    expect(overridden.toPartnerCenter).toEqual([]);
    expect(overridden.rejected[0]).toMatchObject({ field: "status", messageKey: "change-rejected-closed" });
  });

  it("refuses CRM changes to a referral closed in Partner Center and restores the CRM", () => {
    const closed = { ...base, status: { status: "Closed" as const, substatus: "Won" } };
    const result = resolveSync({ base: closed, crm: { ...closed, dealValue: 999, solutions: [] }, partnerCenter: closed }, DEFAULT_SYNC_CONFIG);
    expect(result.toPartnerCenter).toEqual([]);
    expect(result.toCrm).toEqual(["dealValue"]);
    expect(result.rejected.map((d) => d.field)).toEqual(["dealValue", "solutions"]);
    expect(result.rejected[0].note).toBe("Deal value was not sent: the referral is closed (Closed · Won) in Partner Center.");
    expect(result.merged).toEqual(closed);
  });

  it("refuses a status move Partner Center does not allow", () => {
    const result = resolveSync(
      { base, crm: { ...base, status: { status: "New", substatus: "Pending" } }, partnerCenter: base },
      DEFAULT_SYNC_CONFIG,
    );
    expect(result.rejected[0]).toMatchObject({ field: "status", messageKey: "change-rejected-transition", params: { from: "Active · Accepted", to: "New · Pending" } });
    expect(result.toCrm).toEqual(["status"]);
  });

  it("keeps a shared referral shared", () => {
    const result = resolveSync({ base, crm: { ...base, visibility: false }, partnerCenter: base }, DEFAULT_SYNC_CONFIG);
    expect(result.rejected[0]).toMatchObject({ field: "visibility", messageKey: "change-rejected-visibility" });
    expect(result.toCrm).toEqual(["visibility"]);
    expect(result.merged.visibility).toBe(true);
  });

  it("on a first sync, takes each field from its owner without reporting conflicts", () => {
    const result = resolveSync({ crm: { ...base, dealValue: 1 }, partnerCenter: { ...base, dealValue: 2, microsoftCrmId: "7-A" } }, DEFAULT_SYNC_CONFIG);
    expect(result.toPartnerCenter).toEqual(["dealValue"]);
    expect(result.toCrm).toEqual(["microsoftCrmId"]);
    expect(result.conflicts).toEqual([]);
  });

  it("leaves fields out that are switched off or not asked for", () => {
    const off = parseSyncConfig({ cosell_FieldMapping: '{"fields":{"notes":{"direction":"none"}}}' });
    if (!off.ok) throw new Error("config");
    const result = resolveSync({ base, crm: { ...base, notes: "changed" }, partnerCenter: base }, off.config);
    expect(result.toPartnerCenter).toEqual([]);
    const statusOnly = resolveSync({ base, crm: { ...base, notes: "changed" }, partnerCenter: base, fields: ["status"] }, DEFAULT_SYNC_CONFIG);
    expect(statusOnly.toPartnerCenter).toEqual([]);
  });
});
