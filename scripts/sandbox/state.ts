/**
 * What the sandbox keeps between starts (PRODUCT.md §5: "Second start reuses the data"). The data
 * folder holds one Partner Center and any number of Dynamics 365 environments (`--environment`),
 * as a partner's staging and production orgs share its one Partner Center account:
 *
 *     partner-center.json                     the Partner Center emulator's snapshot
 *     environments/<name>/dataverse.json      that environment's Dataverse snapshot and sample ids
 *     environments/<name>/relay/              the relay's database for that environment
 *
 * Each file is written whole to a temporary name and renamed over the old one, so a crash mid-write
 * leaves the previous save intact. One sandbox at a time uses a data folder (`lockSandboxDataDir`).
 */
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { checkSnapshot as checkDataverseSnapshot, type DataverseSnapshot } from "../../emulators/dataverse/src";
import { checkSnapshot as checkPartnerCenterSnapshot, type PartnerCenterSnapshot } from "../../emulators/partner-center/src";
import { DataDirBusyError, lockDataDir, type DataDirLock } from "../../relay/src/composition/data-dir-lock";
import type { SampleData } from "./sample-data";

export const PARTNER_CENTER_FILE = "partner-center.json";
export const ENVIRONMENT_FILE = "dataverse.json";
const SANDBOX_LOCK_FILE = "sandbox.lock";
/** What an earlier sandbox kept, all environments in one: told apart so the user learns what to do. */
const EARLIER_LAYOUT_FILE = "sandbox.json";
const VERSION = 2;

export interface PartnerCenterState {
  format: "cosell-sandbox-partner-center";
  version: typeof VERSION;
  savedAt: string;
  partnerCenter: PartnerCenterSnapshot;
}

export interface EnvironmentState {
  format: "cosell-sandbox-environment";
  version: typeof VERSION;
  savedAt: string;
  /** The sample records' ids, which the e2e tests and the harness's links refer to. */
  sample: SampleData;
  dataverse: DataverseSnapshot;
}

/** What a start finds: either part may be missing (a first start, a new environment, after --reset). */
export interface SavedState {
  partnerCenter?: PartnerCenterState;
  environment?: EnvironmentState;
}

export class SandboxStateError extends Error {
  override readonly name = "SandboxStateError";
}

const RESET_HINT = 'Start again from the sample data with "npm start -- --reset" (this deletes the saved data of every environment).';

export const environmentDir = (dataDir: string, environment: string): string => path.join(dataDir, "environments", environment);
export const relayDataDir = (dataDir: string, environment: string): string => path.join(environmentDir(dataDir, environment), "relay");

export function partnerCenterState(partnerCenter: PartnerCenterSnapshot): PartnerCenterState {
  return { format: "cosell-sandbox-partner-center", version: VERSION, savedAt: new Date().toISOString(), partnerCenter };
}

export function environmentState(parts: Pick<EnvironmentState, "sample" | "dataverse">): EnvironmentState {
  return { format: "cosell-sandbox-environment", version: VERSION, savedAt: new Date().toISOString(), ...parts };
}

export async function readState(dataDir: string, environment: string): Promise<SavedState> {
  if (existsSync(path.join(dataDir, EARLIER_LAYOUT_FILE))) {
    throw new SandboxStateError(`The data in ${dataDir} was saved by an earlier version of the sandbox, which kept one environment only. ${RESET_HINT}`);
  }
  const partnerCenter = await readFileOf(path.join(dataDir, PARTNER_CENTER_FILE), (state: Partial<PartnerCenterState>) => {
    if (state.format !== "cosell-sandbox-partner-center" || state.version !== VERSION) throw new Error(`it is not a version ${VERSION} Partner Center state file`);
    checkPartnerCenterSnapshot(state.partnerCenter);
    return state as PartnerCenterState;
  });
  const file = path.join(environmentDir(dataDir, environment), ENVIRONMENT_FILE);
  const saved = await readFileOf(file, (state: Partial<EnvironmentState>) => {
    if (state.format !== "cosell-sandbox-environment" || state.version !== VERSION) throw new Error(`it is not a version ${VERSION} environment state file`);
    if (typeof state.sample?.opportunities !== "object") throw new Error("the sample record ids are missing");
    checkDataverseSnapshot(state.dataverse);
    return state as EnvironmentState;
  });
  // The environment's records and its relay's links point at referrals only that Partner Center has.
  if (saved && !partnerCenter) {
    throw new SandboxStateError(`The sandbox's saved data (${dataDir}) has the ${environment} environment but not the Partner Center it syncs with (${PARTNER_CENTER_FILE} is missing). ${RESET_HINT}`);
  }
  return { partnerCenter, environment: saved };
}

