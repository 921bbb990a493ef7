import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startDataverseEmulator } from "../../emulators/dataverse/src";
import { startPartnerCenterEmulator } from "../../emulators/partner-center/src";
import { newState, readState, relayDataDir, resetDataDir, STATE_FILE, writeState, type SandboxState } from "./state";

let dir: string;
let state: SandboxState;

beforeAll(async () => {
  const [dv, pc] = [await startDataverseEmulator(), await startPartnerCenterEmulator()];
  try {
    const sample = { currencies: {}, accounts: {}, contacts: {}, opportunities: { cloud: "6f2b8a51-0000-4000-8000-000000000001" }, solutions: {} };
    state = newState({ sample, dataverse: dv.snapshot(), partnerCenter: pc.snapshot() });
  } finally {
    await dv.stop();
    await pc.stop();
  }
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "cosell-sandbox-state-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test("no saved data on a first start; what was written reads back, with no temporary file left", async () => {
  expect(await readState(dir)).toBeUndefined();
  await writeState(dir, state);
  await writeState(dir, state);
  expect(await readState(dir)).toEqual(state);
  expect(await readdir(dir)).toEqual([STATE_FILE]);
});

test("damaged saved data is named, with the way to start again", async () => {
  await writeFile(path.join(dir, STATE_FILE), '{"format":"cosell-sandbox-state","version":1,"sample":{"opportunities":{}},"dataverse":{}');
  await expect(readState(dir)).rejects.toThrow(/sandbox\.json\) is damaged: .*"npm start -- --reset"/);
  await writeState(dir, { ...state, partnerCenter: { ...state.partnerCenter, referrals: "none" } } as unknown as SandboxState);
  await expect(readState(dir)).rejects.toThrow("Partner Center emulator snapshot is damaged: referrals");
});

test("--reset deletes the saved data and the relay's database, and nothing else in the folder", async () => {
  await writeState(dir, state);
  await mkdir(path.join(relayDataDir(dir), "pglite"), { recursive: true });
  await writeFile(path.join(relayDataDir(dir), "pglite", "PG_VERSION"), "17");
  await writeFile(path.join(dir, "notes.txt"), "mine");
  await resetDataDir(dir);
  expect(await readdir(dir)).toEqual(["notes.txt"]);
  expect(await readFile(path.join(dir, "notes.txt"), "utf8")).toBe("mine");
  await rm(path.join(dir, "notes.txt"));
  await resetDataDir(dir);
  expect(existsSync(dir)).toBe(false);
});
