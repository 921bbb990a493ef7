/**
 * The seller's language for messages, from the browser's Accept-Language (the form script sends
 * no other hint): the first product language the browser lists, as a Dataverse LCID.
 */
import { Languages, type Lcid } from "@cosell/core";

const BY_TAG: Record<string, Lcid> = {
  en: 1033,
  sv: 1053,
  zh: 2052,
  "zh-cn": 2052,
  "zh-sg": 2052,
  "zh-hans": 2052,
  nl: 1043,
  it: 1040,
  pl: 1045,
};

export function lcidFromAcceptLanguage(header: string | undefined): Lcid | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(",")
    .map((part, index) => {
      const [tag, ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      return { tag, quality: q ? Number(q.slice(2)) : 1, index };
    })
    .filter((entry) => entry.tag && entry.quality > 0 && !Number.isNaN(entry.quality))
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const { tag } of ranked) {
    // Traditional Chinese is not a product language; it must not fall back to Simplified.
    if (/^zh-(tw|hk|mo|hant)/.test(tag)) continue;
    const lcid = BY_TAG[tag] ?? BY_TAG[tag.split("-")[0]];
    if (lcid !== undefined && (Languages as readonly number[]).includes(lcid)) return lcid;
  }
  return undefined;
}
