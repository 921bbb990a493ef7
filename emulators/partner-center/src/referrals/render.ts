/**
 * A referral as the Referrals API returns it: camelCase (§7.2), the stored fields in the order the
 * doc samples use, and `links` to itself and to its engagement (§2.1, §3.6). Links are absolute
 * URLs of this emulator, so a client can follow them as they are.
 */
import type { JsonObject } from "./normalize";

const fieldOrder = [
  "id", "engagementId", "organizationId", "organizationName", "name", "externalReferenceId", "createdDateTime",
  "updatedDateTime", "expirationDateTime", "acceptedDateTime", "closedDateTime", "status", "substatus", "statusReason",
  "qualification", "type", "direction", "eTag", "target", "customerProfile", "consent", "details", "team",
  "inviteContext", "trackingInfo",
];

export function renderReferral(doc: JsonObject, referralsUrl: string, select?: string[]): JsonObject {
  const out: JsonObject = {};
  for (const key of fieldOrder) if (key in doc) out[key] = doc[key];
  for (const [key, value] of Object.entries(doc)) if (!(key in out)) out[key] = value;
  out.links = {
    relatedReferrals: { uri: `${referralsUrl}?$filter=engagementId%20eq%20'${String(doc.engagementId)}'`, method: "GET" },
    self: { uri: `${referralsUrl}/${String(doc.id)}`, method: "GET" },
  };
  if (!select) return out;
  return Object.fromEntries(select.filter((key) => key in out).map((key) => [key, out[key]]));
}
