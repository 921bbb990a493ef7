import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openDatabase } from "./database";

describe("openDatabase on PGlite", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "relay-db-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("keeps data in its folder across restarts", async () => {
    const first = await openDatabase({ dataDir: path.join(dir, "keep") });
    await first.query("create table t (v int)");
    await first.query("insert into t values ($1)", [42]);
    await first.close();
    const second = await openDatabase({ dataDir: path.join(dir, "keep") });
    const { rows } = await second.query<{ v: number }>("select v from t");
    expect(rows).toEqual([{ v: 42 }]);
    await second.close();
  });

  it("rolls a failed transaction back whole", async () => {
    const db = await openDatabase({});
    await db.query("create table t (v int primary key)");
    await expect(
      db.transaction(async (tx) => {
        await tx.query("insert into t values (1)");
        await tx.query("insert into t values (1)");
      }),
    ).rejects.toThrow(/duplicate key/);
    expect((await db.query("select count(*)::int as n from t")).rows).toEqual([{ n: 0 }]);
    await db.close();
  });

  it("runs pg-boss style multi-statement scripts", async () => {
    const db = await openDatabase({});
    await db.pgBoss.executeSql("create table a (v int); insert into a values (7); select v from a");
    expect((await db.pgBoss.executeSql("select v from a where v = $1", [7])).rows).toEqual([{ v: 7 }]);
    await db.close();
  });
});
