/**
 * Dataverse Web API emulator. In-process use:
 *
 *   const dv = await startDataverseEmulator({ solutions: ["../solution"], sampleData: true });
 *   const token = await dv.tokenFor({ upn: "seller@contoso.example" });
 *   await fetch(`${dv.apiUrl}opportunities?$select=name`, { headers: { Authorization: `Bearer ${token}` } });
 *   await dv.stop();
 */
export { startDataverseEmulator, DEFAULT_CLIENT_ID } from "./emulator";
export type { DataverseEmulator, DataverseEmulatorOptions, ApplicationUserSpec } from "./emulator";
export { DataverseEnvironment } from "./environment";
export { checkSnapshot, SnapshotError, SNAPSHOT_FORMAT } from "./snapshot";
export type { DataverseSnapshot } from "./snapshot";
export type { Actor, DataChange, Message } from "./environment";
export type { EntityRecord, EntityReference, StoredValue } from "./data/store";
export { Seeder, CURRENCIES } from "./seed";
export type { SampleData, CurrencySpec } from "./seed";
export { readSolution, readSolutionFolder, readSolutionZip, INVALID_SOLUTION_FILE } from "./solution/solution-loader";
export type { SolutionPackage, SolutionTable, SolutionEnvironmentVariable } from "./solution/solution-loader";
export type { ImportSummary } from "./solution/apply";
export { DEFAULT_LIMITS } from "./http/service-protection";
export type { ServiceProtection, ServiceProtectionLimits } from "./http/service-protection";
export type { CounterSnapshot, RequestCounters } from "./http/counters";
export type { FaultInjector, FaultRule } from "./http/faults";
export type { WebhookDelivery, WebhookDispatcher, WebhookOptions } from "./webhooks/dispatcher";
export type { UserDirectory } from "./http/auth";
