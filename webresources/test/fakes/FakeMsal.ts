/**
 * The part of `@azure/msal-browser` the form scripts use, scripted: a token cache of accounts,
 * silent acquisition that may demand interaction (Entra ID `interaction_required`), SSO by login
 * hint, and a popup. Errors are MSAL's own classes, so `instanceof` checks behave as in the browser.
 */
import { BrowserAuthError, InteractionRequiredAuthError, type AccountInfo, type Configuration } from "@azure/msal-browser";
import type { Msal } from "../../src/auth/msalToken";

export type Step = { token: string } | { error: "interaction_required" | "login_required" | "popup_window_error" | "network_error" };

export class FakeMsal {
  readonly calls: string[] = [];
  configurations: Configuration[] = [];
  accounts: AccountInfo[] = [];
  silent: Step[] = [];
  sso: Step[] = [];
  popup: Step[] = [];

  /** The module object the MSAL web resource exports. */
  module(): Msal {
    // Arrow functions keep `this` (the FakeMsal) inside the class below.
    const record = (configuration: Configuration) => this.configurations.push(configuration);
    const log = (description: string) => this.calls.push(description);
    const accounts = () => this.accounts;
    const answer = (description: string, kind: "silent" | "sso" | "popup") => {
      log(description);
      return this.answer(this[kind]);
    };
    class PublicClientApplication {
      constructor(configuration: Configuration) {
        record(configuration);
      }
      async initialize() {
        log("initialize");
      }
      getAllAccounts() {
        return accounts();
      }
      async acquireTokenSilent(request: { account: AccountInfo; forceRefresh?: boolean }) {
        return answer(`silent ${request.account.username} force=${String(request.forceRefresh ?? false)}`, "silent");
      }
      async ssoSilent(request: { loginHint?: string }) {
        return answer(`sso ${request.loginHint}`, "sso");
      }
      async acquireTokenPopup(request: { loginHint?: string }) {
        return answer(`popup ${request.loginHint}`, "popup");
      }
    }
    return { PublicClientApplication, InteractionRequiredAuthError } as unknown as Msal;
  }

  account(username: string): AccountInfo {
    return { homeAccountId: `${username}.tenant`, environment: "login.microsoftonline.com", tenantId: "tenant", username, localAccountId: username };
  }

  private answer(steps: Step[]) {
    const step = steps.shift();
    if (!step) throw new Error("FakeMsal: no scripted answer left");
    if ("token" in step) return { accessToken: step.token };
    if (step.error === "interaction_required" || step.error === "login_required") {
      throw new InteractionRequiredAuthError(step.error, "AADSTS50058: A silent sign-in request was sent but no user is signed in.");
    }
    throw new BrowserAuthError(step.error, `${step.error}: scripted failure`);
  }
}
