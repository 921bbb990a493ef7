/**
 * Where the CLI's settings come from: a command-line flag wins over an environment variable, which
 * wins over the default. Every setting is read here and nowhere else, so the settings can later
 * move into the relay's central configuration in one step.
 */
import path from "node:path";
import { DEFAULT_REFERRALS_API_URL, DEFAULT_WEBHOOKS_API_URL } from "../partner-center/client";

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

/** Flags shared by the commands (commander's camelCase names of the long options). */
export interface CliFlags {
  partnerCenterUrl?: string;
  publicUrl?: string;
  clientId?: string;
  tenantId?: string;
}

export type PartnerCenterAuthConfig =
  | { kind: "static"; token: string }
  | {
      kind: "device-code";
      clientId: string;
      tenantId: string;
      authorityHost: string;
      cacheFile: string;
      /** Unparsed; the token cache checks it when it first needs it. */
      cacheKey: string | undefined;
    };

export interface PartnerCenterCliConfig {
  referralsApiUrl: string;
  webhooksApiUrl: string;
  /** The relay's public address, when known. */
  publicUrl?: string;
  /** Read on demand, so commands given a token provider need no sign-in settings. */
  auth(): PartnerCenterAuthConfig;
}

export const ENV = {
  partnerCenterUrl: "COSELL_PARTNER_CENTER_URL",
  referralsApiUrl: "COSELL_PC_REFERRALS_API_URL",
  webhooksApiUrl: "COSELL_PC_WEBHOOKS_API_URL",
  publicUrl: "COSELL_PUBLIC_URL",
  accessToken: "COSELL_PC_ACCESS_TOKEN",
  clientId: "COSELL_PC_CLIENT_ID",
  tenantId: "COSELL_PC_TENANT_ID",
  authorityHost: "COSELL_PC_AUTHORITY_HOST",
  tokenCacheFile: "COSELL_PC_TOKEN_CACHE_FILE",
  tokenCacheKey: "COSELL_PC_TOKEN_CACHE_KEY",
} as const;

export const DEFAULT_TOKEN_CACHE_FILE = path.join(".data", "partner-center-token-cache.json");

export function readPartnerCenterConfig(flags: CliFlags, env: NodeJS.ProcessEnv = process.env): PartnerCenterCliConfig {
  // One origin for both APIs (the emulator serves both); otherwise each API has its own host.
  const shared = optionalUrl(flags.partnerCenterUrl ?? env[ENV.partnerCenterUrl], `--partner-center-url / ${ENV.partnerCenterUrl}`);
  const referralsApiUrl = shared ?? optionalUrl(env[ENV.referralsApiUrl], ENV.referralsApiUrl) ?? DEFAULT_REFERRALS_API_URL;
  const webhooksApiUrl = shared ?? optionalUrl(env[ENV.webhooksApiUrl], ENV.webhooksApiUrl) ?? DEFAULT_WEBHOOKS_API_URL;
  const publicUrl = optionalUrl(flags.publicUrl ?? env[ENV.publicUrl], `--public-url / ${ENV.publicUrl}`);
  return { referralsApiUrl, webhooksApiUrl, publicUrl, auth: () => readAuth(flags, env) };
}

export function requirePublicUrl(config: PartnerCenterCliConfig): string {
  if (!config.publicUrl) {
    throw new ConfigError(`The relay's public address is not set: pass --public-url https://relay.example.com or set ${ENV.publicUrl}.`);
  }
  return config.publicUrl;
}

function readAuth(flags: CliFlags, env: NodeJS.ProcessEnv): PartnerCenterAuthConfig {
  const token = env[ENV.accessToken]?.trim();
  if (token) return { kind: "static", token };
  const clientId = (flags.clientId ?? env[ENV.clientId])?.trim();
  const tenantId = (flags.tenantId ?? env[ENV.tenantId])?.trim();
  if (!clientId || !tenantId) {
    throw new ConfigError(
      `Partner Center sign-in is not configured: set ${ENV.clientId} and ${ENV.tenantId} (or --client-id / --tenant-id) ` +
        `to the Entra ID app registration used for Partner Center, or set ${ENV.accessToken} to use a token you already have.`,
    );
  }
  return {
    kind: "device-code",
    clientId,
    tenantId,
    authorityHost: optionalUrl(env[ENV.authorityHost], ENV.authorityHost) ?? "https://login.microsoftonline.com",
    cacheFile: env[ENV.tokenCacheFile]?.trim() || DEFAULT_TOKEN_CACHE_FILE,
    cacheKey: env[ENV.tokenCacheKey],
  };
}

function optionalUrl(value: string | undefined, name: string): string | undefined {
  const trimmed = value?.trim();
  if (!trimmed) return undefined;
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ConfigError(`${name} must be an absolute URL such as https://example.com, got "${trimmed}".`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new ConfigError(`${name} must be an http(s) URL, got "${trimmed}".`);
  return url.href.replace(/\/+$/, "");
}
