import { FaultController } from "./faults";

describe("FaultController", () => {
  it("throttles exactly the next N requests", () => {
    const faults = new FaultController();
    faults.throttleNext(2, 30);
    expect([faults.decide().kind, faults.decide().kind, faults.decide().kind]).toEqual(["throttle", "throttle", "pass"]);
  });

  it("fails at the configured rate with the configured status and adds latency", () => {
    const values = [0.5, 0.2, 0.5, 0.9];
    const faults = new FaultController({ latency: { fixedMs: 10, jitterMs: 4 }, errors: { rate: 0.5, status: 502 } }, () => values.shift() ?? 0);
    expect(faults.decide()).toEqual({ kind: "error", delayMs: 12, status: 502, retryAfterSeconds: 1 });
    expect(faults.decide()).toEqual({ kind: "pass", delayMs: 12 });
  });

  it("merges partial settings and refuses nonsense", () => {
    const faults = new FaultController();
    faults.set({ dropWebhooks: { next: 1 } });
    expect(faults.current().dropWebhooks).toEqual({ probability: 0, next: 1 });
    expect(faults.dropDelivery()).toBe(true);
    expect(faults.dropDelivery()).toBe(false);
    expect(() => faults.set({ errors: { rate: 1.5 } })).toThrow(/between 0 and 1/);
    expect(() => faults.set({ errors: { status: 418 as never } })).toThrow(/500, 502, 503 or 504/);
    expect(faults.current().errors.rate).toBe(0);
  });
});
