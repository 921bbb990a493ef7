/**
 * What every command needs: where to print, the settings, and a Partner Center client built from
 * them. Tests and embedders pass their own pieces through CliDependencies.
 */
import type { Command } from "commander";
import { createPartnerCenterClient, type PartnerCenterClient, type PartnerCenterClientOptions } from "../partner-center/client";
import { DeviceCodeTokenProvider } from "../partner-center/device-code-token-provider";
import { EncryptedTokenCache, tokenCacheKeyFromSecret } from "../partner-center/token-cache";
import { staticTokenProvider, type TokenProvider } from "../partner-center/tokens";
import { ConfigError, ENV, readPartnerCenterConfig, type CliFlags, type PartnerCenterAuthConfig, type PartnerCenterCliConfig } from "./config";

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliDependencies {
  io?: CliIo;
  env?: NodeJS.ProcessEnv;
  /** Used instead of the configured token source. */
  tokenProvider?: TokenProvider;
  /** Extra client settings (retry budget, fetch, hooks). */
  clientOptions?: Partial<PartnerCenterClientOptions>;
  /** Waits between status polls; replaceable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
}

export interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
  sleep: (ms: number) => Promise<void>;
  dependencies: CliDependencies;
}

/** A failure the person can act on: printed as is, without a stack, and the command exits non-zero. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliFailure";
  }
}

export const consoleIo: CliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export function configFor(command: Command, context: CliContext): PartnerCenterCliConfig {
  return readPartnerCenterConfig(command.optsWithGlobals<CliFlags>(), context.env);
}

export function partnerCenterFor(config: PartnerCenterCliConfig, context: CliContext): PartnerCenterClient {
  return createPartnerCenterClient({
    referralsApiUrl: config.referralsApiUrl,
    webhooksApiUrl: config.webhooksApiUrl,
    tokenProvider: context.dependencies.tokenProvider ?? tokenProviderFor(config.auth()),
    ...context.dependencies.clientOptions,
  });
}

export function tokenProviderFor(auth: PartnerCenterAuthConfig): TokenProvider {
  return auth.kind === "static" ? staticTokenProvider(auth.token) : deviceCodeProviderFor(auth);
}

export function deviceCodeProviderFor(auth: PartnerCenterAuthConfig): DeviceCodeTokenProvider {
  if (auth.kind !== "device-code") {
    throw new ConfigError(`Signing in needs ${ENV.clientId} and ${ENV.tenantId}; unset ${ENV.accessToken} to use them.`);
  }
  const cache = new EncryptedTokenCache(auth.cacheFile, tokenCacheKeyFromSecret(auth.cacheKey, ENV.tokenCacheKey));
  return new DeviceCodeTokenProvider({ clientId: auth.clientId, tenantId: auth.tenantId, authorityHost: auth.authorityHost, cache });
}
