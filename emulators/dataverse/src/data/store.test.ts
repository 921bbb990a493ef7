import { Store } from "./store";

describe("store transactions", () => {
  it("undoes every row and N:N change of a failed transaction and drops its commit callbacks", () => {
    const store = new Store();
    store.put("account", "a", { name: "Before" });
    store.associate("rel", "o1", "s1");
    const committed: string[] = [];
    expect(() =>
      store.transaction(() => {
        store.put("account", "a", { name: "During" });
        store.put("account", "b", { name: "New" });
        store.remove("account", "a");
        store.associate("rel", "o1", "s2");
        store.disassociate("rel", "o1", "s1");
        store.onCommit(() => committed.push("event"));
        throw new Error("abort");
      }),
    ).toThrow("abort");
    expect(store.get("account", "a")).toEqual({ name: "Before" });
    expect(store.get("account", "b")).toBeUndefined();
    expect(store.related("rel", 1, "o1")).toEqual(["s1"]);
    expect(committed).toEqual([]);
  });

  it("runs commit callbacks once the outermost transaction commits, nested ones joining it", () => {
    const store = new Store();
    const events: string[] = [];
    store.transaction(() => {
      store.transaction(() => store.onCommit(() => events.push("inner")));
      expect(events).toEqual([]);
      store.onCommit(() => events.push("outer"));
    });
    expect(events).toEqual(["inner", "outer"]);
  });

  it("rolls back an asynchronous transaction that rejects", async () => {
    const store = new Store();
    await expect(
      store.transactionAsync(async () => {
        store.put("task", "t1", { subject: "x" });
        await Promise.resolve();
        throw new Error("part failed");
      }),
    ).rejects.toThrow("part failed");
    expect(store.count("task")).toBe(0);
  });
});

describe("store contents", () => {
  it("copies rows, N:N pairs and the row version into another store, which counts on from there", () => {
    const store = new Store();
    store.put("account", "a", { accountid: "a", name: "Contoso", versionnumber: store.nextVersion() });
    store.associate("rel", "o1", "s1");
    const contents = JSON.parse(JSON.stringify(store.contents())) as ReturnType<Store["contents"]>;

    const copy = new Store();
    copy.replaceContents(contents, (table) => `${table}id`);
    expect(copy.get("account", "a")).toEqual(store.get("account", "a"));
    expect(copy.related("rel", 1, "o1")).toEqual(["s1"]);
    expect(copy.nextVersion()).toBe(store.nextVersion());
    store.put("account", "a", { accountid: "a", name: "Changed" });
    expect(copy.get("account", "a")).toMatchObject({ name: "Contoso" });
  });
});
