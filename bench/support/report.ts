/**
 * What a benchmark hands back: its figures as Markdown for RESULTS.md and a few headline lines for
 * the console. Each benchmark prints as it goes; the runner collects the sections.
 */
export interface BenchSection {
  title: string;
  /** Markdown body (tables, notes). */
  markdown: string;
  /** One-line headline figures for the summary at the top. */
  headlines: string[];
}

export interface BenchOptions {
  quick: boolean;
  /** For figures a benchmark prints while it runs. */
  log(line: string): void;
}

export function table(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.map(String).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/**
 * Dataverse's per-user request count limit lifted (concurrency and the rest stay as the platform
 * sets them): a benchmark squeezes a busy tenant's hours into minutes, and one application user may
 * make 6,000 requests per 5 minutes. The throughput benchmark measures the relay against the limit.
 */
export const REQUEST_LIMIT_LIFTED = { maxRequests: 10_000_000, maxExecutionMs: 1e12 };
export const REQUEST_LIMIT_NOTE =
  "Dataverse's per-user request-count limit (6,000 per 5 minutes) is lifted for this run, concurrency limits stay; see the throughput section for runs against the limit.";
