export { loadConfig, ConfigError, type ConfigSources } from "./load";
export { requireSections, type Section } from "./require";
export {
  configSchema,
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  DEFAULT_WEBHOOK_HEADER,
  PARTNER_CENTER_CERTIFICATE_SUBJECT,
  type ApiAuthConfig,
  type DataverseCredentials,
  type PartnerCenterAuth,
  type RelayConfig,
} from "./schema";
export { SETTINGS, CONFIG_FILE_ENV, SECRETS_FILE_ENV, type Setting } from "./settings";
