import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDataverseEmulator } from "../../emulators/dataverse/src";
import { startPartnerCenterEmulator } from "../../emulators/partner-center/src";
import {
  ENVIRONMENT_FILE,
  environmentDir,
  environmentState,
  lockSandboxDataDir,
  PARTNER_CENTER_FILE,
  partnerCenterState,
  readState,
  relayDataDir,
  resetDataDir,
  writeState,
  type EnvironmentState,
  type PartnerCenterState,
} from "./state";

let dir: string;
let partnerCenter: PartnerCenterState;
let staging: EnvironmentState;

beforeAll(async () => {
  const [dv, pc] = [await startDataverseEmulator({ organizationName: "contoso-staging" }), await startPartnerCenterEmulator()];
  try {
    const sample = { currencies: {}, accounts: {}, contacts: {}, opportunities: { cloud: "6f2b8a51-0000-4000-8000-000000000001" }, solutions: {} };
    partnerCenter = partnerCenterState(pc.snapshot());
    staging = environmentState({ sample, dataverse: dv.snapshot() });
  } finally {
    await dv.stop();
    await pc.stop();
  }
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cosell-sandbox-state-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test("nothing saved on a first start; what was written reads back, with no temporary file left", async () => {
  expect(await readState(dir, "staging")).toEqual({});
  await writeState(dir, "staging", { partnerCenter, environment: staging });
  await writeState(dir, "staging", { partnerCenter, environment: staging });
  expect(await readState(dir, "staging")).toEqual({ partnerCenter, environment: staging });
  expect(await readdir(dir)).toEqual(["environments", PARTNER_CENTER_FILE]);
  expect(await readdir(environmentDir(dir, "staging"))).toEqual([ENVIRONMENT_FILE]);
});

test("environments share the one Partner Center and keep their own Dataverse", async () => {
  await writeState(dir, "staging", { partnerCenter, environment: staging });
  // A first start of production continues Partner Center and begins its Dataverse from the sample data.
  expect(await readState(dir, "production")).toEqual({ partnerCenter });
});

test("damaged or half-missing saved data is named, with the way to start again", async () => {
  await writeState(dir, "staging", { partnerCenter, environment: staging });
  await writeFile(path.join(environmentDir(dir, "staging"), ENVIRONMENT_FILE), '{"format":"cosell-sandbox-environment","version":2,"sample":{"opportunities":{}},"dataverse":{}');
  await expect(readState(dir, "staging")).rejects.toThrow(/dataverse\.json\) is damaged: .*"npm start -- --reset"/);
  await writeState(dir, "staging", { partnerCenter: { ...partnerCenter, partnerCenter: { ...partnerCenter.partnerCenter, referrals: "none" } } as unknown as PartnerCenterState, environment: staging });
  await expect(readState(dir, "staging")).rejects.toThrow("Partner Center emulator snapshot is damaged: referrals");
  await rm(path.join(dir, PARTNER_CENTER_FILE));
  await expect(readState(dir, "staging")).rejects.toThrow(/has the staging environment but not the Partner Center it syncs with \(partner-center\.json is missing\)/);
});

test("data an earlier sandbox kept in one file is named, and --reset clears it", async () => {
  await writeFile(path.join(dir, "sandbox.json"), "{}");
  await mkdir(path.join(dir, "relay", "pglite"), { recursive: true });
  await expect(readState(dir, "sandbox")).rejects.toThrow(/saved by an earlier version of the sandbox.*"npm start -- --reset"/);
  await resetDataDir(dir);
  expect(await readdir(dir)).toEqual([]);
});

test("--reset deletes every environment's saved data and relay database, Partner Center's, and nothing else", async () => {
  await writeState(dir, "staging", { partnerCenter, environment: staging });
  await writeState(dir, "production", { partnerCenter, environment: staging });
  await mkdir(path.join(relayDataDir(dir, "production"), "pglite"), { recursive: true });
  await writeFile(path.join(relayDataDir(dir, "production"), "pglite", "PG_VERSION"), "17");
  await writeFile(path.join(dir, "notes.txt"), "mine");
  await resetDataDir(dir);
  expect(await readdir(dir)).toEqual(["notes.txt"]);
  expect(await readFile(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  expect(await readState(dir, "production")).toEqual({});
});

test("a second sandbox on the same data folder is told which one holds it", async () => {
  const lock = await lockSandboxDataDir(dir, "staging");
  try {
    await expect(lockSandboxDataDir(dir, "production")).rejects.toThrow(
      new RegExp(`data folder .+ is in use by process ${process.pid} \\(npm start, environment staging, since .+\\)\\. Stop that sandbox first \\(Ctrl\\+C\\), or give this one a folder of its own with --data-dir\\.`),
    );
  } finally {
    await lock.release();
  }
  const again = await lockSandboxDataDir(dir, "production");
  await again.release();
  expect(existsSync(path.join(dir, "sandbox.lock"))).toBe(false);
});
