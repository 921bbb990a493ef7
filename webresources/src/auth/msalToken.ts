import type { IPublicClientApplication } from "@azure/msal-browser";
import type { TokenSource } from "../relay/relayClient";
import type * as MsalModule from "./msalModule";

export type Msal = typeof MsalModule;

export interface MsalTokenOptions {
  clientId: string;
  authority: string;
  scopes: string[];
  redirectUri: string;
  /** The signed-in Dynamics user's sign-in name, used as login hint and to pick the cached account. */
  signInName: () => Promise<string>;
  /** Fetches the MSAL web resource; called once, on the first token request. */
  load: () => Promise<Msal>;
}

/**
 * Tokens for the relay's API as the user already signed in to Dynamics: silent first (cached
 * account, then SSO in a hidden iframe), a popup only when Entra ID says interaction is required.
 */
export function msalTokenSource(options: MsalTokenOptions): TokenSource {
  let started: Promise<{ msal: Msal; app: IPublicClientApplication }> | undefined;
  const start = async () => {
    const msal = await options.load();
    const app = new msal.PublicClientApplication({
      auth: { clientId: options.clientId, authority: options.authority, redirectUri: options.redirectUri },
      // Session storage: the token lives as long as the browser tab, like the Dynamics session.
      cache: { cacheLocation: "sessionStorage" },
    });
    await app.initialize();
    return { msal, app };
  };

  return async (forceRefresh) => {
    started ??= start().catch((e: unknown) => {
      started = undefined;
      throw e;
    });
    const { msal, app } = await started;
    const loginHint = await options.signInName();
    const scopes = options.scopes;
    const account = app.getAllAccounts().find((a) => a.username.toLowerCase() === loginHint.toLowerCase());
    try {
      const result = account
        ? await app.acquireTokenSilent({ scopes, account, forceRefresh })
        : await app.ssoSilent({ scopes, loginHint });
      return result.accessToken;
    } catch (e) {
      if (!(e instanceof msal.InteractionRequiredAuthError)) throw e;
      const result = await app.acquireTokenPopup({ scopes, loginHint });
      return result.accessToken;
    }
  };
}
