/** Request counts, so benchmarks and tests can see how many calls a client made and of what kind. */

export interface CounterSnapshot {
  /** HTTP requests received on the Web API (a $batch is one). */
  requests: number;
  /** Operations executed, counting each part of a $batch. */
  operations: number;
  batches: number;
  throttled: number;
  unauthorized: number;
  /** Keyed by "METHOD resource", e.g. "GET opportunities", "PATCH opportunities", "POST WinOpportunity". */
  byOperation: Record<string, number>;
}

export class RequestCounters {
  private state: CounterSnapshot = RequestCounters.empty();

  private static empty(): CounterSnapshot {
    return { requests: 0, operations: 0, batches: 0, throttled: 0, unauthorized: 0, byOperation: {} };
  }

  request(): void {
    this.state.requests++;
  }

  operation(method: string, path: string): void {
    this.state.operations++;
    const resource = path.split(/[/(?]/)[0] || "/";
    const key = `${method.toUpperCase()} ${resource}`;
    this.state.byOperation[key] = (this.state.byOperation[key] ?? 0) + 1;
  }

  batch(): void {
    this.state.batches++;
  }

  throttledRequest(): void {
    this.state.throttled++;
  }

  unauthorizedRequest(): void {
    this.state.unauthorized++;
  }

  snapshot(): CounterSnapshot {
    return structuredClone(this.state);
  }

  reset(): void {
    this.state = RequestCounters.empty();
  }
}
