import type { OpenEnum, ReferralState, ReferralStatus, ReferralSubstatus } from "../referral/types";

/** Which substatus each status allows, and where each status may move (partner-center-api.md §2.2). */
const allowedSubstatus: Readonly<Record<ReferralStatus, readonly ReferralSubstatus[]>> = {
  None: ["None"],
  New: ["Pending", "Received"],
  Active: ["Accepted"],
  Closed: ["Won", "Lost", "Declined", "Expired"],
};

const allowedNextStatus: Readonly<Record<ReferralStatus, readonly ReferralStatus[]>> = {
  None: ["None", "New", "Active", "Closed"],
  New: ["New", "Active", "Closed"],
  Active: ["Active", "Closed"],
  Closed: ["Closed"],
};

export type TransitionRejection =
  | "invalid-pair"
  | "terminal"
  | "backwards"
  /** §2.2: Expired is set by Partner Center after 14 days; nobody can move a referral there. */
  | "expiry-is-automatic";

export type TransitionCheck =
  | { ok: true; changed: boolean }
  | { ok: false; code: TransitionRejection; reason: string };

export function isValidStatusPair(state: ReferralState): boolean {
  return (allowedSubstatus[state.status] as readonly string[] | undefined)?.includes(state.substatus) ?? false;
}

/** Won, Lost, Declined and Expired are final: Partner Center accepts no further update (§2.2, §5). */
export function isTerminal(state: Partial<ReferralState> | undefined): boolean {
  return state?.status === "Closed";
}

export function formatReferralState(state: Partial<ReferralState> | undefined): string {
  if (!state?.status) return "";
  return state.substatus && state.substatus !== "None" ? `${state.status} · ${state.substatus}` : state.status;
}

/** Inverse of {@link formatReferralState} for the `cosell_referralstatus` text column. */
export function parseReferralState(text: string | null | undefined): ReferralState | undefined {
  const match = /^\s*(\w+)\s*(?:·\s*(\w+))?\s*$/.exec(text ?? "");
  if (!match) return undefined;
  const status = (Object.keys(allowedSubstatus) as ReferralStatus[]).find((s) => s.toLowerCase() === match[1].toLowerCase());
  if (!status) return undefined;
  return { status, substatus: (match[2] ?? "None") as OpenEnum<ReferralSubstatus> };
}

/**
 * Checks a status/substatus change against the transition table of §2.2, and says why it is
 * refused in a sentence fit for the audit log.
 */
export function validateReferralTransition(from: ReferralState, to: ReferralState): TransitionCheck {
  if (!isValidStatusPair(to)) {
    const allowed = allowedSubstatus[to.status];
    return {
      ok: false,
      code: "invalid-pair",
      reason: allowed
        ? `Status ${to.status} allows substatus ${allowed.join(", ")}, not ${to.substatus}.`
        : `Unknown referral status ${to.status}.`,
    };
  }
  const changed = from.status !== to.status || from.substatus !== to.substatus;
  if (!changed) return { ok: true, changed };
  if (isTerminal(from)) {
    return {
      ok: false,
      code: "terminal",
      reason: `The referral is closed as ${from.substatus}; Partner Center accepts no further changes to it.`,
    };
  }
  if (!allowedNextStatus[from.status]?.includes(to.status)) {
    return {
      ok: false,
      code: "backwards",
      reason: `A referral cannot go back from ${formatReferralState(from)} to ${formatReferralState(to)}.`,
    };
  }
  if (to.substatus === "Expired") {
    return {
      ok: false,
      code: "expiry-is-automatic",
      reason: "Only Partner Center expires a referral (after 14 days without a response).",
    };
  }
  return { ok: true, changed };
}
