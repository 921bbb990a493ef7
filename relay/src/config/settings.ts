/**
 * Every setting the relay reads: where it sits in the JSON config file, the environment variable
 * that overrides it, and whether it is a secret. Secrets come only from the environment or the
 * secrets file, so a config file can be checked in and shared without leaking anything.
 */

export interface Setting {
  /** Dotted path in the JSON config file, e.g. `dataverse.url`. */
  path: string;
  /** Environment variable, e.g. `COSELL_DATAVERSE_URL`. */
  env: string;
  secret?: boolean;
  /** A list: comma-separated in the environment, a JSON array (or comma-separated string) in a file. */
  list?: boolean;
}

export const SETTINGS = [
  { path: "publicUrl", env: "COSELL_PUBLIC_URL" },
  { path: "host", env: "COSELL_HOST" },
  { path: "port", env: "COSELL_PORT" },
  { path: "dataDir", env: "COSELL_DATA_DIR" },
  { path: "databaseUrl", env: "DATABASE_URL", secret: true },
  { path: "logLevel", env: "COSELL_LOG_LEVEL" },
  { path: "corsOrigins", env: "COSELL_CORS_ORIGINS", list: true },
  { path: "sandboxTokenUrl", env: "COSELL_SANDBOX_TOKEN_URL" },

  { path: "partnerCenter.url", env: "COSELL_PARTNER_CENTER_URL" },
  { path: "partnerCenter.referralsApiUrl", env: "COSELL_PC_REFERRALS_API_URL" },
  { path: "partnerCenter.webhooksApiUrl", env: "COSELL_PC_WEBHOOKS_API_URL" },
  { path: "partnerCenter.accessToken", env: "COSELL_PC_ACCESS_TOKEN", secret: true },
  { path: "partnerCenter.clientId", env: "COSELL_PC_CLIENT_ID" },
  { path: "partnerCenter.tenantId", env: "COSELL_PC_TENANT_ID" },
  { path: "partnerCenter.authorityHost", env: "COSELL_PC_AUTHORITY_HOST" },
  { path: "partnerCenter.tokenCacheFile", env: "COSELL_PC_TOKEN_CACHE_FILE" },
  { path: "partnerCenter.tokenCacheKey", env: "COSELL_PC_TOKEN_CACHE_KEY", secret: true },
  { path: "partnerCenter.partnerId", env: "COSELL_PC_PARTNER_ID" },
  { path: "partnerCenter.certificateHosts", env: "COSELL_PC_CERTIFICATE_HOSTS", list: true },
  { path: "partnerCenter.certificateSubject", env: "COSELL_PC_CERTIFICATE_SUBJECT" },
  { path: "partnerCenter.certificateRoots", env: "COSELL_PC_CERTIFICATE_ROOTS", list: true },
  { path: "partnerCenter.issuerCertificateHosts", env: "COSELL_PC_ISSUER_CERTIFICATE_HOSTS", list: true },

  { path: "dataverse.url", env: "COSELL_DATAVERSE_URL" },
  { path: "dataverse.tenantId", env: "COSELL_DATAVERSE_TENANT_ID" },
  { path: "dataverse.clientId", env: "COSELL_DATAVERSE_CLIENT_ID" },
  { path: "dataverse.clientSecret", env: "COSELL_DATAVERSE_CLIENT_SECRET", secret: true },
  { path: "dataverse.authority", env: "COSELL_DATAVERSE_AUTHORITY" },
  { path: "dataverse.accessToken", env: "COSELL_DATAVERSE_ACCESS_TOKEN", secret: true },
  { path: "dataverse.webhookHeader", env: "COSELL_DATAVERSE_WEBHOOK_HEADER" },
  { path: "dataverse.webhookSecret", env: "COSELL_DATAVERSE_WEBHOOK_SECRET", secret: true },

  { path: "api.tenantId", env: "COSELL_API_TENANT_ID" },
  { path: "api.clientId", env: "COSELL_API_CLIENT_ID" },
  { path: "api.appIdUri", env: "COSELL_API_APP_ID_URI" },
  { path: "api.authorityHost", env: "COSELL_API_AUTHORITY_HOST" },
  { path: "api.issuers", env: "COSELL_API_ISSUER", list: true },
  { path: "api.jwksUrl", env: "COSELL_API_JWKS_URL" },

  { path: "queue.retryLimit", env: "COSELL_QUEUE_RETRY_LIMIT" },
  { path: "queue.retryDelaySeconds", env: "COSELL_QUEUE_RETRY_DELAY_SECONDS" },
  { path: "queue.reconcileEveryMinutes", env: "COSELL_RECONCILE_MINUTES" },
  { path: "queue.pollingIntervalSeconds", env: "COSELL_QUEUE_POLL_SECONDS" },
  { path: "queue.batchSize", env: "COSELL_QUEUE_BATCH_SIZE" },
  { path: "sync.inlineBudgetSeconds", env: "COSELL_SYNC_INLINE_BUDGET_SECONDS" },
] as const satisfies readonly Setting[];

/** Where the optional JSON config file and secrets file are named. */
export const CONFIG_FILE_ENV = "COSELL_CONFIG";
export const SECRETS_FILE_ENV = "COSELL_SECRETS_FILE";

const byPath = new Map<string, Setting>(SETTINGS.map((setting) => [setting.path, setting]));

export function settingAt(path: string): Setting | undefined {
  return byPath.get(path);
}

/** How a person names the setting in a message: the variable, and the file key beside it. */
export function describeSetting(path: string): string {
  const setting = byPath.get(path);
  if (!setting) return path;
  return setting.secret ? setting.env : `${setting.env} (config file: ${setting.path})`;
}
