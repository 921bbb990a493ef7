import { applyReferralPatch } from "./json-patch";
import type { JsonObject } from "./normalize";

const referral = (): JsonObject => ({
  id: "r1",
  name: "Deal",
  team: [{ email: "a@contoso.example" }],
  details: { notes: "n", dealValue: 1 },
});

describe("applyReferralPatch", () => {
  it("replaces and adds on client-owned paths, resolving names in any casing", () => {
    const out = applyReferralPatch(referral(), [
      { op: "replace", path: "/Details/DealValue", value: "10000" },
      { Op: "ADD", Path: "/team/-", Value: { EMAIL: "b@contoso.example" } },
      { op: "add", path: "/team/0", value: { email: "first@contoso.example" } },
      { op: "replace", path: "/team/2/email", value: "c@contoso.example" },
    ]);
    expect(out.details).toEqual({ notes: "n", dealValue: 10000 });
    expect(out.team).toEqual([{ email: "first@contoso.example" }, { email: "a@contoso.example" }, { email: "c@contoso.example" }]);
  });

  it("creates missing nested objects the model always has", () => {
    const out = applyReferralPatch({ id: "r1" }, [{ op: "add", path: "/details/requirements/solutions/-", value: { id: "SOL-1" } }]);
    expect(out.details).toEqual({ requirements: { solutions: [{ id: "SOL-1" }] } });
  });

  it("leaves the input untouched", () => {
    const input = referral();
    applyReferralPatch(input, [{ op: "replace", path: "/name", value: "Other" }]);
    expect(input.name).toBe("Deal");
  });

  it.each([
    [[{ op: "remove", path: "/name" }], "[0].op"],
    [[{ op: "replace", path: "name", value: 1 }], "[0].path"],
    [[{ op: "replace", path: "/name" }], "[0].value"],
    [[{ op: "replace", path: "/id", value: "x" }], "/id"],
    [[{ op: "replace", path: "/customerProfile/address/country", value: "DE" }], "/customerProfile/address/country"],
    [[{ op: "replace", path: "/details/unknown", value: 1 }], "/details/unknown"],
    [[{ op: "replace", path: "/team/-", value: {} }], "/team/-"],
    [[{ op: "replace", path: "/team/5", value: {} }], "/team/5"],
    [[{ op: "add", path: "/team/x", value: {} }], "/team/x"],
    [[], "body"],
  ])("refuses %j (target %s)", (operations, target) => {
    expect(() => applyReferralPatch(referral(), operations)).toThrow(expect.objectContaining({ status: 400, target }));
  });
});
