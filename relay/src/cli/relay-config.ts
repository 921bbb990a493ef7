/**
 * The relay's full configuration for a command: the config file named by `--config`, the
 * environment, and the program's global flags on top.
 */
import type { Command } from "commander";
import { loadConfig } from "../config/load";
import type { RelayConfig } from "../config/schema";
import type { RelayDependencies } from "../composition/parts";
import { createLogger } from "../observability/logger";
import type { CliContext } from "./context";

interface GlobalFlags {
  config?: string;
  partnerCenterUrl?: string;
  publicUrl?: string;
  clientId?: string;
  tenantId?: string;
}

export function relayConfigFor(command: Command, context: CliContext): RelayConfig {
  const flags = command.optsWithGlobals<GlobalFlags>();
  return loadConfig({
    env: context.env,
    configFile: flags.config,
    overrides: {
      "partnerCenter.url": flags.partnerCenterUrl,
      publicUrl: flags.publicUrl,
      "partnerCenter.clientId": flags.clientId,
      "partnerCenter.tenantId": flags.tenantId,
    },
  });
}

/**
 * What the CLI's own dependencies (a token provider, client settings) mean for the relay's parts.
 * A command's log goes to standard error, so its standard output stays the report a person reads.
 */
export function relayDependenciesFor(context: CliContext, config?: RelayConfig): RelayDependencies {
  return {
    partnerCenterTokenProvider: context.dependencies.tokenProvider,
    partnerCenterClientOptions: context.dependencies.clientOptions,
    ...(config ? { logger: createLogger({ level: config.logLevel, destination: process.stderr }) } : {}),
  };
}
