import { AUDIT_MAX_LENGTH } from "../crm/schema";
import { appendAuditEntry, parseAuditLog, renderAuditEntry, renderAuditLog, type AuditEntry } from "./audit-log";

const failure: AuditEntry = {
  at: "2025-01-15T10:32:05Z",
  direction: "toPartnerCenter",
  outcome: "error",
  message: "Partner Center needs at least one solution on a shared referral.",
  fix: "Add a co-sell ready or Microsoft solution to the Microsoft Partner Center Solutions list.",
  referralId: "4111fffc-f9ee-4d53-bba6-569135228642",
};
const success: AuditEntry = { at: "2025-01-15T10:40:00.123Z", direction: "toCrm", outcome: "success", message: "Deal value updated from Partner Center." };

const entry = (i: number): AuditEntry => ({
  at: new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString(),
  direction: "toPartnerCenter",
  outcome: "success",
  message: `Sync number ${i}.`,
});

describe("renderAuditEntry", () => {
  it("writes a header line, the message and the fix, readable as plain text", () => {
    expect(renderAuditEntry(failure)).toBe(
      [
        "2025-01-15 10:32:05 UTC · ✖ Error · Dynamics 365 → Partner Center · Referral 4111fffc-f9ee-4d53-bba6-569135228642",
        "  Partner Center needs at least one solution on a shared referral.",
        "  Fix: Add a co-sell ready or Microsoft solution to the Microsoft Partner Center Solutions list.",
      ].join("\n"),
    );
    expect(renderAuditEntry(success)).toBe("2025-01-15 10:40:00 UTC · ✔ Success · Partner Center → Dynamics 365\n  Deal value updated from Partner Center.");
  });

  it("folds line breaks so one entry stays one message line", () => {
    expect(renderAuditEntry({ ...success, message: "Line one\r\n  Line two" }).split("\n")[1]).toBe("  Line one Line two");
  });

  it("shortens an overlong message, never the header or fix", () => {
    const text = renderAuditEntry({ ...failure, message: "x".repeat(5000) }, 400);
    expect(text.length).toBeLessThanOrEqual(400);
    expect(text).toMatch(/x…\n {2}Fix: Add a co-sell/);
    expect(parseAuditLog(text)[0]).toMatchObject({ kind: "entry", referralId: failure.referralId, fix: failure.fix });
  });

  it("refuses an entry without a valid time", () => {
    expect(() => renderAuditEntry({ ...success, at: "yesterday" })).toThrow('Audit entry time "yesterday" is not an ISO-8601 date-time.');
  });
});

describe("audit log round trip", () => {
  it("parses back what it renders, newest first, to the second", () => {
    const text = renderAuditLog([failure, success]);
    expect(parseAuditLog(text)).toEqual([
      { kind: "entry", ...success, at: "2025-01-15T10:40:00Z" },
      { kind: "entry", ...failure },
    ]);
  });

  it("puts a new entry on top of the existing log", () => {
    const log = appendAuditEntry(appendAuditEntry(null, failure), success);
    expect(log.startsWith("2025-01-15 10:40:00 UTC · ✔ Success")).toBe(true);
    expect(parseAuditLog(log).map((item) => item.kind === "entry" && item.outcome)).toEqual(["success", "error"]);
  });

  it("keeps a message that itself starts with \"Fix:\" as the message", () => {
    const odd: AuditEntry = { ...failure, message: "Fix: applied by the admin." };
    expect(parseAuditLog(renderAuditEntry(odd))).toEqual([{ kind: "entry", ...odd }]);
  });

  it("reads Windows line endings from Dataverse", () => {
    expect(parseAuditLog(renderAuditEntry(failure).replace(/\n/g, "\r\n"))).toEqual([{ kind: "entry", ...failure }]);
  });
});

describe("bounded size", () => {
  it("drops the oldest whole entries to stay within the column size", () => {
    let log = "";
    for (let i = 0; i < 400; i++) log = appendAuditEntry(log, entry(i));
    expect(log.length).toBeLessThanOrEqual(AUDIT_MAX_LENGTH);
    const items = parseAuditLog(log);
    expect(items.every((item) => item.kind === "entry")).toBe(true);
    expect(items[0]).toMatchObject({ message: "Sync number 399." });
    const oldest = items.at(-1);
    expect(oldest?.kind === "entry" && oldest.message).toMatch(/^Sync number \d+\.$/);
    expect(items.length).toBeLessThan(400);
  });

  it("never cuts an entry in half", () => {
    const log = renderAuditLog([failure, success, entry(1)], renderAuditEntry(success).length + 2 + renderAuditEntry(failure).length + 5);
    expect(parseAuditLog(log).map((item) => item.kind === "entry" && item.message)).toEqual([success.message, failure.message]);
  });
});

describe("foreign and damaged text", () => {
  it("keeps text it did not write as text items, in place", () => {
    const log = [
      renderAuditEntry(success),
      "",
      "Synced successfully ✔ (written by the previous connector)",
      "Error: Solution ID is required",
      "",
      renderAuditEntry(failure),
    ].join("\n");
    expect(parseAuditLog(log)).toEqual([
      { kind: "entry", ...success, at: "2025-01-15T10:40:00Z" },
      { kind: "text", text: "Synced successfully ✔ (written by the previous connector)\nError: Solution ID is required" },
      { kind: "entry", ...failure },
    ]);
  });

  it("returns leading foreign text as a text item and survives an append", () => {
    const legacy = "12/01/2023 Opportunity synced to Partner Center ✔\n12/02/2023 Referral updated";
    expect(parseAuditLog(legacy)).toEqual([{ kind: "text", text: legacy }]);
    const log = appendAuditEntry(legacy, success);
    expect(parseAuditLog(log)).toEqual([{ kind: "entry", ...success, at: "2025-01-15T10:40:00Z" }, { kind: "text", text: legacy }]);
  });

  it("treats a damaged header as text and keeps parsing the rest", () => {
    const damaged = "2025-13-99 xx UTC · ✖ Error · Somewhere\n  something";
    const items = parseAuditLog(`${damaged}\n\n${renderAuditEntry(failure)}`);
    expect(items).toEqual([{ kind: "text", text: damaged }, { kind: "entry", ...failure }]);
  });

  it("returns nothing for an empty column", () => {
    expect(parseAuditLog(null)).toEqual([]);
    expect(parseAuditLog("  \n ")).toEqual([]);
  });
});
