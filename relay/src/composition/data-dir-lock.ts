/**
 * PGlite is PostgreSQL inside one process: two processes opening the same data folder would corrupt
 * it. The relay and every CLI command that opens the database hold this lock file while they do,
 * and a second process is told who holds it instead of breaking the data.
 */
import { mkdir, open, readFile, rm } from "node:fs/promises";
import path from "node:path";

export const LOCK_FILE = "relay.lock";

export class DataDirBusyError extends Error {
  constructor(
    readonly dataDir: string,
    readonly holder: { pid: number; purpose: string; since: string },
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${holder.pid} (${holder.purpose}, since ${holder.since}). ` +
        "Stop that process first, or run the relay on PostgreSQL (DATABASE_URL) so commands can run beside it.",
    );
    this.name = "DataDirBusyError";
  }
}

export interface DataDirLock {
  release(): Promise<void>;
}

/** `lockFile` lets a tool that keeps its own files beside the relay's (the sandbox) lock those too. */
export async function lockDataDir(dataDir: string, purpose: string, lockFile = LOCK_FILE): Promise<DataDirLock> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, lockFile);
  const content = JSON.stringify({ pid: process.pid, purpose, since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, "wx");
      await handle.writeFile(content);
      await handle.close();
      let released = false;
      return {
        async release() {
          if (released) return;
          released = true;
          await rm(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await readHolder(file);
      // Held by this very process counts too: two PGlite instances on one folder break it just the same.
      if (holder && isAlive(holder.pid)) throw new DataDirBusyError(dataDir, holder);
      // Left behind by a process that no longer runs (a crash, a kill -9): take it over.
      await rm(file, { force: true });
    }
  }
  throw new Error(`Could not lock the data folder ${dataDir}: ${file} keeps reappearing.`);
}

async function readHolder(file: string): Promise<{ pid: number; purpose: string; since: string } | undefined> {
  try {
    const parsed = JSON.parse(await readFile(file, "utf8")) as { pid?: unknown; purpose?: unknown; since?: unknown };
    if (typeof parsed.pid !== "number") return undefined;
    return { pid: parsed.pid, purpose: String(parsed.purpose ?? "unknown"), since: String(parsed.since ?? "unknown") };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
