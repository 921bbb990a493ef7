import { SolutionNames } from "@cosell/core";
import { errorText } from "../errorText";
import type { RelayResult } from "../relay/relayClient";
import { t } from "../ui/i18n";

export type RelayFailure =
  | Exclude<RelayResult<never>, { kind: "ok" } | { kind: "queued" }>
  /** The co-sell library web resource (rules and relay client) could not be imported. */
  | { kind: "libraryUnavailable"; detail: string };

export const libraryUnavailable = (e: unknown): RelayFailure => ({ kind: "libraryUnavailable", detail: errorText(e) });

/** MSAL's codes for a sign-in popup the browser did not let open. */
const POPUP_BLOCKED = ["popup_window_error", "empty_window_error"];

/**
 * A failed relay call in plain words. `afterSave`: the change is already in Dataverse, so the
 * background sync will still deliver it; otherwise nothing happened and the seller should retry.
 */
export function describeFailure(failure: RelayFailure, afterSave: boolean): string {
  switch (failure.kind) {
    case "unreachable":
      return t(afterSave ? "unreachableSaved" : "unreachableNothingChanged", { reason: failure.reason });
    case "unauthorized":
      return t("unauthorized", { detail: failure.detail ? ` (${failure.detail})` : "" });
    case "signInFailed":
      return failure.code !== undefined && POPUP_BLOCKED.includes(failure.code)
        ? t("popupBlocked")
        : t("signInFailed", { detail: failure.detail });
    case "failed":
      return t("relayFailed", { title: failure.problem.title, detail: failure.problem.detail }).trim();
    case "libraryUnavailable":
      return t("libraryUnavailable", { library: SolutionNames.coSellLibrary, detail: failure.detail });
  }
}
