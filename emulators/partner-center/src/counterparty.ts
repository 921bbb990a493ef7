/**
 * The other side of the deal, for tests and the sandbox: Microsoft (or another partner) sends the
 * partner an incoming referral, accepts or declines a co-sell the partner shared, updates a
 * referral it sent, or closes the deal (partner-center-api.md §2.2, §2.8, §5). Every action goes
 * through the same store as the API, so it fires the same webhook events.
 *
 * Model: a shared engagement holds the partner's referral and the counterparty's own half. Changes
 * to the counterparty's half reach the partner as `related-referral-*` events (§7.10).
 */
import { randomBytes } from "node:crypto";
import type { EmulatorContext } from "./context";
import { ApiError, invalidRequest } from "./errors";
import { get } from "./referrals/rules";
import { isObject, readAs, type Json, type JsonObject } from "./referrals/normalize";
import { renderReferral } from "./referrals/render";
import { referralShape, serverOwnedFields } from "./referrals/schema";
import { INCOMING_EXPIRY_MS, MICROSOFT, type Party, type StoredReferral } from "./referrals/store";

export interface IncomingReferralInput {
  /** Who sends it: Microsoft (default) or another partner. */
  from?: "microsoft" | Party;
  /** The partner location it is addressed to (default: the partner's first location). */
  locationId?: string;
  /** Referral fields in any casing; anything left out gets a plausible default. */
  referral?: Record<string, unknown>;
}

export interface CounterpartyActions {
  /** A new incoming referral, `New/Pending`, expiring after 14 days without an answer. */
  createIncomingReferral(input?: IncomingReferralInput): JsonObject;
  /** Microsoft takes up a co-sell the partner shared: fills `trackingInfo.microsoftMsxId`. */
  accept(referralId: string, options?: { msxId?: string }): JsonObject;
  /** Microsoft declines to co-sell; the partner's deal goes on, its half closes as Declined. */
  decline(referralId: string, options?: { reason?: string }): JsonObject;
  /** The sender changes fields of a referral (details, customer, notes…), in any casing. */
  update(referralId: string, changes: Record<string, unknown>): JsonObject;
  /** The deal is closed from the other side: Won, Lost or Declined. */
  close(referralId: string, options: { substatus: "Won" | "Lost" | "Declined"; reason?: string }): JsonObject;
}

