/** Requests by route and status, so a benchmark or a test can count the calls a client made. */
export type CounterSnapshot = Record<string, Record<string, number>>;

export class RequestCounters {
  private counts: CounterSnapshot = {};

  record(method: string, route: string, status: number): void {
    const key = `${method} ${route}`;
    const byStatus = (this.counts[key] ??= {});
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }

  /** e.g. `{ "PATCH /v1.0/engagements/referrals/:id": { "204": 3, "412": 1 } }` */
  snapshot(): CounterSnapshot {
    return structuredClone(this.counts);
  }

  /** Total requests for a route (all statuses), or for one status. */
  count(method: string, route: string, status?: number): number {
    const byStatus = this.counts[`${method} ${route}`] ?? {};
    return status === undefined ? Object.values(byStatus).reduce((a, b) => a + b, 0) : byStatus[status] ?? 0;
  }

  reset(): void {
    this.counts = {};
  }
}
