import { DataverseError } from "../errors";
import { compileFilter, type FilterScope } from "./evaluate";
import { parseFilter, parseLiteral } from "./filter";

type Row = Record<string, unknown>;

/** A scope over plain objects whose properties are typed by a small schema. */
const scope: FilterScope<Row> = {
  bindProperty: ([name]) => {
    const types: Record<string, "Edm.String" | "Edm.Int32" | "Edm.DateTimeOffset" | "Edm.Guid"> = { name: "Edm.String", size: "Edm.Int32", at: "Edm.DateTimeOffset", id: "Edm.Guid" };
    if (!types[name]) throw new DataverseError(400, "0x0", `Could not find a property named '${name}'`);
    return { edmType: types[name], get: (row) => row[name] ?? null };
  },
  bindCollection: () => {
    throw new Error("no collections");
  },
};

const rows: Row[] = [
  { name: "Alpha", size: 1, at: "2026-01-01T10:00:00Z", id: "6d81597f-0f9f-e711-8122-000d3aa2331c" },
  { name: "beta", size: 5, at: "2026-06-01T10:00:00Z" },
  { name: null, size: 10 },
];
const matching = (filter: string) => rows.filter(compileFilter(parseFilter(filter), scope)).map((r) => r.size);

describe("$filter", () => {
  it("gives 'and' precedence over 'or', and honours parentheses and 'not'", () => {
    expect(parseFilter("size eq 1 or size eq 5 and name eq 'x'")).toMatchObject({ kind: "or", right: { kind: "and" } });
    expect(matching("size eq 1 or size eq 5 and name eq 'x'")).toEqual([1]);
    expect(matching("(size eq 1 or size eq 5) and not (name eq 'alpha')")).toEqual([5]);
  });

  it("compares strings case-insensitively and null only equal to null", () => {
    expect(matching("name eq 'ALPHA'")).toEqual([1]);
    expect(matching("name eq null")).toEqual([10]);
    expect(matching("name ne null")).toEqual([1, 5]);
    expect(matching("name gt 'a'")).toEqual([1, 5]);
    expect(matching("contains(name,'ET') or endswith(name,'pha')")).toEqual([1, 5]);
  });

  it("compares date-times as instants whatever the offset", () => {
    expect(matching("at lt 2026-01-01T12:00:00+01:00")).toEqual([1]);
    expect(matching("at ge 2026-01-01T11:00:00+01:00")).toEqual([1, 5]);
  });

  it("reads GUID, number, date, escaped string and enum literals", () => {
    expect(parseLiteral("6D81597F-0F9F-E711-8122-000D3AA2331C")).toEqual({ kind: "literal", type: "guid", value: "6d81597f-0f9f-e711-8122-000d3aa2331c" });
    expect(parseLiteral("12.50")).toMatchObject({ type: "decimal", value: 12.5 });
    expect(parseLiteral("-3")).toMatchObject({ type: "int", value: -3 });
    expect(parseLiteral("2026-11-20")).toMatchObject({ type: "date", value: "2026-11-20" });
    expect(parseLiteral("'O''Brien'")).toMatchObject({ type: "string", value: "O'Brien" });
    expect(parseFilter("AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'")).toMatchObject({ right: { type: "enum", value: "Picklist" } });
    expect(matching("id eq 6D81597F-0F9F-E711-8122-000D3AA2331C")).toEqual([1]);
  });

  it("parses lambdas and Dataverse query functions", () => {
    expect(parseFilter("contact_customer_accounts/any(c:c/fullname eq 'x')")).toMatchObject({ kind: "lambda", path: ["contact_customer_accounts"], operator: "any", variable: "c" });
    expect(parseFilter("Microsoft.Dynamics.CRM.In(PropertyName='name',PropertyValues=['a','b'])")).toMatchObject({ kind: "queryFunction", name: "In" });
    expect(matching("Microsoft.Dynamics.CRM.Between(PropertyName='size',PropertyValues=['2','10'])")).toEqual([5, 10]);
  });

  it("reports syntax errors, unknown functions and type mismatches as 400s", () => {
    for (const bad of ["name eq 'open", "name eq", "size eq 1 )", "frobnicate(name)"]) {
      expect(() => compileFilter(parseFilter(bad), scope)).toThrow(DataverseError);
    }
    expect(() => compileFilter(parseFilter("size eq 'one'"), scope)).toThrow("Found operand types 'Edm.Int32' and 'Edm.String' for operator kind 'Equal'");
    expect(() => compileFilter(parseFilter("colour eq 'red'"), scope)).toThrow("Could not find a property named 'colour'");
  });
});
