/**
 * The emulated Partner Center tenant as JSON, to save it and start another emulator from it: the
 * partner's profile and users, every referral (the partner's and the other parties' halves of
 * shared engagements) with its eTag, the counters eTags continue from, the webhook registration and
 * how far the clock was moved. Not kept: deliveries in flight and validation-event records (they
 * belong to one run), and the signing certificate, which is generated again at start.
 */
import type { PartnerProfile } from "./context";
import type { ReferralStoreContents } from "./referrals/store";
import type { PartnerUser } from "./users";
import type { WebhookRegistration } from "./webhooks/registration";

export const SNAPSHOT_FORMAT = "partner-center-emulator-snapshot";
export const SNAPSHOT_VERSION = 1;

export interface PartnerCenterSnapshot extends ReferralStoreContents {
  format: typeof SNAPSHOT_FORMAT;
  version: typeof SNAPSHOT_VERSION;
  partner: PartnerProfile;
  users: PartnerUser[];
  /** The emulator clock minus real time when the snapshot was taken (what `clock.advance` added). */
  clockOffsetMs: number;
  registration: WebhookRegistration | null;
}

export class SnapshotError extends Error {
  override readonly name = "SnapshotError";
}

/** Checks that a parsed file is a snapshot this emulator can restore, saying what is wrong if not. */
export function checkSnapshot(value: unknown): PartnerCenterSnapshot {
  const snapshot = value as Partial<PartnerCenterSnapshot> | null;
  if (typeof snapshot !== "object" || snapshot === null || snapshot.format !== SNAPSHOT_FORMAT) {
    throw new SnapshotError(`Not a Partner Center emulator snapshot (expected "format": "${SNAPSHOT_FORMAT}").`);
  }
  if (snapshot.version !== SNAPSHOT_VERSION) {
    throw new SnapshotError(`Partner Center emulator snapshot version ${String(snapshot.version)} is not supported; this emulator reads version ${SNAPSHOT_VERSION}.`);
  }
  const problems: string[] = [];
  const partner = snapshot.partner;
  if (typeof partner?.organizationId !== "string" || typeof partner.partnerId !== "string" || !Array.isArray(partner.locations) || partner.locations.length === 0) problems.push("partner");
  if (!Array.isArray(snapshot.users)) problems.push("users");
  if (!Array.isArray(snapshot.referrals) || snapshot.referrals.some((r) => typeof r?.doc?.id !== "string" || typeof r.owner !== "string")) problems.push("referrals");
  if (!Number.isSafeInteger(snapshot.seq)) problems.push("seq");
  if (!Number.isSafeInteger(snapshot.etagCounter)) problems.push("etagCounter");
  if (typeof snapshot.clockOffsetMs !== "number" || !Number.isFinite(snapshot.clockOffsetMs)) problems.push("clockOffsetMs");
  if (snapshot.registration !== null && typeof snapshot.registration?.webhookUrl !== "string") problems.push("registration");
  if (problems.length > 0) throw new SnapshotError(`The Partner Center emulator snapshot is damaged: ${problems.join(", ")} missing or malformed.`);
  return snapshot as PartnerCenterSnapshot;
}
