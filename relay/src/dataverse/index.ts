/**
 * The relay's Dataverse access layer: connect once per environment, then read and write through the
 * repository (or dataverse-ify's client on `connection.client` for anything it does not cover).
 */
export { DataverseConnection, RelayDataverseClient, type DataverseConnectionOptions } from "./connection";
export { DataverseRepository, type CatalogSolution, type CloseDetails, type CoSellSettings, type NewRow, type QualifiedRecords, type QualifyOptions, type Versioned } from "./repository";
export {
  InvalidWebhookError,
  listWebhooks,
  registerWebhook,
  supportsStep,
  UnsupportedStepError,
  type RegisteredStep,
  type RegisteredWebhook,
  type WebhookRegistration,
  type WebhookRegistrationResult,
  type WebhookStep,
} from "./webhooks";
export { AuthorizationError, DataverseError, NotFoundError, PreconditionFailedError, ThrottledError } from "./errors";
export { DataverseCounters, type DataverseCallTotals } from "./counters";
export type { DataverseLogger, RequestScope } from "./http";
export type { RetryPolicy } from "./retry";
export { createTokenProvider, type ClientCredentials, type TokenProvider } from "./tokens";
export { NodeXrmWebApi, type RetrieveMultipleResult, type WebApiScope } from "./web-api";
export * as entities from "./entities";
