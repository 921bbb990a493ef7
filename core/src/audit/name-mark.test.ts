import { applyNameMark, stripNameMark } from "./name-mark";

describe("opportunity name mark", () => {
  it("appends ✔ on success and ✖ on failure", () => {
    expect(applyNameMark("Contoso deal", "success", true)).toBe("Contoso deal ✔");
    expect(applyNameMark("Contoso deal", "error", true)).toBe("Contoso deal ✖");
  });

  it("is idempotent and replaces a previous mark", () => {
    const once = applyNameMark("Contoso deal", "success", true);
    expect(applyNameMark(once, "success", true)).toBe(once);
    expect(applyNameMark(once, "error", true)).toBe("Contoso deal ✖");
    expect(applyNameMark("Contoso deal ✔ ✖ ❌", "success", true)).toBe("Contoso deal ✔");
  });

  it("removes the mark when switched off (documented customisation) or when there is no outcome", () => {
    expect(applyNameMark("Contoso deal ✔", "success", false)).toBe("Contoso deal");
    expect(applyNameMark("Contoso deal ✖", undefined, true)).toBe("Contoso deal");
  });

  it("leaves marks inside the name alone and does not mark an empty name", () => {
    expect(stripNameMark("✔ Checked deal")).toBe("✔ Checked deal");
    expect(applyNameMark(" ✔", "success", true)).toBe("");
  });
});
