/**
 * Sections a command cannot do without. Each missing section is named with the variables that
 * fill it, so the message is the fix.
 */
import { ConfigError } from "./load";
import type { RelayConfig } from "./schema";

export type Section = "partnerCenter" | "dataverse" | "dataverseWebhook" | "api";

const HOW_TO: Record<Section, string> = {
  partnerCenter:
    "Partner Center sign-in is not configured: set COSELL_PC_CLIENT_ID, COSELL_PC_TENANT_ID and COSELL_PC_TOKEN_CACHE_KEY " +
    '(then run "cosell-relay auth login" once), or COSELL_PC_ACCESS_TOKEN for a token you already have.',
  dataverse:
    "The Dataverse environment is not configured: set COSELL_DATAVERSE_URL (e.g. https://contoso.crm.dynamics.com) and the relay's " +
    "app registration in COSELL_DATAVERSE_TENANT_ID, COSELL_DATAVERSE_CLIENT_ID and COSELL_DATAVERSE_CLIENT_SECRET.",
  dataverseWebhook:
    "The Dataverse webhook secret is not configured: set COSELL_DATAVERSE_WEBHOOK_SECRET (openssl rand -base64 32); " +
    "the same value goes into the service endpoint's HTTP header.",
  api:
    "User sign-in for the form is not configured: set COSELL_API_TENANT_ID and COSELL_API_CLIENT_ID " +
    "(the app registration that exposes the relay's API; COSELL_API_APP_ID_URI if it is not api://<client id>).",
};

export type WithSections<S extends Section> = RelayConfig & { [K in S]-?: K extends "partnerCenter" ? RelayConfig["partnerCenter"] & { auth: NonNullable<RelayConfig["partnerCenter"]["auth"]> } : NonNullable<RelayConfig[K]> };

/** Throws one ConfigError listing every missing section; returns the config typed as complete. */
export function requireSections<S extends Section>(config: RelayConfig, sections: readonly S[]): WithSections<S> {
  const missing = sections.filter((section) => (section === "partnerCenter" ? !config.partnerCenter.auth : config[section] === undefined));
  if (missing.length) throw new ConfigError(missing.map((section) => HOW_TO[section]).join("\n"));
  return config as WithSections<S>;
}
