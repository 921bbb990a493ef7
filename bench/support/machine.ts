/** The machine a run happened on, as RESULTS.md states it. */
import { execFileSync } from "node:child_process";
import os from "node:os";

export interface Machine {
  nproc: number;
  cpu: string;
  memoryGiB: number;
  node: string;
  os: string;
  postgres: string;
}

export function describeMachine(postgresVersion: string): Machine {
  let nproc = os.availableParallelism();
  try {
    nproc = Number(execFileSync("nproc", { encoding: "utf8" }).trim()) || nproc;
  } catch {
    // nproc is a coreutils command; os.availableParallelism() says the same where it is missing.
  }
  return {
    nproc,
    cpu: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    postgres: postgresVersion,
  };
}
