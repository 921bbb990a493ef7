/**
 * Running totals of Dataverse traffic for the relay's metrics endpoint and `doctor`: one object per
 * connection, read with `snapshot()`; the metrics module turns them into Prometheus counters.
 */
export interface DataverseCallTotals {
  /** HTTP requests sent, retries included. */
  calls: number;
  /** 429 answers received (each one, whether or not a retry then succeeded). */
  throttles: number;
  /** Requests repeated after a 429, a transient 5xx or a dropped connection. */
  retries: number;
  /** Calls that ended in an error after retries. */
  failures: number;
}

export class DataverseCounters {
  private totals: DataverseCallTotals = { calls: 0, throttles: 0, retries: 0, failures: 0 };

  count(what: keyof DataverseCallTotals): void {
    this.totals[what] += 1;
  }

  snapshot(): DataverseCallTotals {
    return { ...this.totals };
  }
}
