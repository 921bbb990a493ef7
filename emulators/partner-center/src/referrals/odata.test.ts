import { compileFilter, instant, ReferralQuery } from "./odata";

describe("instant", () => {
  it("puts timestamps of any precision and offset on one comparable scale", () => {
    expect(instant("2020-10-30T21:03:00Z")).toBe("2020-10-30T21:03:00.0000000Z");
    expect(instant("2020-10-30T21:03:00.1234567Z")).toBe("2020-10-30T21:03:00.1234567Z");
    expect(instant("2020-10-30T23:03:00.5+02:00")).toBe("2020-10-30T21:03:00.5000000Z");
    expect(instant("2020-10-30T21:03:00.0000001Z") > instant("2020-10-30T21:03:00Z")).toBe(true);
  });
});

describe("compileFilter", () => {
  const doc = { status: "Active", direction: "Outgoing", updatedDateTime: "2030-01-01T00:00:00.0000005Z", team: [{ email: "Ana@Contoso.example" }], customerProfile: { address: { country: "US" } } };

  it.each([
    ["status eq 'active'", true],
    ["status ne 'Active'", false],
    ["updatedDateTime gt 2030-01-01T00:00:00Z", true],
    ["updatedDateTime le '2030-01-01T00:00:00Z'", false],
    ["team/any(t:t/email eq 'ana@contoso.example')", true],
    ["team/all(x:x/email eq 'bob@contoso.example')", false],
    ["customerProfile/address/country eq 'US' and not (direction eq 'Incoming')", true],
    ["engagementId eq null", true],
    ["status eq 'It''s'", false],
  ])("%s → %s", (text, expected) => {
    expect(compileFilter(text)(doc)).toBe(expected);
  });

  it.each(["name eq 'x'", "team/any(t:t/phoneNumber eq '1')", "customerProfile/team/any(t:t/email eq 'a')", "length(status) eq 6", "status"])("refuses %s", (text) => {
    expect(() => compileFilter(text)).toThrow(expect.objectContaining({ status: 400, target: "$filter" }));
  });
});

describe("ReferralQuery", () => {
  const items = Array.from({ length: 5 }, (_, i) => ({ seq: i, doc: { id: `r${i}`, createdDateTime: `2030-01-0${i + 1}T00:00:00Z`, updatedDateTime: `2030-02-0${5 - i}T00:00:00Z` } }));

  it("pages with tokens that only this instance accepts, for the same query", () => {
    const query = new ReferralQuery();
    const first = query.run(items, { $top: "3" });
    expect(first.items.map((d) => d.id)).toEqual(["r0", "r1", "r2"]);
    expect(first.nextSkiptoken).toBeUndefined();
    const ordered = query.run(items, { $orderby: "updatedDateTime asc" });
    expect(ordered.items.map((d) => d.id)).toEqual(["r4", "r3", "r2", "r1", "r0"]);
    expect(() => new ReferralQuery().run(items, { $skiptoken: "abc.def" })).toThrow(expect.objectContaining({ target: "$skiptoken" }));
  });

  it("refuses query options it does not support", () => {
    expect(() => new ReferralQuery().run(items, { $expand: "team" })).toThrow(expect.objectContaining({ target: "$expand" }));
    expect(() => new ReferralQuery().run(items, { $select: "nope" })).toThrow(expect.objectContaining({ target: "$select" }));
  });
});
