import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataDirBusyError, LOCK_FILE, lockDataDir } from "./data-dir-lock";

describe("data folder lock", () => {
  it("keeps a second holder out, naming the first, until it lets go", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "lock-")), "relay");
    const first = await lockDataDir(dataDir, "cosell-relay start");
    const refused = await lockDataDir(dataDir, "cosell-relay backfill").catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DataDirBusyError);
    expect((refused as Error).message).toContain(`in use by process ${process.pid} (cosell-relay start`);
    await first.release();
    const second = await lockDataDir(dataDir, "cosell-relay backfill");
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), "utf8"))).toMatchObject({ pid: process.pid, purpose: "cosell-relay backfill" });
    await second.release();
  });

  it("takes over a lock left by a process that no longer runs", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "lock-"));
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    writeFileSync(path.join(dataDir, LOCK_FILE), JSON.stringify({ pid: gone, purpose: "cosell-relay start", since: "2025-01-01T00:00:00Z" }));
    const lock = await lockDataDir(dataDir, "cosell-relay doctor");
    expect(JSON.parse(readFileSync(path.join(dataDir, LOCK_FILE), "utf8")).pid).toBe(process.pid);
    await lock.release();
  });
});
