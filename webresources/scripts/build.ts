/**
 * `npm run build -w webresources`: minified web resources into `webresources/dist/`, with a size
 * report. Fails when a form script outgrows its budget.
 */
import path from "node:path";
import { FORM_SCRIPT_BUDGET, buildWebResources } from "./bundle";

async function main(): Promise<void> {
  const outDir = path.resolve(__dirname, "../dist");
  const files = await buildWebResources(outDir);
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`.padStart(9);
  console.log(`web resources in ${path.relative(process.cwd(), outDir) || "."}:`);
  console.log(`${"file".padEnd(34)}${"size".padStart(9)}${"gzip".padStart(9)}  web resource`);
  let overBudget = false;
  for (const f of files) {
    const formScript = f.type === 3 && f.file !== "lib/Msal.js";
    const breach = formScript && f.bytes > FORM_SCRIPT_BUDGET;
    overBudget ||= breach;
    const note = formScript ? `  (budget ${FORM_SCRIPT_BUDGET / 1024} KB${breach ? " — OVER" : ""})` : "";
    console.log(`${f.file.padEnd(34)}${kb(f.bytes)}${kb(f.gzipBytes)}  ${f.name}${note}`);
  }
  const msal = files.find((f) => f.file === "lib/Msal.js");
  if (msal) console.log(`MSAL adds ${kb(msal.bytes).trim()} (${kb(msal.gzipBytes).trim()} gzip), loaded only when a production token is needed.`);
  if (overBudget) {
    console.error(`A form script is over its ${FORM_SCRIPT_BUDGET / 1024} KB budget.`);
    process.exitCode = 1;
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
