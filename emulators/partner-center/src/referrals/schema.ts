/**
 * The shape of a referral on the wire (partner-center-api.md §2, and the `V3.Referral` definition in
 * the Power Platform connector swagger). One description drives three things: reading input in any
 * casing into canonical camelCase names (§7.2), resolving JSON Patch paths (§7.7), and knowing
 * which properties a client may not set (§7.3).
 */

export type Shape =
  | { kind: "string"; values?: readonly string[] }
  | { kind: "number" }
  | { kind: "boolean" }
  | { kind: "datetime" }
  | { kind: "object"; fields: Record<string, Shape> }
  | { kind: "array"; items: Shape }
  /** Loosely documented subtrees kept as sent (e.g. `additionalRequirements`). */
  | { kind: "any" };

export const ReferralStatuses = ["None", "New", "Active", "Closed"] as const;
export const ReferralSubstatuses = ["None", "Pending", "Received", "Accepted", "Won", "Lost", "Declined", "Expired"] as const;
export type ReferralStatus = (typeof ReferralStatuses)[number];
export type ReferralSubstatus = (typeof ReferralSubstatuses)[number];
export const ReferralTypes = ["Independent", "Shared"] as const;
export const Qualifications = ["None", "Direct", "MarketingQualified", "SalesQualified"] as const;
export const Directions = ["Incoming", "Outgoing"] as const;
export const TargetTypes = ["None", "BusinessProfileLocation", "SolutionProfile"] as const;
export const SolutionTagTypes = ["None", "Category", "Name"] as const;
/** §2.6, from the connector swagger enum. */
export const AssistanceRequestCodes = [
  "Unknown",
  "GeneralOrOther",
  "CustomerTechnicalArchitecture",
  "ProofOfConceptOrDemo",
  "QuotesOrLicensing",
  "PostSalesCustomerSuccess",
  "WorkloadSpecificValueProposition",
] as const;

const string: Shape = { kind: "string" };
const boolean: Shape = { kind: "boolean" };
const number: Shape = { kind: "number" };
const datetime: Shape = { kind: "datetime" };
const oneOf = (values: readonly string[]): Shape => ({ kind: "string", values });
const object = (fields: Record<string, Shape>): Shape => ({ kind: "object", fields });
const arrayOf = (items: Shape): Shape => ({ kind: "array", items });
const any: Shape = { kind: "any" };

/** §2.3 Member: the partner's sellers (`team`) and the customer's contacts (`customerProfile.team`). */
export const memberShape = object({
  firstName: string,
  lastName: string,
  title: string,
  phoneNumber: string,
  email: string,
  contactPreference: object({ locale: string, disableNotifications: boolean }),
});

/** §2.5 SolutionTag. */
export const solutionShape = object({
  id: string,
  name: string,
  type: oneOf(SolutionTagTypes),
  publisherName: string,
  solutionType: string,
  price: number,
  quantity: number,
  currency: string,
  closingDateTime: datetime,
});

export const targetShape = object({ type: oneOf(TargetTypes), id: string });

const idRef = arrayOf(object({ id: string }));

export const referralShape = object({
  id: string,
  engagementId: string,
  organizationId: string,
  organizationName: string,
  name: string,
  externalReferenceId: string,
  createdDateTime: datetime,
  updatedDateTime: datetime,
  expirationDateTime: datetime,
  acceptedDateTime: datetime,
  closedDateTime: datetime,
  status: oneOf(ReferralStatuses),
  substatus: oneOf(ReferralSubstatuses),
  statusReason: string,
  qualification: oneOf(Qualifications),
  type: oneOf(ReferralTypes),
  direction: oneOf(Directions),
  eTag: string,
  target: arrayOf(targetShape),
  customerProfile: object({
    name: string,
    address: object({
      addressLine1: string,
      addressLine2: string,
      city: string,
      state: string,
      postalCode: string,
      country: string,
      region: string,
    }),
    size: string,
    team: arrayOf(memberShape),
    ids: any,
    isMatchingComplete: boolean,
  }),
  consent: object({
    // §2.4: the double "To" is the real field name.
    consentToToShareInfoWithOthers: boolean,
    consentToContact: boolean,
    consentToMicrosoftToContactSpecificPartners: boolean,
    consentToShareReferralWithMicrosoftSellers: boolean,
  }),
  details: object({
    notes: string,
    dealValue: number,
    currency: string,
    closingDateTime: datetime,
    customerRequestedContact: boolean,
    customerAction: string,
    incentiveLevel: string,
    requirements: object({
      industries: idRef,
      products: idRef,
      services: idRef,
      solutions: arrayOf(solutionShape),
      offers: arrayOf(any),
      salesPlays: arrayOf(any),
      additionalRequirements: any,
    }),
  }),
  team: arrayOf(memberShape),
  inviteContext: object({
    notes: string,
    invitedBy: object({ organizationId: string, organizationName: string }),
    assistanceRequestCode: oneOf(AssistanceRequestCodes),
    invitedMpnId: string,
  }),
  links: any,
  referralSource: string,
  callToAction: string,
  campaignId: string,
  salesStage: string,
  referralProgram: string,
  favorite: boolean,
  trackingInfo: object({
    microsoftMsxId: string,
    microsoftUSFedOpportunityId: string,
    microsoftUSFedLeadId: string,
    migratedPSCDealId: string,
    migratedPSCPartnerDealId: string,
  }),
  registrationStatus: string,
  registrations: any,
  tags: any,
});

/**
 * Properties the server sets (§7.3). A client value is ignored on create and PUT; a PATCH to them is
 * refused. `engagementId` is client-settable on create only, to join a shared engagement (§7.10).
 */
export const serverOwnedFields = [
  "id",
  "engagementId",
  "organizationId",
  "organizationName",
  "createdDateTime",
  "updatedDateTime",
  "expirationDateTime",
  "acceptedDateTime",
  "closedDateTime",
  "direction",
  "eTag",
  "links",
  "trackingInfo",
  "registrationStatus",
  "registrations",
  "referralSource",
  "callToAction",
] as const;

/**
 * PATCH paths a client may write: the connector swagger's `UpdateReferralDetails` path list plus the
 * other documented client-owned fields. Array paths also accept `/-` and an index below them.
 */
export const patchablePaths = [
  "/name",
  "/externalReferenceId",
  "/status",
  "/substatus",
  "/statusReason",
  "/type",
  "/qualification",
  "/target",
  "/team",
  "/customerProfile/team",
  "/consent/consentToShareReferralWithMicrosoftSellers",
  "/consent/consentToContact",
  "/consent/consentToToShareInfoWithOthers",
  "/consent/consentToMicrosoftToContactSpecificPartners",
  "/details/dealValue",
  "/details/currency",
  "/details/closingDateTime",
  "/details/notes",
  "/details/requirements/solutions",
  "/inviteContext/assistanceRequestCode",
  "/inviteContext/notes",
  "/campaignId",
  "/salesStage",
  "/referralProgram",
  "/favorite",
] as const;

/** Finds a field of an object shape whatever the casing of `name` (§7.2). */
export function fieldOf(shape: Shape, name: string): { name: string; shape: Shape } | undefined {
  if (shape.kind !== "object") return undefined;
  if (name in shape.fields) return { name, shape: shape.fields[name] };
  const lower = name.toLowerCase();
  const match = Object.keys(shape.fields).find((key) => key.toLowerCase() === lower);
  return match === undefined ? undefined : { name: match, shape: shape.fields[match] };
}
