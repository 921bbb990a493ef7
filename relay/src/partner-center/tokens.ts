/**
 * Where Partner Center bearer tokens come from. The Referrals API and the Webhooks API are two
 * resources with two audiences, so every request names the one it needs
 * (partner-center-api.md §1, §7.1).
 */

/** Audience of the Referrals API (`api.partner.microsoft.com`), App+User only. */
export const REFERRALS_AUDIENCE = "https://api.partner.microsoft.com";
/** Audience of the Webhooks API (`api.partnercenter.microsoft.com`), app-only or App+User. */
export const WEBHOOKS_AUDIENCE = "https://api.partnercenter.microsoft.com";

export type PartnerCenterAudience = typeof REFERRALS_AUDIENCE | typeof WEBHOOKS_AUDIENCE;

export interface TokenRequestOptions {
  /** Set after a 401: skip any cached access token and get a fresh one. */
  forceRefresh?: boolean;
}

export interface TokenProvider {
  getToken(audience: PartnerCenterAudience, options?: TokenRequestOptions): Promise<string>;
}

/**
 * Fixed tokens, one per audience or one for both: for the emulator and tests, or a token a person
 * pasted for a one-off command.
 */
export function staticTokenProvider(tokens: string | Partial<Record<PartnerCenterAudience, string>>): TokenProvider {
  return {
    async getToken(audience) {
      const token = typeof tokens === "string" ? tokens : tokens[audience];
      if (!token) throw new Error(`No Partner Center access token was configured for the audience ${audience}.`);
      return token;
    },
  };
}

/** Tokens from a function, e.g. one that asks a test identity to sign a token for the audience. */
export function callbackTokenProvider(
  callback: (audience: PartnerCenterAudience, options: TokenRequestOptions) => string | Promise<string>,
): TokenProvider {
  return { getToken: async (audience, options = {}) => callback(audience, options) };
}
