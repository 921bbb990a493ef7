/** What the route plugins and the counterparty actions share inside one emulator instance. */
import type { TestIdentity } from "../../identity/src";
import type { EmulatorClock } from "./clock";
import type { RequestCounters } from "./counters";
import type { FaultController } from "./faults";
import type { ReferralQuery } from "./referrals/odata";
import type { Party, ReferralStore } from "./referrals/store";
import type { PartnerUser, UserDirectory } from "./users";
import type { WebhookDispatcher } from "./webhooks/delivery";
import type { WebhookRegistration } from "./webhooks/registration";
import type { SigningIdentity } from "./webhooks/signing";
import type { ValidationEvents } from "./webhooks/validation-events";

export interface PartnerLocation {
  id: string;
  name: string;
}

export interface PartnerProfile extends Party {
  /** Partner Center tenant (partner) id; reported as `partnerId` by validation events. */
  partnerId: string;
  locations: PartnerLocation[];
}

export interface EmulatorContext {
  partner: PartnerProfile;
  identity: TestIdentity;
  clock: EmulatorClock;
  store: ReferralStore;
  query: ReferralQuery;
  users: UserDirectory;
  faults: FaultController;
  counters: RequestCounters;
  dispatcher: WebhookDispatcher;
  validationEvents: ValidationEvents;
  signing: () => SigningIdentity;
  registration: { current?: WebhookRegistration };
  /** Base of `ResourceUri` in events (§4.2), `https://api.partnercenter.microsoft.com` by default. */
  resourceBaseUrl: string;
  urls(): { base: string; referrals: string; webhooks: string; certificate: string };
}

/** The business location a new referral of this user belongs to. */
export function homeLocation(partner: PartnerProfile, user: PartnerUser): string {
  return user.locations === "all" || !user.locations?.length ? partner.locations[0].id : user.locations[0];
}
