import { LeaseLostError } from "../state";
import { guardedByLeases } from "./lease-guard";

class Port {
  readonly name = "port";
  readonly #calls: string[] = [];
  async write(value: string): Promise<string[]> {
    this.#calls.push(value);
    return this.#calls;
  }
}

describe("ports guarded by the sync's leases", () => {
  it("passes calls through while the leases hold, and refuses them once one is lost", async () => {
    let lost = false;
    const port = guardedByLeases(new Port(), {
      assertLeasesHeld: () => {
        if (lost) throw new LeaseLostError("opportunity:1");
      },
    });
    expect(port.name).toBe("port");
    expect(await port.write("a")).toEqual(["a"]);
    lost = true;
    expect(() => port.write("b")).toThrow(LeaseLostError);
    lost = false;
    expect(await port.write("c")).toEqual(["a", "c"]);
  });
});
