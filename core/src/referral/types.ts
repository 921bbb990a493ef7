/**
 * The Partner Center referral as it travels on the wire (camelCase), per partner-center-api.md §2.
 * Every property is optional because the same shape serves create bodies, PUT bodies and responses;
 * `null` in the JSON is read as "absent".
 */
import type { AssistanceRequestCode } from "../crm/schema";

/** A closed set of documented values that Partner Center may still extend; unknown values are kept. */
export type OpenEnum<T extends string> = T | (string & Record<never, never>);

export const ReferralStatuses = ["None", "New", "Active", "Closed"] as const;
export type ReferralStatus = (typeof ReferralStatuses)[number];

export const ReferralSubstatuses = ["None", "Pending", "Received", "Accepted", "Won", "Lost", "Declined", "Expired"] as const;
export type ReferralSubstatus = (typeof ReferralSubstatuses)[number];

export const ReferralTypes = ["Independent", "Shared"] as const;
export type ReferralType = (typeof ReferralTypes)[number];

export const Qualifications = ["None", "Direct", "MarketingQualified", "SalesQualified"] as const;
export type Qualification = (typeof Qualifications)[number];

export const ReferralDirections = ["Incoming", "Outgoing"] as const;
export type ReferralDirection = (typeof ReferralDirections)[number];

/** `inviteContext.assistanceRequestCode`: the CRM choice values plus `Unknown` (no help requested). §2.6 */
export const AssistanceRequestCodes = [
  "Unknown",
  "GeneralOrOther",
  "CustomerTechnicalArchitecture",
  "ProofOfConceptOrDemo",
  "QuotesOrLicensing",
  "PostSalesCustomerSuccess",
  "WorkloadSpecificValueProposition",
] as const;
export type AssistanceRequestCodeOnWire = "Unknown" | AssistanceRequestCode;

export const TargetTypes = ["None", "BusinessProfileLocation", "SolutionProfile"] as const;
export type TargetType = (typeof TargetTypes)[number];

export const SolutionTagTypes = ["None", "Category", "Name"] as const;
export type SolutionTagType = (typeof SolutionTagTypes)[number];

/** §2.3: both the older and the newer bucket sets are in use. */
export const CustomerSizes = [
  "1to50employees",
  "51to500employees",
  "Morethan500employees",
  "1to9employees",
  "10to50employees",
  "51to250employees",
  "251to1000employees",
  "1001to5000employees",
  "5001to10000employees",
  "10001to20000employees",
  "Morethan20000employees",
] as const;
export type CustomerSize = (typeof CustomerSizes)[number];

export const CustomerIdProfileTypes = ["Duns", "External"] as const;

export interface ContactPreference {
  locale?: string;
  disableNotifications?: boolean;
}

/** A person: a partner seller in `team`, or a customer contact in `customerProfile.team`. */
export interface Member {
  firstName?: string;
  lastName?: string;
  phoneNumber?: string;
  /** The field is `email` (not `emailAddress`). §2.3 */
  email?: string;
  title?: string;
  contactPreference?: ContactPreference;
}

export interface Address {
  addressLine1?: string;
  addressLine2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  /** ISO 3166-1 alpha-2. §2.3 */
  country?: string;
  region?: string;
}

export interface CustomerId {
  profileType?: OpenEnum<"Duns" | "External">;
  id?: string;
}

export interface CustomerProfile {
  name?: string;
  address?: Address;
  size?: OpenEnum<CustomerSize>;
  team?: Member[];
  ids?: CustomerId[];
  isMatchingComplete?: boolean;
}

/** §2.4 — note the real field name `consentToToShareInfoWithOthers` (double "To"). */
export interface Consent {
  consentToToShareInfoWithOthers?: boolean;
  consentToContact?: boolean;
  consentToMicrosoftToContactSpecificPartners?: boolean;
  /** The "visible to Microsoft sellers" switch; `false` makes a private deal. */
  consentToShareReferralWithMicrosoftSellers?: boolean;
}

export interface IdTag {
  id?: string;
}

