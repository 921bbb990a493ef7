/**
 * The relay as an operator runs it: `cosell-relay start` in its own Node process, configured by
 * environment variables, logging JSON lines on standard output. Tests can kill it (SIGKILL, no
 * goodbye) or stop it (SIGTERM, graceful), also while it is still starting, and start another on
 * the same database.
 */
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";

export const RELAY_BIN = path.resolve(__dirname, "../../../relay/bin/cosell-relay.cjs");

export interface RelayProcess {
  readonly pid: number;
  /** e.g. http://127.0.0.1:41234, once ready ("" before). */
  readonly url: string;
  /** Resolves once the relay answers /readyz with 200; rejects if it exits or is killed first. */
  readonly ready: Promise<void>;
  /** Milliseconds from spawn to ready. */
  readonly startupMs: number;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** True once kill() or stop() was called. */
  readonly ending: boolean;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Spawns `cosell-relay start` and returns at once; `ready` says when it serves. Every line it prints
 * (pino JSON and CLI lines, both streams) goes to `onLine`.
 */
export function spawnRelayProcess(env: NodeJS.ProcessEnv, onLine: (line: string) => void, timeoutMs = 60_000): RelayProcess {
  const started = performance.now();
  const child = spawn(process.execPath, [RELAY_BIN, "start"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: process.env.TMPDIR, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | NodeJS.Signals>((resolve) => child.once("exit", (code, signal) => resolve(signal ?? code ?? 0)));
  let url = "";
  let startupMs = NaN;
  let ending = false;
  let listening: ((address: string) => void) | undefined;
  const address = new Promise<string>((resolve) => (listening = resolve));
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (line) => {
      onLine(line);
      tail.push(line);
      if (tail.length > 20) tail.shift();
      const match = /^Relay listening on (\S+)/.exec(line);
      if (match) listening?.(match[1]);
    });
  }

  const ready = (async () => {
    let timer: NodeJS.Timeout | undefined;
    const failure = exited.then((code) => {
      throw new Error(ending ? `The relay was stopped (${code}) before it was ready.` : `The relay exited (${code}) before it was ready:\n${tail.join("\n")}`);
    });
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The relay was not ready within ${timeoutMs} ms:\n${tail.join("\n")}`)), timeoutMs);
    });
    try {
      const found = await Promise.race([address, failure, deadline]);
      await Promise.race([untilReady(found, () => ending), failure, deadline]);
      url = found;
      startupMs = performance.now() - started;
    } catch (error) {
      child.kill("SIGKILL");
      throw error;
    } finally {
      clearTimeout(timer);
    }
  })();
  // A relay killed while starting is not an unhandled failure; whoever waits on `ready` still hears of it.
  ready.catch(() => undefined);

  return {
    pid: child.pid!,
    get url() {
      return url;
    },
    ready,
    get startupMs() {
      return startupMs;
    },
    exited,
    get ending() {
      return ending;
    },
    async kill() {
      ending = true;
      child.kill("SIGKILL");
      await exited;
    },
    async stop() {
      ending = true;
      child.kill("SIGTERM");
      await exited;
    },
  };
}

async function untilReady(url: string, abandoned: () => boolean): Promise<void> {
  while (!abandoned()) {
    const ready = await fetch(`${url}/readyz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** CPU seconds (user + system) and resident memory of a running process, from /proc (Linux). */
export async function processUsage(pid: number): Promise<{ cpuSeconds: number; rssBytes: number }> {
  const stat = await readFile(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name, which is in parentheses and may contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticksPerSecond = 100;
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? 0);
  return { cpuSeconds, rssBytes: rssKb * 1024 };
}
