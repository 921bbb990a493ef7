/**
 * Three-way resolution of one link: the last agreed projection (base) against the CRM and Partner
 * Center projections read now. Each field flows per its direction; a field changed on both sides
 * goes to its owner side; changes Partner Center would refuse (closed referral, forbidden status
 * move, un-sharing) are undone on the CRM side instead of being sent (ARCHITECTURE.md "Sync rules").
 */
import { fieldRules, type SyncConfig } from "../config/sync-config";
import type { MessageKey, MessageParams } from "../i18n/keys";
import { formatMessage, syncFieldLabel, syncSideLabel, type LocalizedMessage } from "../i18n/messages";
import { formatReferralState, isTerminal, validateReferralTransition } from "../status/transitions";
import { SyncFields, flowsToCrm, flowsToPartnerCenter, type SyncField, type SyncSide } from "./fields";
import { syncFieldEquals, type SyncProjection } from "./projection";

export interface SyncDecision {
  field: SyncField;
  /** The side whose value now stands on both sides. */
  winner: SyncSide;
  crmValue: unknown;
  partnerCenterValue: unknown;
  messageKey: Extract<MessageKey, "conflict-owner-wins" | `change-rejected-${string}`>;
  params: MessageParams;
  /** The decision in English, for logs; use {@link formatSyncDecision} for the user's language. */
  note: string;
}

export interface SyncResolution {
  /** What both sides hold once the writes below succeed: store it as the new last synced projection. */
  merged: SyncProjection;
  /** Fields to PATCH in Partner Center (build the patch with diffToJsonPatch(partnerCenter, merged)). */
  toPartnerCenter: SyncField[];
  /** Fields to write to the CRM record (mapReferralToOpportunity with `fields`, from the merged values). */
  toCrm: SyncField[];
  /** Fields changed on both sides; the owner side won. */
  conflicts: SyncDecision[];
  /** CRM changes Partner Center would refuse; the Partner Center value is restored in the CRM. */
  rejected: SyncDecision[];
}

export interface SyncInput {
  /** Last agreed projection; absent on the first sync of a link. */
  base?: SyncProjection;
  crm: SyncProjection;
  partnerCenter: SyncProjection;
  /** Limit to these fields (a Lead syncs only `status`). Default: all. */
  fields?: readonly SyncField[];
}

/** Fields with a CRM column the Partner Center value can be written back to. */
const restorableInCrm: ReadonlySet<SyncField> = new Set(["name", "dealValue", "currency", "closingDate", "notes", "status", "helpNeeded", "visibility"]);

function display(field: SyncField, projection: SyncProjection): string {
  switch (field) {
    case "status":
      return formatReferralState(projection.status) || "—";
    case "solutions":
      return (projection.solutions ?? []).map((s) => s.id).join(", ") || "—";
    case "customerContacts":
      return (projection.customerContacts ?? []).map((c) => c.email).join(", ") || "—";
    default: {
      const value = projection[field];
      return value === undefined || value === "" ? "—" : String(value);
    }
  }
}

function decision(
  field: SyncField,
  winner: SyncSide,
  sides: SyncInput,
  messageKey: SyncDecision["messageKey"],
  params: MessageParams,
): SyncDecision {
  const partial = {
    field,
    winner,
    crmValue: sides.crm[field],
    partnerCenterValue: sides.partnerCenter[field],
    messageKey,
    params,
  };
  return { ...partial, note: formatSyncDecision(partial, 1033).message };
}

/** Why Partner Center would refuse the CRM value of this field, if it would. */
function refusal(field: SyncField, sides: SyncInput): SyncDecision | undefined {
  const pc = sides.partnerCenter;
  if (isTerminal(pc.status)) {
    return decision(field, "partnerCenter", sides, "change-rejected-closed", { status: formatReferralState(pc.status) });
  }
  if (field === "status" && pc.status && sides.crm.status) {
    const check = validateReferralTransition(pc.status, sides.crm.status);
    if (!check.ok) {
      return decision(field, "partnerCenter", sides, "change-rejected-transition", {
        from: formatReferralState(pc.status),
        to: formatReferralState(sides.crm.status),
      });
    }
  }
  if (field === "visibility" && pc.visibility === true && sides.crm.visibility !== true) {
    return decision(field, "partnerCenter", sides, "change-rejected-visibility", {});
  }
  return undefined;
}

export function resolveSync(sides: SyncInput, config: SyncConfig): SyncResolution {
  const rules = fieldRules(config);
  const { base, crm, partnerCenter: pc } = sides;
  const merged: Record<string, unknown> = { ...pc };
  const result: SyncResolution = { merged: merged as SyncProjection, toPartnerCenter: [], toCrm: [], conflicts: [], rejected: [] };

  for (const field of sides.fields ?? SyncFields) {
    const rule = rules[field];
    if (rule.direction === "none" || syncFieldEquals(field, crm, pc)) continue;

    const toPartnerCenter = flowsToPartnerCenter(rule);
    const toCrm = flowsToCrm(rule);
    const crmChanged = !base || !syncFieldEquals(field, base, crm);
    const pcChanged = !base || !syncFieldEquals(field, base, pc);
    let winner: SyncSide;
    if (!toCrm) winner = "crm";
    else if (!toPartnerCenter) winner = "partnerCenter";
    else if (crmChanged && !pcChanged) winner = "crm";
    else if (pcChanged && !crmChanged) winner = "partnerCenter";
    else {
      winner = rule.owner;
      if (base) {
        const loser = winner === "crm" ? pc : crm;
        const kept = winner === "crm" ? crm : pc;
        result.conflicts.push(decision(field, winner, sides, "conflict-owner-wins", { value: display(field, kept), other: display(field, loser) }));
      }
    }

    if (winner === "partnerCenter") {
      merged[field] = pc[field];
      result.toCrm.push(field);
      continue;
    }
    const refused = refusal(field, sides);
    if (refused) {
      merged[field] = pc[field];
      result.rejected.push(refused);
      if (restorableInCrm.has(field)) result.toCrm.push(field);
      continue;
    }
    merged[field] = crm[field];
    result.toPartnerCenter.push(field);
  }
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  return result;
}

/** A conflict or rejection in the user's language, with its hint. */
export function formatSyncDecision(d: Pick<SyncDecision, "field" | "winner" | "messageKey" | "params">, lcid: number): LocalizedMessage {
  return formatMessage(d.messageKey, { ...d.params, field: syncFieldLabel(d.field, lcid), winner: syncSideLabel(d.winner, lcid) }, lcid);
}
