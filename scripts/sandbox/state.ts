/**
 * What the sandbox keeps between starts (PRODUCT.md §5: "Second start reuses the data"): both
 * emulators' snapshots and the ids of the sample records, in one JSON file beside the relay's own
 * database, so the three always describe the same moment. The file is written whole to a temporary
 * name and renamed over the old one, so a crash mid-write leaves the previous save intact.
 */
import { mkdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkSnapshot as checkDataverseSnapshot, type DataverseSnapshot } from "../../emulators/dataverse/src";
import { checkSnapshot as checkPartnerCenterSnapshot, type PartnerCenterSnapshot } from "../../emulators/partner-center/src";
import { lockDataDir } from "../../relay/src/composition/data-dir-lock";
import type { SampleData } from "./sample-data";

export const STATE_FILE = "sandbox.json";
const FORMAT = "cosell-sandbox-state";
const VERSION = 1;

export interface SandboxState {
  format: typeof FORMAT;
  version: typeof VERSION;
  savedAt: string;
  /** The sample records' ids, which the e2e tests and the harness's links refer to. */
  sample: SampleData;
  dataverse: DataverseSnapshot;
  partnerCenter: PartnerCenterSnapshot;
}

export class SandboxStateError extends Error {
  override readonly name = "SandboxStateError";
}

export const relayDataDir = (dataDir: string): string => path.join(dataDir, "relay");

export function newState(parts: Pick<SandboxState, "sample" | "dataverse" | "partnerCenter">): SandboxState {
  return { format: FORMAT, version: VERSION, savedAt: new Date().toISOString(), ...parts };
}

/** The saved state, or undefined when there is none (a first start, or after --reset). */
export async function readState(dataDir: string): Promise<SandboxState | undefined> {
  const file = path.join(dataDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SandboxStateError(`The sandbox's saved data (${file}) cannot be read: ${(error as Error).message}`);
  }
  try {
    const state = JSON.parse(text) as Partial<SandboxState>;
    if (state.format !== FORMAT || state.version !== VERSION) throw new Error(`it is not a version ${VERSION} sandbox state file`);
    if (typeof state.sample?.opportunities !== "object") throw new Error("the sample record ids are missing");
    checkDataverseSnapshot(state.dataverse);
    checkPartnerCenterSnapshot(state.partnerCenter);
    return state as SandboxState;
  } catch (error) {
    throw new SandboxStateError(
      `The sandbox's saved data (${file}) is damaged: ${(error as Error).message}. ` +
        'Start again from the sample data with "npm start -- --reset" (this deletes the saved data).',
    );
  }
}

/** Writes the state atomically: a temporary file in the same folder, renamed over the old one. */
export async function writeState(dataDir: string, state: SandboxState): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, STATE_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(state));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Makes sure no relay (another sandbox, a CLI command) uses the data folder, then runs `work`
 * while holding the relay's lock on it.
 */
export async function withDataDirLocked<T>(dataDir: string, purpose: string, work: () => Promise<T>): Promise<T> {
  const lock = await lockDataDir(relayDataDir(dataDir), purpose);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/**
 * `--reset`: the saved state and the relay's database go, so the start begins from the sample data.
 * Only what the sandbox writes is deleted (the folder may be one the user named with --data-dir).
 */
export async function resetDataDir(dataDir: string): Promise<void> {
  await withDataDirLocked(dataDir, "npm start -- --reset", async () => {
    await rm(path.join(dataDir, STATE_FILE), { force: true });
    await rm(path.join(relayDataDir(dataDir), "pglite"), { recursive: true, force: true });
  });
  await rm(relayDataDir(dataDir), { recursive: true, force: true });
  await rmdir(dataDir).catch(() => undefined);
}

/**
 * Saves on a timer and once more when stopped. A save never overlaps another; one that fails is
 * reported and retried on the next tick rather than stopping the sandbox.
 */
export class StateSaver {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly collect: () => SandboxState,
    private readonly log: (line: string) => void,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.save().catch((error: Error) => this.log(`  Could not save the sandbox's data: ${error.message}`));
    }, intervalMs);
    this.timer.unref();
  }

  save(): Promise<void> {
    const next = this.running.catch(() => undefined).then(() => writeState(this.dataDir, this.collect()));
    this.running = next;
    return next;
  }

  /** Stops the timer and saves a last time, if the sandbox had finished starting. */
  async stop(): Promise<void> {
    if (!this.timer) return;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.save();
  }
}
