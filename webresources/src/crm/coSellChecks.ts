/**
 * Runs core's co-sell rules (the relay runs the same function before it pushes) on the opportunity
 * as the seller has it on the form, and turns violations into notifications in the user's language
 * (core's messages, shipped as RESX: see strings/index.ts).
 */
import {
  OpportunityColumns,
  checkCoSellRules,
  parseReferralState,
  projectOpportunity,
  type SyncConfig,
  type SyncProjection,
  type Violation,
} from "@cosell/core";
import type { RelayViolation } from "../relay/contract";
import { ruleText } from "../ui/i18n";
import type { RuleProblem } from "../ui/notifications";
import { errorText } from "../errorText";
import { readOpportunity } from "./opportunityContext";
import { isSharing } from "./sharing";

export type CheckOutcome =
  /** Sync with Partner Center is No: nothing will be shared, nothing to check. */
  | { kind: "notSharing" }
  | { kind: "valid" }
  | { kind: "invalid"; problems: RuleProblem[] }
  /** The data could not be read; the relay checks again before it sends anything. */
  | { kind: "unavailable"; detail: string };

export async function checkOpportunity(fc: Xrm.FormContext, config: SyncConfig): Promise<CheckOutcome> {
  if (!isSharing(fc)) return { kind: "notSharing" };
  let violations: Violation[];
  try {
    const { context, saved } = await readOpportunity(fc, config);
    // The last synced state lives in the relay; the saved row is the form's closest stand-in for
    // the one-way rules (visibility, closed referral), with the referral's state as last synced.
    let previous: SyncProjection | undefined;
    if (saved && typeof saved[OpportunityColumns.referralId] === "string") {
      const state = parseReferralState(saved[OpportunityColumns.referralStatus] as string | null | undefined);
      const projected = projectOpportunity({ ...context, opportunity: saved }, config, state);
      previous = state ? { ...projected, status: state } : projected;
    }
    violations = checkCoSellRules(context, config, { previous });
  } catch (e) {
    return { kind: "unavailable", detail: errorText(e) };
  }
  if (violations.length === 0) return { kind: "valid" };
  return {
    kind: "invalid",
    problems: violations.map((v) => ({
      code: v.code,
      field: formField(v.table, v.field),
      text: ruleText(v.messageKey, v.params) ?? v.code,
    })),
  };
}

/** Violations the relay reported, as notifications; a key this form does not know keeps the relay's text. */
export function relayProblems(violations: RelayViolation[], fallback: string): RuleProblem[] {
  return violations.map((v) => ({ code: v.code, field: v.field, text: ruleText(v.messageKey, v.params) ?? fallback }));
}

/**
 * Only opportunity columns can carry a control notification on this form; a column of the account,
 * a contact or the owner gets a form notification (its name is qualified so it matches no control).
 */
function formField(table: Violation["table"], field: string): string {
  return table === "opportunity" ? field : `${table}.${field}`;
}
