export { createLogger, redactPaths, type Logger, type LoggerOptions } from "./logger";
export { createMetrics, type EventSource, type JobOutcome, type MetricsOptions, type Platform, type RelayMetrics, type UpstreamTotals } from "./metrics";
