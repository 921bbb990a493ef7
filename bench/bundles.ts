/**
 * What sellers download: the PCF control and form-script bundle sizes against their budgets, as
 * `npm run bundle:sizes` reports them (from the last build; `npm run build` makes them).
 */
import path from "node:path";
import { bundleReport, KB } from "../scripts/bundle-sizes";
import type { BenchOptions, BenchSection } from "./support/report";
import { table } from "./support/report";

export async function bundleBench(options: BenchOptions): Promise<BenchSection> {
  const report = bundleReport(path.resolve(__dirname, ".."));
  const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;
  for (const bundle of report.bundles) options.log(`bundles: ${bundle.file} ${kb(bundle.bytes)} (${kb(bundle.gzip)} gzip), budget ${kb(bundle.budget)}`);
  for (const problem of report.problems) options.log(`bundles: ${problem}`);
  const total = report.bundles.reduce((sum, b) => sum + b.gzip, 0);
  const markdown = [
    "Sizes of the last build (`npm run build`), before and after gzip (what the browser downloads from Dataverse), against the budgets of `scripts/bundle-sizes.ts`; 1 KB = 1024 bytes.",
    "",
    table(
      ["bundle", "size", "gzip", "budget", "share of budget"],
      report.bundles.map((b) => [`\`${b.file}\``, kb(b.bytes), kb(b.gzip), kb(b.budget), `${Math.round((100 * b.bytes) / b.budget)}%${b.bytes > b.budget ? " (over)" : ""}`]),
    ),
    ...(report.problems.length ? ["", ...report.problems.map((p) => `Not measured: ${p}`)] : []),
  ].join("\n");
  return {
    title: "Bundle sizes",
    markdown,
    headlines: [
      report.bundles.length
        ? `Bundles: ${report.bundles.length} bundles, ${kb(total)} gzip in total, ${report.breaches.length ? `${report.breaches.length} over budget` : "all within budget"}`
        : "Bundles: not built",
    ],
  };
}
