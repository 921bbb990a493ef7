import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { SolutionKindOptions } from "@cosell/core";
import ExcelJS from "exceljs";
import { CatalogFileError, readCatalogFile } from "./catalog-file";

const folder = mkdtempSync(path.join(tmpdir(), "catalog-"));
const file = (name: string, text: string) => {
  const target = path.join(folder, name);
  writeFileSync(target, text);
  return target;
};

describe("solution catalog files", () => {
  it("reads a CSV as text, with quoted commas, leading zeros and Partner Center's kinds", async () => {
    const csv = file(
      "catalog.csv",
      "\uFEFFSolution ID,Name,Kind,Publisher\n" +
        'sol-15974-mqf,"Contoso Supply Chain, AI edition",Co-sell ready partner solution,007 Labs\n' +
        "\n" +
        "SOL-20001-AZR,Azure Migrate,Microsoft solution,\n",
    );
    expect(await readCatalogFile(csv)).toEqual({
      entries: [
        { row: 2, identifier: "SOL-15974-MQF", name: "Contoso Supply Chain, AI edition", kind: SolutionKindOptions.CoSellReadyPartnerSolution, publisher: "007 Labs" },
        { row: 4, identifier: "SOL-20001-AZR", name: "Azure Migrate", kind: SolutionKindOptions.MicrosoftSolution },
      ],
      errors: [],
    });
  });

  it("reports every bad row by its number and why, and keeps the good ones", async () => {
    const csv = file(
      "bad.csv",
      "Solution ID,Name,Kind\n" +
        "SOL-1-AAA,First,3P\n" +
        "Dynamics365forFieldService,Legacy category,1P\n" +
        "SOL-2-BBB,,Partner\n" +
        "SOL-1-AAA,Again,3P\n" +
        "SOL-3-CCC,No kind,\n" +
        "SOL-4-DDD,Odd kind,Reseller\n",
    );
    const { entries, errors } = await readCatalogFile(csv);
    expect(entries.map((e) => e.row)).toEqual([2]);
    expect(errors).toEqual([
      { row: 3, message: '"DYNAMICS365FORFIELDSERVICE" is not a co-sell solution id (they look like SOL-15974-MQF)' },
      { row: 4, message: "the name is empty" },
      { row: 5, message: "SOL-1-AAA is already on row 2" },
      { row: 6, message: 'the kind is empty; use "Co-sell ready partner solution" (or "3P") and "Microsoft solution" (or "1P")' },
      { row: 7, message: 'the kind "Reseller" is not known; use "Co-sell ready partner solution" (or "3P") and "Microsoft solution" (or "1P")' },
    ]);
  });

  it("reads the first sheet of a workbook, below a title row", async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet("Solutions");
    sheet.addRow(["Co-sell catalog, exported 2025-01-31"]);
    sheet.addRow(["Solution name", "Solution type", "Solution ID", "Publisher name"]);
    sheet.addRow([{ richText: [{ text: "Contoso " }, { text: "Analytics", font: { bold: true } }] }, "CoSellReadyPartnerSolution", "SOL-777-XYZ", "Contoso"]);
    sheet.addRow(["Microsoft Fabric", String(SolutionKindOptions.MicrosoftSolution), { text: "SOL-888-FAB", hyperlink: "https://partner.microsoft.com" }, null]);
    const xlsx = path.join(folder, "catalog.xlsx");
    await workbook.xlsx.writeFile(xlsx);
    expect(await readCatalogFile(xlsx)).toEqual({
      entries: [
        { row: 3, identifier: "SOL-777-XYZ", name: "Contoso Analytics", kind: SolutionKindOptions.CoSellReadyPartnerSolution, publisher: "Contoso" },
        { row: 4, identifier: "SOL-888-FAB", name: "Microsoft Fabric", kind: SolutionKindOptions.MicrosoftSolution },
      ],
      errors: [],
    });
  });

  it("explains files it cannot use", async () => {
    await expect(readCatalogFile(file("no-kind.csv", "Solution ID,Name\nSOL-1-A,x\n"))).rejects.toThrow("has no Kind column");
    await expect(readCatalogFile(file("headerless.csv", "SOL-1-A,x,3P\n"))).rejects.toThrow("no header row with Solution ID, Name, Kind");
    await expect(readCatalogFile(file("catalog.txt", "x"))).rejects.toThrow("neither .xlsx nor .csv");
    await expect(readCatalogFile(path.join(folder, "missing.xlsx"))).rejects.toThrow(CatalogFileError);
    await expect(readCatalogFile(file("broken.xlsx", "not a zip"))).rejects.toThrow("cannot be read as an Excel workbook");
  });
});
