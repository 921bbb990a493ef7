/**
 * A sync that lost its record's lease may share the record with another run by now, so it must not
 * go on reading and writing as if it were alone. Every call through a guarded port first asks the
 * link store whether the leases of the calling sync still hold; the first call after a loss throws
 * LeaseLostError, which ends the run like any failure (the job is retried).
 */
import type { StateStore } from "../state";

export function guardedByLeases<Port extends object>(port: Port, state: Pick<StateStore, "assertLeasesHeld">): Port {
  return new Proxy(port, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        state.assertLeasesHeld();
        // Called on the port itself, not the proxy: adapters may keep private class fields.
        return (value as (...params: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