export interface SolutionTag {
  /** Co-sell ids look like `SOL-15974-MQF`; legacy category ids like `Dynamics365forFieldService`. */
  id?: string;
  name?: string;
  type?: OpenEnum<SolutionTagType>;
  publisherName?: string;
  solutionType?: string;
  price?: number;
  quantity?: number;
  currency?: string;
  closingDateTime?: string;
}

export interface RequirementAttribute {
  type?: string;
  id?: string;
}

export interface IotRequirements {
  customerLicenseAgreementNumber?: string;
  deviceCategory?: string;
  siliconType?: string;
  azureCertifiedDevice?: string;
  attachServices?: string;
}

export interface AdditionalRequirements {
  iot?: IotRequirements;
  attributes?: RequirementAttribute[];
}

export interface Requirements {
  industries?: IdTag[];
  products?: IdTag[];
  services?: IdTag[];
  solutions?: SolutionTag[];
  offers?: unknown[];
  salesPlays?: unknown[];
  additionalRequirements?: AdditionalRequirements;
}

export interface ReferralDetails {
  notes?: string;
  dealValue?: number;
  /** ISO 4217. */
  currency?: string;
  /** UTC ISO-8601. */
  closingDateTime?: string;
  requirements?: Requirements;
  customerRequestedContact?: boolean;
  customerAction?: string;
  incentiveLevel?: string;
}

export interface InvitedBy {
  organizationId?: string;
  organizationName?: string;
}

export interface InviteContext {
  notes?: string;
  invitedBy?: InvitedBy;
  assistanceRequestCode?: OpenEnum<AssistanceRequestCodeOnWire>;
  invitedMpnId?: string;
}

export interface ReferralTarget {
  type?: OpenEnum<TargetType>;
  id?: string;
}

export interface TrackingInfo {
  /** Microsoft's own CRM (MSX) opportunity id. */
  microsoftMsxId?: string;
  microsoftUSFedOpportunityId?: string;
  microsoftUSFedLeadId?: string;
  migratedPSCDealId?: string;
  migratedPSCPartnerDealId?: string;
}

export interface Link {
  uri?: string;
  method?: string;
}

export interface ReferralLinks {
  relatedReferrals?: Link;
  self?: Link;
}

export interface Referral {
  id?: string;
  engagementId?: string;
  name?: string;
  organizationId?: string;
  organizationName?: string;
  /** The partner's CRM id: our opportunity id. */
  externalReferenceId?: string;
  createdDateTime?: string;
  updatedDateTime?: string;
  expirationDateTime?: string;
  acceptedDateTime?: string;
  closedDateTime?: string;
  status?: ReferralStatus;
  substatus?: OpenEnum<ReferralSubstatus>;
  statusReason?: string;
  type?: ReferralType;
  qualification?: OpenEnum<Qualification>;
  direction?: OpenEnum<ReferralDirection>;
  customerProfile?: CustomerProfile;
  consent?: Consent;
  details?: ReferralDetails;
  team?: Member[];
  inviteContext?: InviteContext;
  target?: ReferralTarget[];
  /** Includes its literal quotes, e.g. `"\"2500ec5a-…\""`. */
  eTag?: string;
  links?: ReferralLinks;
  "@odata.context"?: string;
  referralSource?: string;
  callToAction?: string;
  campaignId?: string;
  salesStage?: string;
  favorite?: boolean;
  trackingInfo?: TrackingInfo;
  registrationStatus?: string;
  registrations?: unknown[];
  referralProgram?: string;
  lastModifiedVia?: string;
  lastRunId?: string;
  mpnId?: string;
  quality?: string;
  isSpam?: boolean;
  tags?: string[];
}

/** A POST body: the fields Partner Center requires on create (§3.3, §7.8). */
export interface ReferralCreateBody extends Referral {
  name: string;
  type: ReferralType;
  customerProfile: CustomerProfile;
  consent: Consent;
  details: ReferralDetails;
  team: Member[];
  target: ReferralTarget[];
  externalReferenceId: string;
}

/** GET /referrals collection page. §3.1 */
export interface ReferralPage {
  "@odata.context"?: string;
  "@odata.count"?: number;
  value: Referral[];
  "@odata.nextLink"?: string;
}

/** A referral's position in the lifecycle of §2.2. */
export interface ReferralState {
  status: ReferralStatus;
  substatus: OpenEnum<ReferralSubstatus>;
}
