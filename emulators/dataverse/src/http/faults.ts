/**
 * Fault injection for reliability tests: answer matching requests with a given status/error
 * (5xx, 429 with Retry-After, 412…) a number of times, or hold requests in flight until
 * released (to exercise concurrency limits and timeouts without timing).
 */
import { DataverseError } from "../errors";

export interface FaultRule {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** Matches the resource path below the service root (substring or pattern); any when omitted. */
  path?: string | RegExp;
  status: number;
  code?: string;
  message?: string;
  /** Adds a Retry-After header (seconds). */
  retryAfter?: number;
  /** How many matching requests fail (default 1). */
  times?: number;
}

export class FaultInjector {
  private rules: Array<FaultRule & { remaining: number }> = [];
  private holds: Array<{ release: () => void; released: Promise<void> }> = [];

  inject(rule: FaultRule): void {
    this.rules.push({ ...rule, remaining: rule.times ?? 1 });
  }

  /** Holds every request that arrives from now on (after admission) until the returned function is called. */
  hold(): () => void {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const entry = { release, released };
    this.holds.push(entry);
    return () => {
      this.holds = this.holds.filter((h) => h !== entry);
      release();
    };
  }

  clear(): void {
    this.rules = [];
    for (const hold of this.holds.splice(0)) hold.release();
  }

  /** Waits for active holds, then fails with an injected fault if one matches. */
  async apply(method: string, path: string): Promise<void> {
    await Promise.all(this.holds.map((h) => h.released));
    const rule = this.rules.find((r) => r.remaining > 0 && (!r.method || r.method.toUpperCase() === method) && matches(r.path, path));
    if (!rule) return;
    rule.remaining--;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    const headers: Record<string, string> = rule.retryAfter !== undefined ? { "Retry-After": String(rule.retryAfter) } : {};
    throw new DataverseError(rule.status, rule.code ?? "", rule.message ?? `Injected fault: HTTP ${rule.status}.`, headers);
  }
}

function matches(pattern: string | RegExp | undefined, path: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === "string" ? path.includes(pattern) : pattern.test(path);
}
