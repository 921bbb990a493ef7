import type { ReferralState } from "../referral/types";
import { formatReferralState, isTerminal, isValidStatusPair, parseReferralState, validateReferralTransition } from "./transitions";

const s = (status: ReferralState["status"], substatus: string): ReferralState => ({ status, substatus });

describe("validateReferralTransition (partner-center-api.md §2.2)", () => {
  it.each([
    [s("New", "Pending"), s("New", "Received")],
    [s("New", "Pending"), s("Active", "Accepted")],
    [s("New", "Received"), s("Closed", "Declined")],
    [s("New", "Pending"), s("Closed", "Lost")],
    [s("Active", "Accepted"), s("Closed", "Won")],
    [s("Active", "Accepted"), s("Closed", "Lost")],
  ])("allows %j → %j", (from, to) => {
    expect(validateReferralTransition(from, to)).toEqual({ ok: true, changed: true });
  });

  it("treats staying put as a valid no-op, even when closed", () => {
    expect(validateReferralTransition(s("Closed", "Won"), s("Closed", "Won"))).toEqual({ ok: true, changed: false });
  });

  it.each([
    [s("Active", "Accepted"), s("New", "Pending"), "backwards", "cannot go back from Active · Accepted to New · Pending"],
    [s("Closed", "Won"), s("Active", "Accepted"), "terminal", "closed as Won"],
    [s("Closed", "Declined"), s("Closed", "Won"), "terminal", "closed as Declined"],
    [s("Closed", "Expired"), s("Closed", "Lost"), "terminal", "no further changes"],
    [s("Active", "Accepted"), s("Active", "Won"), "invalid-pair", "Status Active allows substatus Accepted, not Won."],
    [s("New", "Pending"), s("Closed", "Accepted"), "invalid-pair", "Status Closed allows substatus Won, Lost, Declined, Expired"],
    [s("New", "Pending"), s("Closed", "Expired"), "expiry-is-automatic", "after 14 days"],
  ])("refuses %j → %j (%s)", (from, to, code, reason) => {
    const check = validateReferralTransition(from, to);
    expect(check).toMatchObject({ ok: false, code });
    expect(check.ok === false && check.reason).toContain(reason);
  });

  it("refuses an unknown status with a readable reason", () => {
    const check = validateReferralTransition(s("New", "Pending"), { status: "Paused" as "New", substatus: "Pending" });
    expect(check).toEqual({ ok: false, code: "invalid-pair", reason: "Unknown referral status Paused." });
  });
});

describe("status helpers", () => {
  it("knows the documented pairs", () => {
    expect(isValidStatusPair(s("New", "Received"))).toBe(true);
    expect(isValidStatusPair(s("New", "Accepted"))).toBe(false);
  });

  it("calls every Closed referral terminal", () => {
    for (const sub of ["Won", "Lost", "Declined", "Expired"]) expect(isTerminal(s("Closed", sub))).toBe(true);
    expect(isTerminal(s("Active", "Accepted"))).toBe(false);
    expect(isTerminal(undefined)).toBe(false);
  });

  it("formats the Partner Center Status column and reads it back", () => {
    expect(formatReferralState(s("Active", "Accepted"))).toBe("Active · Accepted");
    expect(formatReferralState(s("None", "None"))).toBe("None");
    expect(parseReferralState("Active · Accepted")).toEqual(s("Active", "Accepted"));
    expect(parseReferralState("closed · Won")).toEqual(s("Closed", "Won"));
    expect(parseReferralState("whatever it is")).toBeUndefined();
    expect(parseReferralState(null)).toBeUndefined();
  });
});
