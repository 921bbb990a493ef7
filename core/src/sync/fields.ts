/**
 * The fields the sync keeps equal on both sides, with their direction and owner
 * (ARCHITECTURE.md "Sync rules"; cosell-connectors.md §2 "Fields updated after creation").
 */

export const SyncFields = [
  "name",
  "dealValue",
  "currency",
  "closingDate",
  "notes",
  "status",
  "helpNeeded",
  "visibility",
  "solutions",
  "customerContacts",
  "microsoftCrmId",
] as const;
export type SyncField = (typeof SyncFields)[number];

/** Where a field's changes flow. `none` leaves the field out of the sync entirely. */
export type FieldDirection = "both" | "toCrm" | "toPartnerCenter" | "none";
export const FieldDirections: readonly FieldDirection[] = ["both", "toCrm", "toPartnerCenter", "none"];

export type SyncSide = "crm" | "partnerCenter";
export const SyncSides: readonly SyncSide[] = ["crm", "partnerCenter"];

export interface FieldRule {
  direction: FieldDirection;
  /** The side that wins when the field changed on both sides since the last sync. */
  owner: SyncSide;
}

/**
 * Built-in directions. For the two-way fields the seller's own deal data is owned by the CRM,
 * while the referral status is owned by Partner Center: its closed states are final there, so a
 * CRM change cannot override them anyway.
 */
export const DefaultFieldRules: Readonly<Record<SyncField, FieldRule>> = {
  name: { direction: "toPartnerCenter", owner: "crm" },
  dealValue: { direction: "both", owner: "crm" },
  currency: { direction: "both", owner: "crm" },
  closingDate: { direction: "both", owner: "crm" },
  notes: { direction: "both", owner: "crm" },
  status: { direction: "both", owner: "partnerCenter" },
  helpNeeded: { direction: "toPartnerCenter", owner: "crm" },
  visibility: { direction: "toPartnerCenter", owner: "crm" },
  solutions: { direction: "toPartnerCenter", owner: "crm" },
  customerContacts: { direction: "toPartnerCenter", owner: "crm" },
  microsoftCrmId: { direction: "toCrm", owner: "partnerCenter" },
};

export const flowsToPartnerCenter = (rule: FieldRule): boolean => rule.direction === "both" || rule.direction === "toPartnerCenter";
export const flowsToCrm = (rule: FieldRule): boolean => rule.direction === "both" || rule.direction === "toCrm";
