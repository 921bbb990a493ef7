import countries from "i18n-iso-countries";
import currencies from "currency-codes";
import { ISO_3166_ALPHA2, ISO_4217 } from "./iso-codes.generated";
import { isIsoCountryCode, isIsoCurrencyCode } from "./iso";

// The rules ship code lists generated from these packages; regenerate with
// `npm run generate:iso -w core` when this fails after a package update.
describe("generated ISO code lists", () => {
  it("equal i18n-iso-countries' alpha-2 codes", () => {
    expect(ISO_3166_ALPHA2.split(" ")).toEqual(Object.keys(countries.getAlpha2Codes()).sort());
  });

  it("equal currency-codes' ISO 4217 codes", () => {
    expect(ISO_4217.split(" ")).toEqual([...currencies.codes()].sort());
  });
});

describe("ISO checks", () => {
  it("accepts codes in any case and refuses anything else", () => {
    expect(isIsoCountryCode(" se ")).toBe(true);
    expect(isIsoCountryCode("SWE")).toBe(false);
    expect(isIsoCountryCode("")).toBe(false);
    expect(isIsoCurrencyCode("eur")).toBe(true);
    expect(isIsoCurrencyCode("EU")).toBe(false);
  });
});