export function counterpartyActions(ctx: EmulatorContext): CounterpartyActions {
  const render = (stored: StoredReferral) => renderReferral(stored.doc, ctx.urls().referrals);

  const partnerReferral = (id: string) => {
    const stored = ctx.store.require(id);
    if (stored.owner !== ctx.partner.organizationId) throw invalidRequest(`Referral '${id}' is not one of ${ctx.partner.organizationName}'s referrals.`, "id");
    return stored;
  };

  const sharedWithMicrosoft = (stored: StoredReferral) => {
    if (stored.doc.direction !== "Outgoing" || get(stored.doc, "consent", "consentToShareReferralWithMicrosoftSellers") !== true) {
      throw new ApiError(409, "invalidRequest", "Microsoft can only accept or decline an outgoing referral that is visible to Microsoft sellers (consentToShareReferralWithMicrosoftSellers = true).", "consent");
    }
    if (stored.doc.status === "Closed") throw new ApiError(409, "invalidRequest", `The referral is Closed (${String(stored.doc.substatus)}).`, "status");
    const half = ctx.store.inEngagement(String(stored.doc.engagementId)).find((r) => r.owner === MICROSOFT.organizationId);
    if (half?.doc.status === "Closed") {
      throw new ApiError(409, "invalidRequest", `Microsoft has already answered this co-sell (${String(half.doc.substatus)}).`, "status");
    }
  };

  /** Microsoft's own half of the engagement, created the first time Microsoft answers. */
  const microsoftHalf = (stored: StoredReferral, status: "Active" | "Closed", substatus: "Accepted" | "Declined", reason?: string) => {
    const existing = ctx.store.inEngagement(String(stored.doc.engagementId)).find((r) => r.owner === MICROSOFT.organizationId);
    if (!existing) {
      return ctx.store.create({ ...halfOf(stored.doc), statusReason: reason ?? null }, {
        owner: MICROSOFT, locationId: "msft", direction: "Incoming", status, substatus, cause: "counterparty", trusted: true,
      });
    }
    if (existing.doc.status === status && existing.doc.substatus === substatus) return existing;
    return ctx.store.system(String(existing.doc.id), (doc) => Object.assign(doc, { status, substatus, statusReason: reason ?? null }), "counterparty");
  };

  return {
    createIncomingReferral(input = {}) {
      const sender = input.from === undefined || input.from === "microsoft" ? MICROSOFT : input.from;
      if (!sender.organizationId || !sender.organizationName) throw invalidRequest("'from' needs an organizationId and an organizationName.", "from");
      const locationId = input.locationId ?? ctx.partner.locations[0].id;
      if (!ctx.partner.locations.some((l) => l.id === locationId)) {
        throw invalidRequest(`Unknown partner location '${locationId}'; known: ${ctx.partner.locations.map((l) => l.id).join(", ")}.`, "locationId");
      }
      if (input.referral !== undefined && !isObject(input.referral)) throw invalidRequest("'referral' must be an object.", "referral");
      const given = readAs(input.referral ?? {}, referralShape, "") as JsonObject;
      for (const field of serverOwnedFields) delete given[field];
      const doc = mergeDeep(defaultIncoming(sender, ctx.clock.now()), given);
      doc.inviteContext = { ...(isObject(doc.inviteContext) ? doc.inviteContext : {}), invitedBy: { organizationId: sender.organizationId, organizationName: sender.organizationName } };
      doc.target = [{ type: "BusinessProfileLocation", id: locationId }];

      // The sender's own half comes first, so the partner's referral is created into an existing engagement.
      const half = ctx.store.create(halfOf(doc), {
        owner: sender, locationId: sender.organizationId, direction: "Outgoing", status: "Active", substatus: "Accepted", cause: "counterparty", trusted: true,
      });
      const created = ctx.store.create({ ...doc, engagementId: half.doc.engagementId }, {
        owner: ctx.partner, locationId, direction: "Incoming", status: "New", substatus: "Pending", cause: "counterparty", trusted: true,
        expiresAfterMs: INCOMING_EXPIRY_MS,
      });
      return render(created);
    },

    accept(referralId, options = {}) {
      const stored = partnerReferral(referralId);
      sharedWithMicrosoft(stored);
      const msxId = options.msxId ?? `7-${randomBytes(5).toString("hex").toUpperCase()}`;
      const updated = ctx.store.system(String(stored.doc.id), (doc) => {
        doc.trackingInfo = { ...(isObject(doc.trackingInfo) ? doc.trackingInfo : {}), microsoftMsxId: msxId };
      }, "counterparty");
      microsoftHalf(updated, "Active", "Accepted");
      return render(updated);
    },

    decline(referralId, options = {}) {
      const stored = partnerReferral(referralId);
      sharedWithMicrosoft(stored);
      microsoftHalf(stored, "Closed", "Declined", options.reason ?? "Microsoft declined to co-sell.");
      return render(stored);
    },

    update(referralId, changes) {
      const stored = partnerReferral(referralId);
      if (!isObject(changes)) throw invalidRequest("Send the changed fields as a JSON object.", "referral");
      const patch = readAs(changes, referralShape, "") as JsonObject;
      for (const field of serverOwnedFields) delete patch[field];
      const updated = ctx.store.update(String(stored.doc.id), (doc) => mergeDeep(doc, patch), { cause: "counterparty" });
      return render(updated);
    },

    close(referralId, options) {
      if (!["Won", "Lost", "Declined"].includes(options?.substatus as string)) throw invalidRequest("'substatus' must be Won, Lost or Declined.", "substatus");
      const stored = partnerReferral(referralId);
      const updated = ctx.store.update(String(stored.doc.id), (doc) => ({ ...doc, status: "Closed", substatus: options.substatus, statusReason: options.reason ?? doc.statusReason ?? null }), {
        cause: "counterparty",
      });
      const half = ctx.store.inEngagement(String(updated.doc.engagementId)).find((r) => r.owner !== ctx.partner.organizationId && r.doc.status !== "Closed");
      if (half) ctx.store.system(String(half.doc.id), (doc) => Object.assign(doc, { status: "Closed", substatus: options.substatus }), "counterparty");
      return render(updated);
    },
  };
}

/** The counterparty's copy of the deal: the customer and the deal, not the partner's team. */
function halfOf(doc: JsonObject): JsonObject {
  const { team: _team, trackingInfo: _tracking, ...rest } = structuredClone(doc);
  return rest;
}

function mergeDeep(target: JsonObject, patch: JsonObject): JsonObject {
  for (const [key, value] of Object.entries(patch)) {
    target[key] = isObject(value) && isObject(target[key]) ? mergeDeep(target[key] as JsonObject, value) : (value as Json);
  }
  return target;
}

function defaultIncoming(sender: Party, now: Date): JsonObject {
  const closing = new Date(now.getTime() + 60 * 24 * 3600_000).toISOString().slice(0, 10);
  const fromMicrosoft = sender.organizationId === MICROSOFT.organizationId;
  return {
    name: fromMicrosoft ? "Fabrikam: Microsoft 365 rollout" : `Fabrikam: referral from ${sender.organizationName}`,
    qualification: "SalesQualified",
    type: "Shared",
    customerProfile: {
      name: "Fabrikam Customer Inc",
      address: { addressLine1: "One Microsoft Way", addressLine2: "", city: "Redmond", state: "WA", postalCode: "98052", country: "US" },
      size: "51to250employees",
      team: [{ firstName: "Sue", lastName: "Smith", phoneNumber: "1234567890", email: "sue.smith@fabrikam.example", contactPreference: { locale: "en-US", disableNotifications: false } }],
      ids: [],
    },
    consent: { consentToToShareInfoWithOthers: true, consentToContact: true, consentToShareReferralWithMicrosoftSellers: true },
    details: {
      notes: "We are interested in deploying Microsoft 365 and are looking for support in training our employees. Can you help?",
      dealValue: 10000,
      currency: "USD",
      closingDateTime: `${closing}T00:00:00Z`,
      requirements: { industries: [{ id: "Education" }], products: [{ id: "Microsoft365" }], services: [{ id: "LearningAndCertification" }], solutions: [{ id: "SOL-Microsoft365", name: "Microsoft365" }] },
    },
    team: [],
    inviteContext: { notes: `Hi, can you help this customer? ${sender.organizationName}`, assistanceRequestCode: "GeneralOrOther" },
  };
}
