/**
 * @cosell/relay: `createRelay(loadConfig())` runs the relay in-process; `cosell-relay` (cli/) is the
 * command line over the same pieces.
 */
export { createRelay, type Relay, type RelayDependencies } from "./app";
export { loadConfig, requireSections, ConfigError, SETTINGS, CONFIG_FILE_ENV, SECRETS_FILE_ENV, type ConfigSources, type RelayConfig } from "./config";
