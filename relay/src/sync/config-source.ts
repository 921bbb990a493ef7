/**
 * The connector's configuration, read from Dataverse environment variables at job time
 * (ARCHITECTURE.md "Configuration") and kept for a short while, so an admin's change applies within
 * seconds without every job reading five variables.
 */
import { parseSyncConfig, type ConfigResult } from "@cosell/core";
import type { DataversePort } from "./ports";

export interface ConfigSource {
  current(): Promise<ConfigResult>;
}

export function cachedConfig(dataverse: DataversePort, ttlMs: number, now: () => number = Date.now): ConfigSource {
  let cached: { at: number; result: Promise<ConfigResult> } | undefined;
  return {
    current() {
      if (!cached || now() - cached.at >= ttlMs) {
        const result = dataverse.environmentValues().then(parseSyncConfig);
        cached = { at: now(), result };
        // A failed read is not remembered: the next job asks again.
        result.catch(() => {
          if (cached?.result === result) cached = undefined;
        });
      }
      return cached.result;
    },
  };
}
