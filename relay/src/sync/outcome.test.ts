import { appendAuditEntry, SyncStatusOptions, type AuditEntry } from "@cosell/core";
import { alreadyRecorded, outcomeColumns } from "./outcome";

const at = "2026-01-15T10:32:05Z";
const error: AuditEntry = { at, outcome: "error", direction: "toPartnerCenter", message: "Partner Center needs at least one solution.", fix: "Add a solution." };
const now = new Date("2026-01-15T11:00:00Z");

describe("recording a sync outcome on the record", () => {
  it("marks the name, sets Sync Status and Last Synced On, and puts the entry on top of the Audit", () => {
    const columns = outcomeColumns(
      { name: "Contoso deal ✖", cosell_audit: "older text", cosell_syncstatus: SyncStatusOptions.Error },
      "opportunity",
      { status: "Synced", entries: [{ ...error, outcome: "success", message: "Shared.", fix: undefined }] },
      true,
      now,
    );
    expect(columns).toMatchObject({ name: "Contoso deal ✔", cosell_syncstatus: SyncStatusOptions.Synced, cosell_lastsyncedon: now.toISOString() });
    expect(String(columns?.cosell_audit)).toMatch(/^2026-01-15 10:32:05 UTC · ✔ Success · Dynamics 365 → Partner Center\n {2}Shared\.\n\nolder text$/);
  });

  it("writes nothing when the record already shows the same outcome, so a record that stays invalid is not re-logged on every notification", () => {
    const record = { name: "Deal ✖", cosell_audit: appendAuditEntry("", error), cosell_syncstatus: SyncStatusOptions.Error };
    const later = { ...error, at: "2026-01-15T12:00:00Z" };
    expect(alreadyRecorded(record.cosell_audit, [later])).toBe(true);
    expect(outcomeColumns(record, "opportunity", { status: "Error", entries: [later] }, true, now)).toBeUndefined();
    expect(alreadyRecorded(record.cosell_audit, [{ ...later, message: "Another problem." }])).toBe(false);
  });

  it("keeps the last mark while Pending, drops marks when the check mark is switched off, and leaves Last Synced On alone on errors", () => {
    const pending = outcomeColumns({ name: "Deal ✔", cosell_syncstatus: SyncStatusOptions.Synced }, "opportunity", { status: "Pending", entries: [] }, true, now);
    expect(pending).toEqual({ cosell_syncstatus: SyncStatusOptions.Pending });
    const unmarked = outcomeColumns({ name: "Deal ✔", cosell_syncstatus: SyncStatusOptions.Synced }, "opportunity", { status: "Synced", entries: [] }, false, now);
    expect(unmarked).toMatchObject({ name: "Deal" });
    const failed = outcomeColumns({ name: "Deal", cosell_syncstatus: SyncStatusOptions.Synced }, "opportunity", { status: "Error", entries: [error] }, true, now);
    expect(failed).toMatchObject({ name: "Deal ✖", cosell_syncstatus: SyncStatusOptions.Error });
    expect(failed).not.toHaveProperty("cosell_lastsyncedon");
  });

  it("marks the name the same update writes, and never touches a lead's name", () => {
    const renamed = outcomeColumns({ name: "Old ✔", cosell_syncstatus: SyncStatusOptions.Synced }, "opportunity", { status: "Synced", entries: [] }, true, now, { name: "New name" });
    expect(renamed).toMatchObject({ name: "New name ✔" });
    const lead = outcomeColumns({ subject: "Lead", cosell_syncstatus: SyncStatusOptions.Error }, "lead", { status: "Synced", entries: [] }, true, now);
    expect(lead).toEqual({ cosell_syncstatus: SyncStatusOptions.Synced, cosell_lastsyncedon: now.toISOString() });
  });
});
