import { Languages, type Lcid } from "@cosell/core";

/** BCP 47 tags of the product languages (resx files exist for exactly these LCIDs). */
const localeByLcid: Record<Lcid, string> = {
  1033: "en-US",
  1053: "sv-SE",
  2052: "zh-CN",
  1043: "nl-NL",
  1040: "it-IT",
  1045: "pl-PL",
};

const isProductLanguage = (lcid: number): lcid is Lcid => (Languages as readonly number[]).includes(lcid);

/**
 * The locale for Intl formatting. Users whose Dynamics language is not a product language see the
 * English strings (the platform falls back to the 1033 resx), so dates and times follow English too.
 */
export function localeOf(languageId: number): string {
  return isProductLanguage(languageId) ? localeByLcid[languageId] : localeByLcid[1033];
}

/** Reads a resx string; `{0}`, `{1}`… in it are replaced by `args`. */
export type Translate = (key: string, ...args: (string | number)[]) => string;

export function translator(resources: ComponentFramework.Resources): Translate {
  return (key, ...args) =>
    resources.getString(key).replace(/\{(\d+)\}/g, (placeholder, index: string) => {
      const arg = args[Number(index)];
      return arg === undefined ? placeholder : String(arg);
    });
}
