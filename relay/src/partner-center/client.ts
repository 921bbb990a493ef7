/**
 * Entry point: one object with the Referrals and Webhooks clients, each bound to its own host and
 * token audience, sharing retry settings, hooks and counters.
 */
import { newStats, PartnerCenterHttp, type PartnerCenterHttpOptions, type PartnerCenterStats } from "./http";
import { ReferralsClient } from "./referrals-client";
import { REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE } from "./tokens";
import { WebhooksClient } from "./webhooks-client";

export const DEFAULT_REFERRALS_API_URL = "https://api.partner.microsoft.com";
export const DEFAULT_WEBHOOKS_API_URL = "https://api.partnercenter.microsoft.com";

export interface PartnerCenterClientOptions extends Omit<PartnerCenterHttpOptions, "api" | "audience" | "stats"> {
  /** Origin of the Referrals API; default `https://api.partner.microsoft.com`. */
  referralsApiUrl?: string;
  /** Origin of the Webhooks API; default `https://api.partnercenter.microsoft.com`. */
  webhooksApiUrl?: string;
}

export interface PartnerCenterClient {
  referrals: ReferralsClient;
  webhooks: WebhooksClient;
  /** Totals since creation, for the relay's metrics. */
  stats(): PartnerCenterStats;
}

export function createPartnerCenterClient(options: PartnerCenterClientOptions): PartnerCenterClient {
  const { referralsApiUrl = DEFAULT_REFERRALS_API_URL, webhooksApiUrl = DEFAULT_WEBHOOKS_API_URL, ...shared } = options;
  const stats = newStats();
  const referralsHttp = new PartnerCenterHttp({ ...shared, api: "referrals", audience: REFERRALS_AUDIENCE, stats });
  const webhooksHttp = new PartnerCenterHttp({ ...shared, api: "webhooks", audience: WEBHOOKS_AUDIENCE, stats });
  return {
    referrals: new ReferralsClient(referralsHttp, referralsApiUrl),
    webhooks: new WebhooksClient(webhooksHttp, webhooksApiUrl),
    stats: () => ({ ...stats }),
  };
}
