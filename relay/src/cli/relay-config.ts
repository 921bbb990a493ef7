/**
 * The relay's one configuration, as every command reads it: the config file named by `--config`
 * (or COSELL_CONFIG), the secrets file, the environment, and the program's global flags on top.
 */
import type { Command } from "commander";
import { partnerCenterClient, type RelayDependencies } from "../composition/parts";
import { ConfigError, loadConfig } from "../config/load";
import type { RelayConfig } from "../config/schema";
import { createLogger } from "../observability/logger";
import type { PartnerCenterClient } from "../partner-center/client";
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
    ...(config
      ? { logger: createLogger({ level: config.logLevel, secretHeaders: config.dataverseWebhook ? [config.dataverseWebhook.header] : [], destination: process.stderr }) }
      : {}),
  };
}

/**
 * The Partner Center client of a command, signed in as the configuration (or the given token
 * provider) says. It logs nothing: the command reports each failure itself, and an expected 404
 * (no registration yet) is not a warning.
 */
export function partnerCenterFor(config: RelayConfig, context: CliContext): PartnerCenterClient {
  return partnerCenterClient(config, relayDependenciesFor(context));
}

export function requirePublicUrl(config: RelayConfig): string {
  if (!config.publicUrl) {
    throw new ConfigError("The relay's public address is not set: pass --public-url https://relay.example.com or set COSELL_PUBLIC_URL (config file: publicUrl).");
  }
  return config.publicUrl;
}
