import { parseReferral } from "../referral/parse";
import type { Referral } from "../referral/types";
import { readSample } from "../testing/fixtures";
import { diffToJsonPatch } from "./json-patch";
import { projectReferral, type SyncProjection } from "./projection";

const active = (): Referral => parseReferral(readSample("referral-create-response.json"));

describe("diffToJsonPatch", () => {
  it("produces the documented close-as-won patch", () => {
    const last = projectReferral(active());
    const next: SyncProjection = { ...last, status: { status: "Closed", substatus: "Won" } };
    expect(diffToJsonPatch(last, next)).toEqual(readSample("referral-patch-request-close-won.json"));
  });

  it("produces the documented deal value + notes patch (with a number, not the sample's string)", () => {
    const last = projectReferral(active());
    const next: SyncProjection = { ...last, dealValue: 10000, notes: "Lorem ipsum dolor sit amet." };
    expect(diffToJsonPatch(last, next)).toEqual([
      { op: "replace", path: "/details/dealValue", value: 10000 },
      { op: "replace", path: "/details/notes", value: "Lorem ipsum dolor sit amet." },
    ]);
  });

  it("uses only add and replace, with empty values for cleared fields", () => {
    const last: SyncProjection = { notes: "x", dealValue: 5, currency: "EUR", solutions: [{ id: "SOL-1" }], helpNeeded: "GeneralOrOther" };
    const operations = diffToJsonPatch(last, { solutions: [] }, { fields: ["notes", "dealValue", "currency", "solutions", "helpNeeded"] });
    expect(operations).toEqual([
      { op: "replace", path: "/details/notes", value: "" },
      { op: "replace", path: "/details/dealValue", value: null },
      { op: "replace", path: "/details/currency", value: "" },
      { op: "replace", path: "/details/requirements/solutions", value: [] },
      { op: "replace", path: "/inviteContext/assistanceRequestCode", value: "Unknown" },
    ]);
    expect(new Set(operations.map((o) => o.op))).toEqual(new Set(["replace"]));
  });

  it("sends nothing when nothing changed, and never sends fields that flow only to the CRM by default", () => {
    const last = projectReferral(active());
    expect(diffToJsonPatch(last, { ...last })).toEqual([]);
    expect(diffToJsonPatch(last, { ...last, microsoftCrmId: "7-XYZ" })).toEqual([]);
  });

  it("adds a missing parent object when given the current referral", () => {
    const current = active();
    delete current.inviteContext;
    const last = projectReferral(current);
    const next: SyncProjection = { ...last, helpNeeded: "QuotesOrLicensing", visibility: true, customerContacts: [{ email: "a@b.c" }] };
    expect(diffToJsonPatch(last, next, { current })).toEqual([
      { op: "add", path: "/inviteContext", value: { assistanceRequestCode: "QuotesOrLicensing" } },
      { op: "add", path: "/consent/consentToShareReferralWithMicrosoftSellers", value: true },
      { op: "replace", path: "/customerProfile/team", value: [{ email: "a@b.c" }] },
    ]);
  });

  it("adds a value the last projection did not have", () => {
    expect(diffToJsonPatch({ name: "Deal" }, { name: "Deal", closingDate: "2026-01-31" })).toEqual([
      { op: "add", path: "/details/closingDateTime", value: "2026-01-31T00:00:00Z" },
    ]);
  });
});
