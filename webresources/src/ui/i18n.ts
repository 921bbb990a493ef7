/**
 * Localized text for the form scripts. Strings live in RESX web resources (one per product
 * language, dependencies of both scripts): the platform picks the user's language and falls back to
 * the organization's base language. Keeping them out of the bundles keeps each script small.
 */
import { SolutionNames } from "@cosell/core";
import { ruleFixKey, ruleMessageKey } from "../strings/keys";
import type { StringKey } from "../strings/en";

type Params = Readonly<Record<string, string | number>>;

/** The platform returns null for an unknown key and throws when no RESX matches; both are "missing". */
function resource(key: string): string | undefined {
  try {
    const text = Xrm.Utility.getResourceString(SolutionNames.formScriptStrings, key);
    return typeof text === "string" && text !== "" ? text : undefined;
  } catch {
    return undefined;
  }
}

const fill = (template: string, params: Params): string =>
  template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));

/** A form-script string; a missing RESX shows the key, so a packaging fault is visible, not silent. */
export function t(key: StringKey, params: Params = {}): string {
  return fill(resource(key) ?? key, params);
}

/** A co-sell rule message with its fix hint (texts from `@cosell/core`, shipped as RESX). */
export function ruleText(messageKey: string, params: Params = {}): string | undefined {
  const message = resource(ruleMessageKey(messageKey));
  if (message === undefined) return undefined;
  const fix = resource(ruleFixKey(messageKey));
  return fill(fix === undefined ? message : `${message} ${fix}`, params);
}
