/**
 * The relay's building blocks made from its configuration: the Partner Center client, the Dataverse
 * connection, the database. The relay (`createRelay`) and the CLI commands assemble what they need
 * from these, so both run the same code against the same settings.
 */
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { requireSections } from "../config/require";
import type { DataverseCredentials, PartnerCenterAuth, RelayConfig } from "../config/schema";
import { DataverseConnection } from "../dataverse/connection";
import type { RetryPolicy as DataverseRetryPolicy } from "../dataverse/retry";
import type { TokenProvider as DataverseTokenProvider, ClientCredentials } from "../dataverse/tokens";
import { openDatabase, type Database } from "../db/database";
import { createPartnerCenterClient, type PartnerCenterClient, type PartnerCenterClientOptions } from "../partner-center/client";
import { DeviceCodeTokenProvider } from "../partner-center/device-code-token-provider";
import { EncryptedTokenCache, tokenCacheKeyFromSecret } from "../partner-center/token-cache";
import { staticTokenProvider, type TokenProvider } from "../partner-center/tokens";
import type { Logger } from "../observability/logger";
import { lockDataDir, type DataDirLock } from "./data-dir-lock";

/** What tests and embedders may put in place of what the configuration would build. */
export interface RelayDependencies {
  logger?: Logger;
  /** Partner Center tokens from somewhere else than the configured sign-in. */
  partnerCenterTokenProvider?: TokenProvider;
  /** Extra Partner Center client settings (retry budget, fetch, sleep). */
  partnerCenterClientOptions?: Partial<PartnerCenterClientOptions>;
  /** Dataverse tokens from somewhere else than the configured credentials. */
  dataverseTokenProvider?: DataverseTokenProvider;
  dataverseRetry?: Partial<DataverseRetryPolicy>;
  now?: () => Date;
  /** What holds the data folder, as a second process is told (e.g. "cosell-relay backfill"). */
  purpose?: string;
}

export function partnerCenterTokenProvider(auth: PartnerCenterAuth, logger?: Logger): TokenProvider {
  if (auth.kind === "static") return staticTokenProvider(auth.token);
  return deviceCodeTokenProvider(auth, logger);
}

export function deviceCodeTokenProvider(auth: Extract<PartnerCenterAuth, { kind: "device-code" }>, logger?: Logger): DeviceCodeTokenProvider {
  const cache = new EncryptedTokenCache(path.resolve(auth.cacheFile), tokenCacheKeyFromSecret(auth.cacheKey, "COSELL_PC_TOKEN_CACHE_KEY"));
  return new DeviceCodeTokenProvider({ clientId: auth.clientId, tenantId: auth.tenantId, authorityHost: auth.authorityHost, cache, logger });
}

/** Throws a ConfigError naming the settings when neither the configuration nor the dependencies say how to get a token. */
export function partnerCenterClient(config: RelayConfig, dependencies: RelayDependencies = {}, logger?: Logger): PartnerCenterClient {
  const tokenProvider = dependencies.partnerCenterTokenProvider ?? partnerCenterTokenProvider(requireSections(config, ["partnerCenter"]).partnerCenter.auth, logger);
  return createPartnerCenterClient({
    referralsApiUrl: config.partnerCenter.referralsApiUrl,
    webhooksApiUrl: config.partnerCenter.webhooksApiUrl,
    tokenProvider,
    logger: logger?.child({ component: "partner-center" }),
    ...dependencies.partnerCenterClientOptions,
  });
}

export function dataverseConnection(
  dataverse: NonNullable<RelayConfig["dataverse"]>,
  dependencies: RelayDependencies = {},
  logger?: Logger,
): DataverseConnection {
  return DataverseConnection.connect({
    environmentUrl: dataverse.environmentUrl,
    credentials: dependencies.dataverseTokenProvider ?? dataverseCredentials(dataverse.credentials),
    logger: logger?.child({ component: "dataverse" }),
    retry: dependencies.dataverseRetry,
  });
}

function dataverseCredentials(credentials: DataverseCredentials): ClientCredentials | DataverseTokenProvider {
  if (credentials.kind === "static") return { getToken: async () => credentials.token };
  const { tenantId, clientId, clientSecret, authority } = credentials;
  return { tenantId, clientId, clientSecret, ...(authority ? { authority } : {}) };
}

export interface Storage {
  db: Database;
  /** Where the data lives, for messages: the data folder or the PostgreSQL host. */
  location: string;
  close(): Promise<void>;
}

/**
 * PostgreSQL when DATABASE_URL is set, otherwise PGlite under the data folder, locked against a
 * second process for as long as it is open.
 */
export async function openStorage(config: RelayConfig, purpose: string): Promise<Storage> {
  if (config.databaseUrl) {
    const db = await openDatabase({ databaseUrl: config.databaseUrl });
    return { db, location: `PostgreSQL at ${postgresHost(config.databaseUrl)}`, close: () => db.close() };
  }
  const dataDir = path.resolve(config.dataDir);
  const lock: DataDirLock = await lockDataDir(dataDir, purpose);
  try {
    const pgliteDir = path.join(dataDir, "pglite");
    await mkdir(pgliteDir, { recursive: true });
    const db = await openDatabase({ dataDir: pgliteDir });
    return {
      db,
      location: pgliteDir,
      async close() {
        try {
          await db.close();
        } finally {
          await lock.release();
        }
      },
    };
  } catch (error) {
    await lock.release();
    throw error;
  }
}

/** Host and database of a connection string, without the user or password. */
function postgresHost(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.host}${url.pathname}`;
  } catch {
    return "the configured server";
  }
}
