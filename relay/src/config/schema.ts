/**
 * The relay's settings as a zod schema: every value is checked and normalised at start-up, and the
 * result is the typed `RelayConfig` the rest of the relay reads. Messages say what is wrong; the
 * loader puts the variable's name in front.
 */
import type { X509Certificate } from "node:crypto";
import { z } from "zod";
import { MICROSOFT_CERTIFICATE_HOST, MICROSOFT_ISSUER_CERTIFICATE_HOSTS } from "../webhooks/certificate-store";
import { microsoftRootCertificates, readTrustedRoots } from "../webhooks/trusted-roots";
import { DEFAULT_REFERRALS_API_URL, DEFAULT_WEBHOOKS_API_URL } from "../partner-center/client";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);
const ENTRA_ID = "https://login.microsoftonline.com";
/** The subject Partner Center's dispatch certificate names (partner-center-api.md §4.4). */
export const PARTNER_CENTER_CERTIFICATE_SUBJECT = "pcnotifications-dispatch.microsoft.com";
export const DEFAULT_DATA_DIR = ".data/relay";
export const DEFAULT_PORT = 8080;
export const DEFAULT_WEBHOOK_HEADER = "x-cosell-webhook-secret";

const text = z.string().trim().min(1, "must not be empty");
const secret = z.string().min(1, "must not be empty");

/** An absolute URL without a trailing slash; https is required unless `http` allows plain http. */
function url(http: "any-host" | "loopback-only" | "never") {
  return text.transform((value, ctx) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      ctx.addIssue({ code: "custom", message: `must be an absolute URL such as https://example.com, got "${value}"` });
      return z.NEVER;
    }
    const plainHttpAllowed = http === "any-host" || (http === "loopback-only" && LOOPBACK.has(parsed.hostname));
    if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && plainHttpAllowed)) {
      const loopback = http === "loopback-only" ? " (plain http only on 127.0.0.1/localhost, for a local emulator)" : "";
      ctx.addIssue({ code: "custom", message: `must be an https URL${loopback}, got "${value}"` });
      return z.NEVER;
    }
    if (parsed.username || parsed.password) {
      ctx.addIssue({ code: "custom", message: "must not carry a user name or password" });
      return z.NEVER;
    }
    return parsed.href.replace(/\/+$/, "");
  });
}

/** `a,b,c` from the environment, or an array in a file. */
function list<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (value) =>
      typeof value === "string"
        ? value
            .split(",")
            .map((part) => part.trim())
            .filter(Boolean)
        : value,
    z.array(item, { error: "must be a list (comma-separated, or a JSON array in the config file)" }),
  );
}

function whole(min: number, max: number) {
  return z.coerce
    .number({ error: "must be a number" })
    .refine((n) => Number.isInteger(n) && n >= min && n <= max, { message: `must be a whole number from ${min} to ${max}` });
}

const origin = text.transform((value, ctx) => {
  try {
    const parsed = new URL(value);
    if ((parsed.protocol === "https:" || parsed.protocol === "http:") && parsed.pathname === "/" && !parsed.search && !parsed.hash) return parsed.origin;
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: `must list origins such as https://contoso.crm.dynamics.com (scheme and host, no path), got "${value}"` });
  return z.NEVER;
});

const tenant = text.refine((value) => GUID.test(value) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value), {
  message: "must be a directory (tenant) id: a GUID, or a domain such as contoso.onmicrosoft.com",
});
const guid = (what: string) => text.refine((value) => GUID.test(value), { message: `must be ${what} (a GUID)` });

/**
 * PEM files of the roots webhook signing certificates must chain to, read now so a missing or
 * broken file stops the start; unset, Microsoft's roots from Node's CA bundle.
 */
