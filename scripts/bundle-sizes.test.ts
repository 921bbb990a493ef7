import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { bundleReport, Budgets, formatReport } from "./bundle-sizes";

const roots: string[] = [];
afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));

function repository(files: Record<string, number>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-sizes-"));
  roots.push(root);
  for (const [file, bytes] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    // Pseudo-random text so gzip has something to do.
    fs.writeFileSync(path.join(root, file), Array.from({ length: bytes }, (_, i) => String.fromCharCode(97 + ((i * 7919) % 26))).join(""));
  }
  return root;
}

describe("bundle size report", () => {
  it("measures every control and web resource against its budget", () => {
    const root = repository({
      "pcf/out/controls/Visibility/bundle.js": 4_000,
      "pcf/out/controls/HelpNeeded/bundle.js": Budgets.pcf + 1,
      "webresources/dist/OpportunityForm.js": Budgets.webresource,
      "webresources/dist/OpportunityForm.js.map": 90_000,
    });
    const report = bundleReport(root);
    expect(report.bundles.map((b) => [b.file, b.bytes, b.budget])).toEqual([
      ["pcf/out/controls/HelpNeeded/bundle.js", Budgets.pcf + 1, Budgets.pcf],
      ["pcf/out/controls/Visibility/bundle.js", 4_000, Budgets.pcf],
      ["webresources/dist/OpportunityForm.js", Budgets.webresource, Budgets.webresource],
    ]);
    expect(report.bundles.every((b) => b.gzip > 0 && b.gzip < b.bytes)).toBe(true);
    expect(report.breaches.map((b) => b.file)).toEqual(["pcf/out/controls/HelpNeeded/bundle.js"]);
    const text = formatReport(report);
    expect(text).toMatch(/HelpNeeded\/bundle\.js\s+50\.0 KB\s+[\d.]+ KB\s+50\.0 KB\s+OVER by 0\.0 KB/);
    expect(text).toMatch(/Visibility\/bundle\.js\s+3\.9 KB\s+[\d.]+ KB\s+50\.0 KB\s+ok/);
  });

  it("says the controls must be built first when there are no bundles", () => {
    const report = bundleReport(repository({}));
    expect(report.bundles).toEqual([]);
    expect(formatReport(report)).toContain("run `npm run build -w pcf` first");
  });
});
