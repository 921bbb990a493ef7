/**
 * Partner Center emulator: the Referrals API and the Webhooks API, in memory, written from the
 * documented contract (shared/reference/partner-center-api.md §7). Start it in-process with
 * `startPartnerCenterEmulator()`, or standalone with `npm run emulator:partner-center`.
 */
export { startPartnerCenterEmulator, DEFAULT_USERS } from "./emulator";
export type { PartnerCenterEmulator, PartnerCenterEmulatorOptions } from "./emulator";
export { REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE } from "./auth";
export type { EmulatorTokenRequest } from "./auth";
export { createClock } from "./clock";
export { checkSnapshot, SnapshotError, SNAPSHOT_FORMAT } from "./snapshot";
export type { PartnerCenterSnapshot } from "./snapshot";
export type { EmulatorClock } from "./clock";
export type { PartnerLocation, PartnerProfile } from "./context";
export type { CounterpartyActions, IncomingReferralInput } from "./counterparty";
export { FaultController, noFaults } from "./faults";
export type { FaultSettings, FaultOverrides } from "./faults";
export type { CounterSnapshot, RequestCounters } from "./counters";
export { MICROSOFT, INCOMING_EXPIRY_MS } from "./referrals/store";
export type { Party } from "./referrals/store";
export { PAGE_SIZE } from "./referrals/odata";
export { REFERRALS_PATH } from "./referrals/routes";
export type { ReferralsRole, PartnerUser, UserDirectory } from "./users";
export type { Delivery, DeliveryAttempt, DeliveryOptions } from "./webhooks/delivery";
export { SUPPORTED_EVENTS, REFERRAL_EVENTS } from "./webhooks/events";
export type { EventBody } from "./webhooks/events";
export type { WebhookRegistration } from "./webhooks/registration";
export { WEBHOOKS_PATH } from "./webhooks/routes";
export { createSigningAuthority, DISPATCH_SUBJECT, ISSUING_CA_PATH, ROOT_CA_PATH } from "./webhooks/signing";
export type { IssuerKind, SigningAuthority, SigningIdentity, SigningOptions } from "./webhooks/signing";