async function readFileOf<T, S>(file: string, check: (state: Partial<S>) => T): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SandboxStateError(`The sandbox's saved data (${file}) cannot be read: ${(error as Error).message}`);
  }
  try {
    return check(JSON.parse(text) as Partial<S>);
  } catch (error) {
    throw new SandboxStateError(`The sandbox's saved data (${file}) is damaged: ${(error as Error).message}. ${RESET_HINT}`);
  }
}

/** Writes both parts, each atomically: a temporary file in the same folder, renamed over the old one. */
export async function writeState(dataDir: string, environment: string, state: Required<SavedState>): Promise<void> {
  await writeAtomically(path.join(dataDir, PARTNER_CENTER_FILE), state.partnerCenter);
  await writeAtomically(path.join(environmentDir(dataDir, environment), ENVIRONMENT_FILE), state.environment);
}

async function writeAtomically(file: string, content: unknown): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, JSON.stringify(content));
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Held while a sandbox runs: two sandboxes on one folder would overwrite each other's Partner
 * Center, whatever environments they run.
 */
export async function lockSandboxDataDir(dataDir: string, environment: string): Promise<DataDirLock> {
  try {
    return await lockDataDir(dataDir, `npm start, environment ${environment}`, SANDBOX_LOCK_FILE);
  } catch (error) {
    if (!(error instanceof DataDirBusyError)) throw error;
    const { pid, purpose, since } = error.holder;
    throw new SandboxStateError(
      `The sandbox's data folder ${dataDir} is in use by process ${pid} (${purpose}, since ${since}). ` +
        "Stop that sandbox first (Ctrl+C), or give this one a folder of its own with --data-dir.",
    );
  }
}

/**
 * Makes sure no relay (a CLI command) uses the environment's relay folder, then runs `work` while
 * holding the relay's lock on it.
 */
export async function withRelayDataDirLocked<T>(dataDir: string, environment: string, purpose: string, work: () => Promise<T>): Promise<T> {
  const lock = await lockDataDir(relayDataDir(dataDir, environment), purpose);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}

/** Deletes what a start would otherwise continue from in an environment: its snapshot and relay database. */
export async function forgetEnvironment(dataDir: string, environment: string): Promise<void> {
  await rm(path.join(environmentDir(dataDir, environment), ENVIRONMENT_FILE), { force: true });
  await rm(path.join(relayDataDir(dataDir, environment), "pglite"), { recursive: true, force: true });
}

/**
 * `--reset`: Partner Center and every environment start again from the sample data, as one
 * environment's links would otherwise point at referrals the reset deleted. Only what the sandbox
 * writes is deleted (the folder may be one the user named with --data-dir). The caller holds the
 * sandbox lock.
 */
export async function resetDataDir(dataDir: string): Promise<void> {
  const environments = path.join(dataDir, "environments");
  const names = await readdir(environments).catch(() => [] as string[]);
  for (const name of names) {
    await withRelayDataDirLocked(dataDir, name, "npm start -- --reset", () => forgetEnvironment(dataDir, name));
    await rm(relayDataDir(dataDir, name), { recursive: true, force: true });
    await rmdir(environmentDir(dataDir, name)).catch(() => undefined);
  }
  await rmdir(environments).catch(() => undefined);
  await rm(path.join(dataDir, PARTNER_CENTER_FILE), { force: true });
  if (existsSync(path.join(dataDir, EARLIER_LAYOUT_FILE))) {
    await rm(path.join(dataDir, EARLIER_LAYOUT_FILE));
    await rm(path.join(dataDir, "relay"), { recursive: true, force: true });
  }
}

/**
 * Saves on a timer and once more when stopped. A save never overlaps another; one that fails is
 * reported and retried on the next tick rather than stopping the sandbox.
 */
export class StateSaver {
  private timer?: NodeJS.Timeout;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: () => Promise<void>,
    private readonly log: (line: string) => void,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.save().catch((error: Error) => this.log(`  Could not save the sandbox's data: ${error.message}`));
    }, intervalMs);
    this.timer.unref();
  }

  save(): Promise<void> {
    const next = this.running.catch(() => undefined).then(this.write);
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
