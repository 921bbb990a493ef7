/**
 * Access tokens for the relay's application user: the OAuth 2.0 client-credentials grant with the
 * scope `<environmentUrl>/.default`. Production goes through MSAL (`ConfidentialClientApplication`).
 * MSAL refuses any authority that is not https ("authority_uri_insecure"), so a plain-http authority
 * is accepted only on a loopback host (the local sandbox's identity stand-in) and served by a
 * minimal client-credentials request behind the same interface. Tokens are reused until shortly
 * before they expire, and concurrent callers share one request. Tokens are never logged.
 */
import { ConfidentialClientApplication, type Configuration } from "@azure/msal-node";
import { DataverseError } from "./errors";

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface TokenProvider {
  /** A bearer token for the Dataverse environment, fresh enough for the next call. */
  getToken(): Promise<string>;
}

export interface ClientCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  /** Entra ID authority; default `https://login.microsoftonline.com/<tenantId>`. */
  authority?: string;
  /**
   * The authority's OpenID configuration (JSON text), so MSAL does not fetch it: for clouds MSAL
   * does not know, or hosts without outbound discovery.
   */
  authorityMetadata?: string;
  /** Extra trusted CA certificates (PEM) for the authority's TLS, e.g. behind an inspecting proxy. */
  ca?: string;
}

/** Renew this long before expiry, so a token never expires in flight. */
const RENEW_BEFORE_MS = 5 * 60_000;
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function createTokenProvider(credentials: ClientCredentials, environmentUrl: string): TokenProvider {
  for (const field of ["tenantId", "clientId", "clientSecret"] as const) {
    if (!credentials[field]) throw new Error(`Dataverse credentials: ${field} is missing; set it to the relay's app registration ${field === "tenantId" ? "directory (tenant) id" : field === "clientId" ? "application (client) id" : "client secret"}.`);
  }
  const authority = (credentials.authority ?? `https://login.microsoftonline.com/${credentials.tenantId}`).replace(/\/+$/, "");
  const scope = `${new URL(environmentUrl).origin}/.default`;
  const url = new URL(authority);
  if (url.protocol === "https:") return new CachingTokenProvider(msalSource(credentials, authority, scope));
  if (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)) {
    return new CachingTokenProvider(loopbackSource(credentials, authority, scope));
  }
  throw new Error(`Dataverse credentials: authority ${authority} must use https (plain http is accepted only on a loopback host, for the local sandbox).`);
}

/** Reuses a token until RENEW_BEFORE_MS (or half its lifetime, if shorter) before it expires. */
export class CachingTokenProvider implements TokenProvider {
  private current?: AccessToken & { renewAt: number };
  private pending?: Promise<string>;

  constructor(
    private readonly source: () => Promise<AccessToken>,
    private readonly now: () => number = Date.now,
  ) {}

  getToken(): Promise<string> {
    if (this.current && this.now() < this.current.renewAt) return Promise.resolve(this.current.token);
    this.pending ??= this.source()
      .then((fresh) => {
        const lifetime = fresh.expiresAt - this.now();
        this.current = { ...fresh, renewAt: fresh.expiresAt - Math.min(RENEW_BEFORE_MS, lifetime / 2) };
        return fresh.token;
      })
      .finally(() => {
        this.pending = undefined;
      });
    return this.pending;
  }
}

function msalSource(credentials: ClientCredentials, authority: string, scope: string): () => Promise<AccessToken> {
  const config: Configuration = {
    auth: {
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      authority,
      // Naming the host as known skips instance discovery against login.microsoftonline.com.
      knownAuthorities: [new URL(authority).host],
      ...(credentials.authorityMetadata ? { authorityMetadata: credentials.authorityMetadata } : {}),
    },
    system: credentials.ca ? { customAgentOptions: { ca: credentials.ca } } : undefined,
  };
  const app = new ConfidentialClientApplication(config);
  return async () => {
    let result;
    try {
      result = await app.acquireTokenByClientCredential({ scopes: [scope] });
    } catch (error) {
      // MSAL reduces every connection failure to "network_error" without the reason.
      const hint = (error as { errorCode?: string }).errorCode === "network_error" ? " Check the authority URL, outbound access to it, and that its TLS certificate is trusted (set ca for a private CA)." : "";
      throw new DataverseError(`Could not get a Dataverse token from ${authority}: ${describe(error)}.${hint}`, { cause: error });
    }
    if (!result?.accessToken) throw new DataverseError(`Could not get a Dataverse token from ${authority}: the response held no access token.`);
    return { token: result.accessToken, expiresAt: result.expiresOn?.getTime() ?? Date.now() + 60_000 };
  };
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number | string;
  error?: string;
  error_description?: string;
}

function loopbackSource(credentials: ClientCredentials, authority: string, scope: string): () => Promise<AccessToken> {
  const tokenEndpoint = `${authority}/oauth2/v2.0/token`;
  return async () => {
    let response: Response;
    try {
      response = await fetch(tokenEndpoint, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          scope,
        }),
      });
    } catch (error) {
      throw new DataverseError(`Could not reach the token endpoint ${tokenEndpoint}: ${describe(error)}`, { cause: error });
    }
    const body = (await response.json().catch(() => ({}))) as TokenResponse;
    if (!response.ok || !body.access_token) {
      const reason = body.error ? `${body.error}: ${body.error_description ?? ""}` : `HTTP ${response.status}`;
      throw new DataverseError(`Could not get a Dataverse token from ${tokenEndpoint}: ${reason}`, { status: response.status });
    }
    return { token: body.access_token, expiresAt: Date.now() + Number(body.expires_in ?? 3600) * 1000 };
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as Error & { errorCode?: string }).errorCode;
  return code && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message;
}
