/**
 * Runs the benchmarks one after another, prints their figures as they come, and writes
 * bench/RESULTS.md with the machine they ran on and the command that produced them.
 *
 *   npm run bench                      every benchmark, full size (about half an hour)
 *   npm run bench -- --quick           smaller counts, a few minutes
 *   npm run bench -- --only latency,cost   just these (prints only, unless --out is given)
 *   npm run bench -- --out file.md     write the results somewhere else
 *
 * PostgreSQL is needed for the scale-out and start-up figures: TEST_DATABASE_URL, or
 * postgres://postgres@127.0.0.1:5432/test.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { Client } from "pg";
import { bundleBench } from "./bundles";
import { costBench } from "./cost";
import { footprintBench } from "./footprint";
import { latencyBench } from "./latency";
import { scaleOutBench } from "./scale-out";
import { describeMachine } from "./support/machine";
import type { BenchOptions, BenchSection } from "./support/report";
import { throughputBench } from "./throughput";

const BENCHMARKS: Record<string, (options: BenchOptions) => Promise<BenchSection>> = {
  latency: latencyBench,
  throughput: throughputBench,
  cost: costBench,
  footprint: footprintBench,
  "scale-out": scaleOutBench,
  bundles: bundleBench,
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { quick: { type: "boolean", default: false }, only: { type: "string" }, out: { type: "string" }, help: { type: "boolean", default: false } },
  });
  if (values.help) {
    console.log(`Usage: npm run bench -- [--quick] [--only ${Object.keys(BENCHMARKS).join(",")}] [--out file.md]`);
    return 0;
  }
  const names = values.only ? values.only.split(",").map((name) => name.trim()).filter(Boolean) : Object.keys(BENCHMARKS);
  const unknown = names.filter((name) => !(name in BENCHMARKS));
  if (unknown.length) {
    console.error(`No benchmark called ${unknown.join(", ")}; choose from ${Object.keys(BENCHMARKS).join(", ")}.`);
    return 2;
  }
  const out = values.out ?? (values.only ? undefined : path.join(__dirname, "RESULTS.md"));
  const machine = describeMachine(await postgresVersion());
  console.log(`Benchmarks on ${machine.nproc} CPUs (${machine.cpu}), ${machine.memoryGiB} GiB, Node ${machine.node}${values.quick ? ", quick mode" : ""}`);

  const options: BenchOptions = { quick: values.quick, log: (line) => console.log(line) };
  const sections: BenchSection[] = [];
  const started = Date.now();
  for (const name of names) {
    const began = Date.now();
    console.log(`\n== ${name} ==`);
    const section = await BENCHMARKS[name](options);
    sections.push(section);
    for (const headline of section.headlines) console.log(`→ ${headline}`);
    console.log(`(${name} took ${Math.round((Date.now() - began) / 1000)} s)`);
  }
  const minutes = Math.round((Date.now() - started) / 6000) / 10;

  if (out) {
    const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
    writeFileSync(out, render(sections, machine, command, minutes, values.quick));
    console.log(`\nWrote ${path.relative(process.cwd(), out)}`);
  }
  return 0;
}

function render(sections: BenchSection[], machine: ReturnType<typeof describeMachine>, command: string, minutes: number, quick: boolean): string {
  return [
    "# Benchmark results",
    "",
    `Produced by \`${command}\`${quick ? " (quick mode: smaller counts)" : ""} on ${new Date().toISOString().slice(0, 10)}, in ${minutes} minutes. Figures come from one run. The emulators, proxies and webhook gateway run in the benchmark's own process, beside the relay processes, on the same cores; anything else running on the machine at the time slows the figures down, never up.`,
    "",
    "Machine:",
    "",
    `- \`nproc\`: ${machine.nproc} (${machine.cpu})`,
    `- memory: ${machine.memoryGiB} GiB`,
    `- Node ${machine.node} on ${machine.os}`,
    `- PostgreSQL: ${machine.postgres}`,
    "",
    "## Headlines",
    "",
    ...sections.flatMap((s) => s.headlines.map((h) => `- ${h}`)),
    "",
    ...sections.flatMap((s) => [`## ${s.title}`, "", s.markdown, ""]),
  ].join("\n");
}

async function postgresVersion(): Promise<string> {
  const client = new Client({ connectionString: process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test" });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>("show server_version");
    return rows[0].server_version;
  } catch (error) {
    return `not reachable (${(error as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error.stack ?? error.message);
    process.exit(1);
  },
);
