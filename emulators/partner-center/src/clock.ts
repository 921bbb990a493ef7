/**
 * The emulator's notion of "now". Referral timestamps, the 14-day expiry of incoming referrals
 * (partner-center-api.md §7.12), the validation-event rate limit and purge (§7.15) all read this
 * clock, so a test can move time forward instead of waiting.
 */
export interface EmulatorClock {
  now(): Date;
  /** Moves the clock forward (or back, with a negative value) by `ms` milliseconds. */
  advance(ms: number): void;
  /** Jumps to an absolute instant. */
  set(instant: Date | string): void;
  /** Called after every advance/set, e.g. to run the expiry sweep. Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
}

/** Starts at real time (or `start`) and then follows real time plus whatever was advanced. */
export function createClock(start?: Date | string): EmulatorClock {
  let offset = start === undefined ? 0 : toMs(start) - Date.now();
  const listeners = new Set<() => void>();
  const changed = () => listeners.forEach((listener) => listener());
  return {
    now: () => new Date(Date.now() + offset),
    advance(ms) {
      if (!Number.isFinite(ms)) throw new RangeError(`clock.advance needs a finite number of milliseconds, got ${ms}`);
      offset += ms;
      changed();
    },
    set(instant) {
      offset = toMs(instant) - Date.now();
      changed();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function toMs(instant: Date | string): number {
  const ms = typeof instant === "string" ? Date.parse(instant) : instant.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not a valid instant: ${String(instant)}`);
  return ms;
}

/**
 * Partner Center writes UTC timestamps with seven fractional digits and `Z`
 * (`2019-02-23T02:05:23.2931817Z`, §2.1). A JavaScript date has milliseconds, so the last four
 * digits come from a per-process counter to keep successive writes distinct and ordered.
 */
let tick = 0;
export function wireTimestamp(date: Date): string {
  tick = (tick + 1) % 10000;
  return date.toISOString().replace(/\.(\d{3})Z$/, (_m, ms: string) => `.${ms}${String(tick).padStart(4, "0")}Z`);
}
