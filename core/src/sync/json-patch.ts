/**
 * Projection differences as an RFC 6902 JSON Patch for `PATCH /referrals/{id}`. Partner Center
 * accepts only `add` and `replace` (partner-center-api.md §3.4, §7.7), so a cleared value is
 * replaced by an empty one rather than removed.
 */
import type { Referral } from "../referral/types";
import { toClosingDateTime } from "../mapping/values";
import { DefaultFieldRules, SyncFields, flowsToPartnerCenter, type SyncField } from "./fields";
import { changedFields, type SyncProjection } from "./projection";

export interface JsonPatchOperation {
  op: "add" | "replace";
  path: string;
  value: unknown;
}

/** Where each field lives in the referral and its wire value (empty value when cleared). */
function wireValues(field: SyncField, p: SyncProjection): [path: string, value: unknown][] {
  switch (field) {
    case "name":
      return [["/name", p.name ?? ""]];
    case "dealValue":
      return [["/details/dealValue", p.dealValue ?? null]];
    case "currency":
      return [["/details/currency", p.currency ?? ""]];
    case "closingDate":
      return [["/details/closingDateTime", p.closingDate ? toClosingDateTime(p.closingDate) : null]];
    case "notes":
      return [["/details/notes", p.notes ?? ""]];
    case "status":
      // Status before substatus, as in the documented close-as-won sample.
      return p.status ? [["/status", p.status.status], ["/substatus", p.status.substatus]] : [];
    case "helpNeeded":
      return [["/inviteContext/assistanceRequestCode", p.helpNeeded ?? "Unknown"]];
    case "visibility":
      return [["/consent/consentToShareReferralWithMicrosoftSellers", p.visibility ?? false]];
    case "solutions":
      return [["/details/requirements/solutions", p.solutions ?? []]];
    case "customerContacts":
      return [["/customerProfile/team", p.customerContacts ?? []]];
    case "microsoftCrmId":
      return [["/trackingInfo/microsoftMsxId", p.microsoftCrmId ?? ""]];
  }
}

const segmentsOf = (path: string): string[] => path.split("/").slice(1);

function valueAt(document: unknown, segments: readonly string[]): unknown {
  let node = document;
  for (const segment of segments) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** With the current referral: `replace` what exists, `add` what does not, creating missing parents. */
function operationAgainst(current: Referral, path: string, value: unknown): JsonPatchOperation {
  const segments = segmentsOf(path);
  if (valueAt(current, segments) !== undefined) return { op: "replace", path, value };
  let depth = segments.length - 1;
  while (depth > 0 && valueAt(current, segments.slice(0, depth)) === undefined) depth--;
  let nested: unknown = value;
  for (let i = segments.length - 1; i > depth; i--) nested = { [segments[i]]: nested };
  return { op: "add", path: `/${segments.slice(0, depth + 1).join("/")}`, value: nested };
}

const defaultPushFields = SyncFields.filter((field) => flowsToPartnerCenter(DefaultFieldRules[field]));

/**
 * The patch that takes Partner Center from the `last` synced projection to `next`.
 * `fields` limits it (default: the fields that flow CRM → Partner Center by default, or pass a
 * SyncResolution's `toPartnerCenter`). Pass `current` (the referral as just read) to get exact
 * `add`/`replace` choices and missing parent objects; without it, a value absent from `last` is
 * `add`ed and its parent object is assumed to exist.
 */
export function diffToJsonPatch(
  last: SyncProjection | undefined,
  next: SyncProjection,
  options: { fields?: readonly SyncField[]; current?: Referral } = {},
): JsonPatchOperation[] {
  const fields = changedFields(last ?? {}, next, options.fields ?? defaultPushFields);
  const operations: JsonPatchOperation[] = [];
  for (const field of fields) {
    // RFC 6902 `add` also overwrites an existing member, so it is the safe choice when unsure.
    const previous = last?.[field];
    const existed = previous !== undefined && !(Array.isArray(previous) && previous.length === 0);
    for (const [path, value] of wireValues(field, next)) {
      operations.push(options.current ? operationAgainst(options.current, path, value) : { op: existed ? "replace" : "add", path, value });
    }
  }
  return operations;
}
