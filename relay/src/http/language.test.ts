import { lcidFromAcceptLanguage } from "./language";

describe("seller language from Accept-Language", () => {
  it.each([
    ["sv-SE,sv;q=0.9,en-US;q=0.8", 1053],
    ["de-DE,de;q=0.9,pl;q=0.8,en;q=0.5", 1045],
    ["en;q=0.5, nl-BE", 1043],
    ["zh-TW,zh-Hans;q=0.6", 2052],
    ["zh-CN", 2052],
    ["it-CH", 1040],
  ])("%s → %i", (header, lcid) => {
    expect(lcidFromAcceptLanguage(header)).toBe(lcid);
  });

  it("leaves the choice to the engine when no product language is acceptable", () => {
    expect(lcidFromAcceptLanguage(undefined)).toBeUndefined();
    expect(lcidFromAcceptLanguage("de-DE,fr;q=0.5,zh-TW")).toBeUndefined();
    expect(lcidFromAcceptLanguage("sv;q=0")).toBeUndefined();
  });
});
