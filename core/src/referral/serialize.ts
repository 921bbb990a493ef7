import type { Referral } from "./types";

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => item !== undefined).map(prune);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = prune(item);
  }
  return out;
}

/**
 * The JSON body for Partner Center: camelCase (as {@link parseReferral} produced it), without
 * absent values. Partner Center always answers in camelCase (partner-center-api.md §7.2).
 */
export function serializeReferral(referral: Referral): Record<string, unknown> {
  return prune(referral) as Record<string, unknown>;
}

/** A legacy PUT body: the whole referral with its `eTag` but without `links` (§3.5). */
export function referralPutBody(referral: Referral): Record<string, unknown> {
  const body = serializeReferral(referral);
  delete body.links;
  delete body["@odata.context"];
  return body;
}
