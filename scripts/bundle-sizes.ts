/**
 * Size report of the production bundles against their budgets (before gzip; 1 KB = 1024 bytes):
 * each PCF control (pcf/out/controls/<Control>/bundle.js) 50 KB, each web resource
 * (webresources/dist/*.js, when built) 30 KB. Exits 1 on a breach or when the controls are not built.
 *
 *   npm run bundle:sizes
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";

export const KB = 1024;
export const Budgets = { pcf: 50 * KB, webresource: 30 * KB } as const;

export interface BundleSize {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  bytes: number;
  gzip: number;
  budget: number;
}

export interface BundleReport {
  bundles: BundleSize[];
  breaches: BundleSize[];
  /** Why the report is incomplete, e.g. the controls have not been built. */
  problems: string[];
}

function measure(root: string, file: string, budget: number): BundleSize {
  const content = fs.readFileSync(path.join(root, file));
  return { file: file.split(path.sep).join("/"), bytes: content.length, gzip: gzipSync(content, { level: 9 }).length, budget };
}

export function bundleReport(root: string): BundleReport {
  const problems: string[] = [];
  const controlsDir = path.join("pcf", "out", "controls");
  const controls = fs.existsSync(path.join(root, controlsDir))
    ? fs.readdirSync(path.join(root, controlsDir)).filter((name) => fs.existsSync(path.join(root, controlsDir, name, "bundle.js")))
    : [];
  if (controls.length === 0) problems.push("No PCF bundles in pcf/out/controls: run `npm run build -w pcf` first.");

  const webDir = path.join("webresources", "dist");
  const webResources = fs.existsSync(path.join(root, webDir)) ? fs.readdirSync(path.join(root, webDir)).filter((name) => name.endsWith(".js")) : [];

  const bundles = [
    ...controls.sort().map((name) => measure(root, path.join(controlsDir, name, "bundle.js"), Budgets.pcf)),
    ...webResources.sort().map((name) => measure(root, path.join(webDir, name), Budgets.webresource)),
  ];
  return { bundles, breaches: bundles.filter((b) => b.bytes > b.budget), problems };
}

const kb = (bytes: number) => `${(bytes / KB).toFixed(1)} KB`;

export function formatReport(report: BundleReport): string {
  const header = ["bundle", "size", "gzip", "budget", ""];
  const rows = report.bundles.map((b) => [b.file, kb(b.bytes), kb(b.gzip), kb(b.budget), b.bytes > b.budget ? `OVER by ${kb(b.bytes - b.budget)}` : "ok"]);
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((row) => row[i].length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line), ...report.problems].join("\n");
}

if (require.main === module) {
  const report = bundleReport(path.resolve(__dirname, ".."));
  console.log(formatReport(report));
  if (report.breaches.length > 0) {
    console.error(`\nOver budget: ${report.breaches.map((b) => b.file).join(", ")}`);
    process.exitCode = 1;
  } else if (report.problems.length > 0) {
    process.exitCode = 1;
  }
}
