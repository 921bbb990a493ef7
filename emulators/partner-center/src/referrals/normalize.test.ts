import { readAs } from "./normalize";
import { referralShape } from "./schema";

describe("readAs", () => {
  it("maps property names in any casing to the documented camelCase and drops unknown ones", () => {
    const out = readAs({ NAME: "x", Consent: { CONSENTTOTOSHAREINFOWITHOTHERS: true }, Surprise: 1 }, referralShape, "");
    expect(out).toEqual({ name: "x", consent: { consentToToShareInfoWithOthers: true } });
  });

  it("matches enum values in any casing and refuses unknown ones with the field as target", () => {
    expect(readAs({ status: "active", type: "SHARED" }, referralShape, "")).toEqual({ status: "Active", type: "Shared" });
    expect(() => readAs({ status: "Open" }, referralShape, "")).toThrow(expect.objectContaining({ status: 400, target: "/status" }));
  });

  it("reads numeric strings as numbers and 'true'/'false' as booleans, and refuses anything else", () => {
    expect(readAs({ details: { dealValue: " 10000.50 " }, favorite: "TRUE" }, referralShape, "")).toEqual({ details: { dealValue: 10000.5 }, favorite: true });
    expect(() => readAs({ details: { dealValue: "10k" } }, referralShape, "")).toThrow(expect.objectContaining({ target: "/details/dealValue" }));
    expect(() => readAs({ favorite: "yes" }, referralShape, "")).toThrow(expect.objectContaining({ target: "/favorite" }));
  });

  it("normalizes date-times to UTC with Z and keeps the client's precision", () => {
    const read = (value: string) => (readAs({ details: { closingDateTime: value } }, referralShape, "") as { details: { closingDateTime: string } }).details.closingDateTime;
    expect(read("2030-06-30")).toBe("2030-06-30T00:00:00Z");
    expect(read("2030-06-30T10:00:00.1234567Z")).toBe("2030-06-30T10:00:00.1234567Z");
    expect(read("2030-06-30T10:00:00+02:00")).toBe("2030-06-30T08:00:00Z");
    expect(() => read("30/06/2030")).toThrow(expect.objectContaining({ target: "/details/closingDateTime" }));
    expect(() => read("2030-02-31T00:00:00Z")).not.toThrow();
  });

  it("refuses the wrong container types", () => {
    expect(() => readAs({ team: {} }, referralShape, "")).toThrow(expect.objectContaining({ target: "/team" }));
    expect(() => readAs([], referralShape, "")).toThrow(expect.objectContaining({ status: 400 }));
  });
});
