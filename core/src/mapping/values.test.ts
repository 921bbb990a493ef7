import { HelpNeededOptions } from "../crm/schema";
import { helpNeededCode, helpNeededOption, readColumn, toDateOnly } from "./values";

describe("toDateOnly", () => {
  it.each([
    ["2026-03-31", "2026-03-31"],
    [" 2024-02-29 ", "2024-02-29"],
    ["2026-03-31T00:00:00Z", "2026-03-31"],
    ["2018-11-06T18:40:42.6178337Z", "2018-11-06"],
    ["2026-03-31T23:30:00-02:00", "2026-04-01"],
  ])("reads %s as %s", (input, expected) => {
    expect(toDateOnly(input)).toBe(expected);
  });

  it.each(["2026-02-30", "2025-02-29", "2026-13-01", "2026-02-30T10:00:00Z", "31/03/2026", "", null, 20260331])("refuses %s", (input) => {
    expect(toDateOnly(input)).toBeUndefined();
  });
});

describe("help needed", () => {
  it("maps choice values to assistance request codes and back", () => {
    expect(helpNeededCode(HelpNeededOptions.ProofOfConceptOrDemo)).toBe("ProofOfConceptOrDemo");
    expect(helpNeededOption("ProofOfConceptOrDemo")).toBe(HelpNeededOptions.ProofOfConceptOrDemo);
  });

  it("treats an empty choice, an unknown value and Unknown as no help", () => {
    expect(helpNeededCode(null)).toBeUndefined();
    expect(helpNeededCode(1)).toBeUndefined();
    expect(helpNeededOption("Unknown")).toBeNull();
    expect(helpNeededOption(undefined)).toBeNull();
  });
});

describe("readColumn", () => {
  it("takes the first column with a value", () => {
    expect(readColumn({ a: "", b: null, c: 0, d: 1 }, ["a", "b", "c", "d"])).toBe(0);
    expect(readColumn({ a: "" }, ["a"])).toBeUndefined();
    expect(readColumn(undefined, ["a"])).toBeUndefined();
  });
});
