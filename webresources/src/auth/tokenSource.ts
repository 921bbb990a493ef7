import { SolutionNames } from "@cosell/core";
import type { ClientAuthConfig } from "../relay/contract";
import type { TokenSource } from "../relay/relayClient";
import { fetchClientAuthConfig } from "./clientConfig";
import { currentSignInName } from "./currentUser";
import { loadMsalWebResource } from "./msalLoader";
import { msalTokenSource } from "./msalToken";
import { sandboxTokenSource } from "./sandboxToken";

/** Tokens for one relay, obtained the way that relay's client-config says (read once per page). */
export function relayTokenSource(relayBaseUrl: string): TokenSource {
  let source: Promise<TokenSource> | undefined;
  return async (forceRefresh) => {
    source ??= fetchClientAuthConfig(relayBaseUrl)
      .then((config) => tokenSourceFor(config, relayBaseUrl))
      .catch((e: unknown) => {
        source = undefined;
        throw e;
      });
    return (await source)(forceRefresh);
  };
}

function tokenSourceFor(config: ClientAuthConfig, relayBaseUrl: string): TokenSource {
  if (config.kind === "sandbox") {
    return sandboxTokenSource(new URL(config.tokenUrl, `${relayBaseUrl}/`).href, currentSignInName);
  }
  return msalTokenSource({
    clientId: config.clientId,
    authority: config.authority,
    scopes: config.scopes,
    redirectUri: config.redirectUri ?? defaultRedirectUri(),
    signInName: currentSignInName,
    load: loadMsalWebResource,
  });
}

/**
 * The redirect URI registered on the app must not change when the solution is republished, so it
 * is the bridge page's plain URL rather than the cache-token URL `getWebResourceUrl` returns.
 */
function defaultRedirectUri(): string {
  const clientUrl = Xrm.Utility.getGlobalContext().getClientUrl();
  return `${clientUrl}/WebResources/${SolutionNames.authRedirectPage}`;
}
