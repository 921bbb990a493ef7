/**
 * Production App+User tokens for Partner Center (partner-center-api.md §1: every referral
 * operation needs App+User). A person signs in once with the device-code flow from the CLI; MSAL
 * keeps the refresh token in the encrypted cache and renews access tokens silently for both
 * audiences (Referrals and Webhooks) from that one sign-in.
 */
import {
  InteractionRequiredAuthError,
  LogLevel,
  PublicClientApplication,
  ServerError,
  type AccountInfo,
  type INetworkModule,
} from "@azure/msal-node";
import type { EncryptedTokenCache } from "./token-cache";
import { REFERRALS_AUDIENCE, type PartnerCenterAudience, type TokenProvider, type TokenRequestOptions } from "./tokens";

/** Entra ID's default refresh-token lifetime: 90 days, renewed each time the token is used. */
export const DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS = 90;
const DAY_MS = 24 * 60 * 60 * 1000;

export class SignInRequiredError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SignInRequiredError";
  }
}

export interface DeviceCodeTokenProviderOptions {
  clientId: string;
  tenantId: string;
  /** Default `https://login.microsoftonline.com`. */
  authorityHost?: string;
  cache: EncryptedTokenCache;
  /** Shown in sign-in-required errors, e.g. "cosell-relay auth login". */
  signInCommand?: string;
  refreshTokenLifetimeDays?: number;
  /** Replaces MSAL's HTTP client (tests, proxies). */
  networkClient?: INetworkModule;
  logger?: { warn(details: object, message: string): void };
}

export interface SignInStatus {
  signedIn: boolean;
  username?: string;
  /** When Entra ID last issued a refresh token to this relay. */
  refreshTokenRenewedAt?: Date;
  /** The refresh token lapses by then if it is not used (it may be revoked earlier). */
  refreshTokenExpiresBy?: Date;
  daysLeft?: number;
}

export class DeviceCodeTokenProvider implements TokenProvider {
  private readonly app: PublicClientApplication;
  private readonly signInCommand: string;
  private readonly lifetimeMs: number;

  constructor(private readonly options: DeviceCodeTokenProviderOptions) {
    this.signInCommand = options.signInCommand ?? "cosell-relay auth login";
    this.lifetimeMs = (options.refreshTokenLifetimeDays ?? DEFAULT_REFRESH_TOKEN_LIFETIME_DAYS) * DAY_MS;
    const authorityHost = (options.authorityHost ?? "https://login.microsoftonline.com").replace(/\/+$/, "");
    this.app = new PublicClientApplication({
      auth: { clientId: options.clientId, authority: `${authorityHost}/${options.tenantId}` },
      cache: { cachePlugin: options.cache },
      system: {
        networkClient: options.networkClient,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: LogLevel.Warning,
          loggerCallback: (_level, message, containsPii) => {
            if (!containsPii) options.logger?.warn({ component: "msal" }, message);
          },
        },
      },
    });
  }

  /**
   * Interactive sign-in: `onPrompt` receives the text to show ("To sign in, use a web browser to
   * open … and enter the code …"). Resolves once the person has signed in.
   */
  async signIn(onPrompt: (message: string) => void): Promise<{ username: string }> {
    const result = await this.app.acquireTokenByDeviceCode({
      scopes: [scopeFor(REFERRALS_AUDIENCE)],
      deviceCodeCallback: (response) => onPrompt(response.message),
    });
    if (!result?.account) throw new SignInRequiredError("The sign-in finished without an account; try again.");
    return { username: result.account.username };
  }

  async getToken(audience: PartnerCenterAudience, options: TokenRequestOptions = {}): Promise<string> {
    const account = await this.account();
    try {
      const result = await this.app.acquireTokenSilent({ account, scopes: [scopeFor(audience)], forceRefresh: options.forceRefresh ?? false });
      if (!result?.accessToken) throw new SignInRequiredError(`Entra ID returned no access token for ${audience}.`);
      return result.accessToken;
    } catch (error) {
      // An expired or revoked refresh token comes back as `invalid_grant` (e.g. AADSTS700082),
      // which MSAL reports as a plain server error.
      if (error instanceof InteractionRequiredAuthError || (error instanceof ServerError && error.errorCode === "invalid_grant")) {
        throw new SignInRequiredError(
          `The Partner Center sign-in of ${account.username} is no longer valid (${error.errorCode || "interaction required"}). ` +
            `Run "${this.signInCommand}" to sign in again.`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Offline check for `doctor`: who is signed in and when the refresh token would lapse. */
  async status(now: number = Date.now()): Promise<SignInStatus> {
    const accounts = await this.app.getTokenCache().getAllAccounts();
    const metadata = await this.options.cache.metadata();
    if (accounts.length === 0 || !metadata.hasRefreshToken) return { signedIn: false };
    const status: SignInStatus = { signedIn: true, username: accounts[0].username, refreshTokenRenewedAt: metadata.refreshTokenRenewedAt };
    if (metadata.refreshTokenRenewedAt) {
      status.refreshTokenExpiresBy = new Date(metadata.refreshTokenRenewedAt.getTime() + this.lifetimeMs);
      status.daysLeft = Math.floor((status.refreshTokenExpiresBy.getTime() - now) / DAY_MS);
    }
    return status;
  }

  private async account(): Promise<AccountInfo> {
    const accounts = await this.app.getTokenCache().getAllAccounts();
    if (accounts.length === 0) {
      throw new SignInRequiredError(`Nobody has signed in to Partner Center on this relay yet. Run "${this.signInCommand}" once.`);
    }
    return accounts[0];
  }
}

/** v2 endpoint scope for a v1-style resource (partner-center-api.md §1). */
function scopeFor(audience: PartnerCenterAudience): string {
  return `${audience}/.default`;
}
