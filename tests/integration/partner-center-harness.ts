/**
 * The relay's Partner Center client wired to a running Partner Center emulator, with tokens from
 * the emulator's identity and waits recorded instead of slept.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Referral } from "@cosell/core";
import { startPartnerCenterEmulator, type PartnerCenterEmulator, type PartnerCenterEmulatorOptions } from "../../emulators/partner-center/src";
import {
  callbackTokenProvider,
  createPartnerCenterClient,
  REFERRALS_AUDIENCE,
  type PartnerCenterClient,
  type PartnerCenterClientOptions,
  type TokenProvider,
} from "../../relay/src/partner-center";

export interface Harness {
  emulator: PartnerCenterEmulator;
  client: PartnerCenterClient;
  tokenProvider: TokenProvider;
  /** Every back-off wait the client asked for, in ms. */
  waits: number[];
  stop(): Promise<void>;
}

export async function startHarness(
  emulatorOptions: PartnerCenterEmulatorOptions = {},
  clientOptions: Partial<PartnerCenterClientOptions> = {},
): Promise<Harness> {
  const emulator = await startPartnerCenterEmulator(emulatorOptions);
  const tokenProvider = callbackTokenProvider((audience) =>
    emulator.issueToken({ api: audience === REFERRALS_AUDIENCE ? "referrals" : "webhooks" }),
  );
  const waits: number[] = [];
  const client = createPartnerCenterClient({
    referralsApiUrl: emulator.url,
    webhooksApiUrl: emulator.url,
    tokenProvider,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...clientOptions,
  });
  return { emulator, client, tokenProvider, waits, stop: () => emulator.stop() };
}

const sample = (name: string): unknown =>
  JSON.parse(readFileSync(path.resolve(__dirname, "../../../shared/reference/partner-center", name), "utf8"));

/** The documented create sample, shared with Microsoft sellers (what a co-sell needs, §5). */
export function coSellReferral(name = "Contoso supply chain"): Referral {
  const referral = sample("referral-create-request.json") as Referral;
  return {
    ...referral,
    name,
    consent: { ...referral.consent, consentToShareReferralWithMicrosoftSellers: true },
    details: { ...referral.details, closingDateTime: "2030-11-14T00:00:00Z" },
  };
}
