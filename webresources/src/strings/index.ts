import { MessageKeys, formatMessage, type Lcid } from "@cosell/core";
import { en, type StringTable } from "./en";
import { it } from "./it";
import { nl } from "./nl";
import { pl } from "./pl";
import { sv } from "./sv";
import { zh } from "./zh";
import { ruleFixKey, ruleMessageKey } from "./keys";

/** The form scripts' own strings in every product language. */
export const stringTables: Record<Lcid, StringTable> = { 1033: en, 1053: sv, 2052: zh, 1043: nl, 1040: it, 1045: pl };

/**
 * Everything one RESX web resource holds for a language: the form scripts' strings plus core's
 * co-sell messages (templates with their `{placeholders}`). Only the build and the tests import
 * this; the bundles read the strings through `Xrm.Utility.getResourceString`, so no language's
 * text is downloaded with the script.
 */
export function resourceStrings(lcid: Lcid): Record<string, string> {
  const strings: Record<string, string> = { ...stringTables[lcid] };
  for (const key of MessageKeys) {
    // No params: formatMessage leaves every {placeholder} in place for the form to fill.
    const { message, fix } = formatMessage(key, {}, lcid);
    strings[ruleMessageKey(key)] = message;
    strings[ruleFixKey(key)] = fix;
  }
  return strings;
}