const trustedRoots = list(text)
  .optional()
  .transform((files, ctx): X509Certificate[] => {
    if (!files?.length) {
      const bundled = microsoftRootCertificates();
      if (bundled.length) return bundled;
      ctx.addIssue({
        code: "custom",
        message: "is not set and Node's CA bundle holds no Microsoft Corporation root: name the PEM file(s) of the roots Partner Center's signing certificate chains to (Microsoft RSA Root Certificate Authority 2017)",
      });
      return z.NEVER;
    }
    try {
      return readTrustedRoots(files);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: `cannot be used: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

const rawSchema = z.object({
  publicUrl: url("any-host").optional(),
  host: text.default("127.0.0.1"),
  port: whole(0, 65535).default(DEFAULT_PORT),
  dataDir: text.default(DEFAULT_DATA_DIR),
  databaseUrl: secret
    .refine((value) => /^postgres(ql)?:\/\//i.test(value.trim()), { message: "must be a PostgreSQL connection string (postgres://user:password@host:5432/database)" })
    .optional(),
  logLevel: z
    .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be one of fatal, error, warn, info, debug, trace, silent" })
    .default("info"),
  corsOrigins: list(origin).default([]),
  sandboxTokenUrl: url("loopback-only").optional(),

  partnerCenter: z
    .object({
      url: url("loopback-only").optional(),
      referralsApiUrl: url("loopback-only").optional(),
      webhooksApiUrl: url("loopback-only").optional(),
      accessToken: secret.optional(),
      clientId: guid("the application (client) id").optional(),
      tenantId: tenant.optional(),
      authorityHost: url("never").default(ENTRA_ID),
      tokenCacheFile: text.default(".data/partner-center-token-cache.json"),
      tokenCacheKey: secret.optional(),
      partnerId: text.optional(),
      certificateHosts: list(text.transform((host) => host.toLowerCase())).default([MICROSOFT_CERTIFICATE_HOST]),
      /** Empty turns the subject pin off. */
      certificateSubject: z.string().trim().default(PARTNER_CENTER_CERTIFICATE_SUBJECT),
      certificateRoots: trustedRoots,
      issuerCertificateHosts: list(text.transform((host) => host.toLowerCase())).default(() => [...MICROSOFT_ISSUER_CERTIFICATE_HOSTS]),
    })
    .prefault({}),

  dataverse: z
    .object({
      url: url("loopback-only").optional(),
      tenantId: tenant.optional(),
      clientId: guid("the application (client) id").optional(),
      clientSecret: secret.optional(),
      authority: url("loopback-only").optional(),
      accessToken: secret.optional(),
      webhookHeader: text
        .refine((value) => /^[A-Za-z0-9-]+$/.test(value), { message: "must be an HTTP header name (letters, digits and dashes)" })
        .transform((value) => value.toLowerCase())
        .default(DEFAULT_WEBHOOK_HEADER),
      webhookSecret: secret.refine((value) => value.length >= 16, { message: "must be at least 16 characters; create one with: openssl rand -base64 32" }).optional(),
    })
    .prefault({}),

  api: z
    .object({
      tenantId: guid("the directory (tenant) id").optional(),
      clientId: guid("the application (client) id of the relay's API app registration").optional(),
      appIdUri: text.optional(),
      authorityHost: url("loopback-only").default(ENTRA_ID),
      issuers: list(text).optional(),
      jwksUrl: url("loopback-only").optional(),
    })
    .prefault({}),

  queue: z
    .object({
      retryLimit: whole(0, 100).default(8),
      retryDelaySeconds: whole(1, 3600).default(5),
      // pg-boss schedules with cron `*/n * * * *`, which only counts up to 59.
      reconcileEveryMinutes: whole(0, 59).default(5),
      pollingIntervalSeconds: z.coerce
        .number({ error: "must be a number" })
        .refine((n) => n >= 0.5 && n <= 60, { message: "must be from 0.5 to 60 seconds" })
        .default(1),
      batchSize: whole(1, 100).default(5),
    })
    .prefault({}),

  sync: z
    .object({
      // The form script gives up after 30 s; answering 202 well before that keeps it honest.
      inlineBudgetSeconds: z.coerce
        .number({ error: "must be a number" })
        .refine((n) => n > 0 && n <= 25, { message: "must be more than 0 and at most 25 seconds (the form waits 30 s)" })
        .default(15),
    })
    .prefault({}),
});

type Raw = z.output<typeof rawSchema>;

export type PartnerCenterAuth =
  | { kind: "static"; token: string }
  | { kind: "device-code"; clientId: string; tenantId: string; authorityHost: string; cacheFile: string; cacheKey: string };

export type DataverseCredentials =
  | { kind: "client-credentials"; tenantId: string; clientId: string; clientSecret: string; authority?: string }
  | { kind: "static"; token: string };

export interface ApiAuthConfig {
  tenantId: string;
  clientId: string;
  /** Accepted `aud` values: the client id (v2 tokens) and the application id URI (v1 tokens). */
  audiences: string[];
  /** Accepted `iss` values. */
  issuers: string[];
  jwksUrl: string;
  /** What the form script's MSAL signs in against: `<authorityHost>/<tenantId>`. */
  authority: string;
  /** What the form script asks for: `<appIdUri>/user_impersonation`. */
  scopes: string[];
}

export interface RelayConfig {
  /** The relay's public address, e.g. https://relay.contoso.com. */
  publicUrl?: string;
  host: string;
  port: number;
  /** PGlite files (and anything else local) live here unless `databaseUrl` is set. */
  dataDir: string;
  databaseUrl?: string;
  logLevel: Raw["logLevel"];
  /** Browser origins allowed to call /api/v1 (the Dataverse environment's origin is always added). */
  corsOrigins: string[];
  /** Set for the local sandbox: the form gets tokens from this URL instead of Entra ID. */
  sandboxTokenUrl?: string;
  partnerCenter: {
    referralsApiUrl: string;
    webhooksApiUrl: string;
    /** Undefined when no sign-in is configured. */
    auth?: PartnerCenterAuth;
    /** The Partner Center account (tenant) id the relay expects to act for, when known. */
    partnerId?: string;
    /** Hosts `X-MS-Certificate-Url` may name. */
    certificateHosts: string[];
    /** Pinned subject common name of the signing certificate; undefined = no pin. */
    certificateSubject?: string;
    /** Roots the signing certificate must chain to (partner-center-api.md §4.4 step 3). */
    certificateRoots: X509Certificate[];
    /** Hosts issuing CA certificates named in the chain (AIA "CA Issuers") may be downloaded from. */
    issuerCertificateHosts: string[];
  };
  /** Undefined when no Dataverse environment is configured. */
  dataverse?: { environmentUrl: string; credentials: DataverseCredentials };
  /** Undefined when no webhook secret is configured (then every Dataverse notification is refused). */
  dataverseWebhook?: { header: string; secret: string };
  /** Undefined when user sign-in for /api/v1 is not configured. */
  api?: ApiAuthConfig;
  queue: Raw["queue"];
  sync: { inlineBudgetMs: number };
}

/** Cross-field rules: a section is either left out entirely or complete. */
export const configSchema = rawSchema
  .superRefine((raw, ctx) => {
    const need = (path: string[], message: string) => ctx.addIssue({ code: "custom", path, message });
    const pc = raw.partnerCenter;
    if (!pc.accessToken && (pc.clientId || pc.tenantId)) {
      if (!pc.clientId) need(["partnerCenter", "clientId"], "is required with COSELL_PC_TENANT_ID: the Entra ID app registration used to sign in to Partner Center");
      if (!pc.tenantId) need(["partnerCenter", "tenantId"], "is required with COSELL_PC_CLIENT_ID: the tenant of the Partner Center account");
      if (!pc.tokenCacheKey) need(["partnerCenter", "tokenCacheKey"], "is required to encrypt the Partner Center token cache; create one with: openssl rand -base64 32");
    }

    const dv = raw.dataverse;
    const clientCredentials = [dv.tenantId, dv.clientId, dv.clientSecret].some(Boolean);
    if ((clientCredentials || dv.accessToken) && !dv.url) need(["dataverse", "url"], "is required: the environment URL, e.g. https://contoso.crm.dynamics.com");
    if (dv.url && !dv.accessToken) {
      if (!dv.tenantId) need(["dataverse", "tenantId"], "is required: the directory (tenant) id of the relay's app registration");
      if (!dv.clientId) need(["dataverse", "clientId"], "is required: the application (client) id of the relay's application user");
      if (!dv.clientSecret) need(["dataverse", "clientSecret"], "is required: a client secret of the relay's app registration");
    }

    const api = raw.api;
    if (api.tenantId || api.clientId || api.appIdUri || api.jwksUrl || api.issuers) {
      if (!api.tenantId) need(["api", "tenantId"], "is required to check user tokens: the directory (tenant) id sellers sign in with");
      if (!api.clientId) need(["api", "clientId"], "is required to check user tokens: the application (client) id of the relay's API app registration");
    }
  })
  .transform((raw): RelayConfig => {
    const pc = raw.partnerCenter;
    const dv = raw.dataverse;
    const config: RelayConfig = {
      publicUrl: raw.publicUrl,
      host: raw.host,
      port: raw.port,
      dataDir: raw.dataDir,
      databaseUrl: raw.databaseUrl?.trim(),
      logLevel: raw.logLevel,
      corsOrigins: [...new Set([...raw.corsOrigins, ...(dv.url ? [new URL(dv.url).origin] : [])])],
      sandboxTokenUrl: raw.sandboxTokenUrl,
      partnerCenter: {
        // One origin for both APIs (the emulator serves both); otherwise each API has its own host.
        referralsApiUrl: pc.url ?? pc.referralsApiUrl ?? DEFAULT_REFERRALS_API_URL,
        webhooksApiUrl: pc.url ?? pc.webhooksApiUrl ?? DEFAULT_WEBHOOKS_API_URL,
        auth: pc.accessToken
          ? { kind: "static", token: pc.accessToken }
          : pc.clientId && pc.tenantId && pc.tokenCacheKey
            ? { kind: "device-code", clientId: pc.clientId, tenantId: pc.tenantId, authorityHost: pc.authorityHost, cacheFile: pc.tokenCacheFile, cacheKey: pc.tokenCacheKey }
            : undefined,
        partnerId: pc.partnerId,
        certificateHosts: pc.certificateHosts,
        certificateSubject: pc.certificateSubject || undefined,
        certificateRoots: pc.certificateRoots,
        issuerCertificateHosts: pc.issuerCertificateHosts,
      },
      queue: raw.queue,
      sync: { inlineBudgetMs: Math.round(raw.sync.inlineBudgetSeconds * 1000) },
    };
    if (dv.url) {
      config.dataverse = {
        environmentUrl: dv.url,
        credentials: dv.accessToken
          ? { kind: "static", token: dv.accessToken }
          : { kind: "client-credentials", tenantId: dv.tenantId!, clientId: dv.clientId!, clientSecret: dv.clientSecret!, authority: dv.authority },
      };
    }
    if (dv.webhookSecret) config.dataverseWebhook = { header: dv.webhookHeader, secret: dv.webhookSecret };
    if (raw.api.tenantId && raw.api.clientId) config.api = apiAuth(raw.api as Raw["api"] & { tenantId: string; clientId: string });
    return config;
  });

function apiAuth(api: Raw["api"] & { tenantId: string; clientId: string }): ApiAuthConfig {
  const appIdUri = api.appIdUri ?? `api://${api.clientId}`;
  const authority = `${api.authorityHost}/${api.tenantId}`;
  // Entra ID stamps v2 tokens with the v2 issuer and v1 tokens with sts.windows.net; which one an
  // API receives depends on its manifest's accessTokenAcceptedVersion.
  const defaultIssuers = [`${authority}/v2.0`, ...(api.authorityHost === ENTRA_ID ? [`https://sts.windows.net/${api.tenantId}/`] : [])];
  return {
    tenantId: api.tenantId,
    clientId: api.clientId,
    audiences: [...new Set([api.clientId, appIdUri])],
    issuers: api.issuers?.length ? api.issuers : defaultIssuers,
    jwksUrl: api.jwksUrl ?? `${authority}/discovery/v2.0/keys`,
    authority,
    scopes: [`${appIdUri.replace(/\/+$/, "")}/user_impersonation`],
  };
}
