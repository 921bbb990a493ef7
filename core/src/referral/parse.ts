import {
  AssistanceRequestCodes,
  CustomerIdProfileTypes,
  CustomerSizes,
  Qualifications,
  ReferralDirections,
  ReferralStatuses,
  ReferralSubstatuses,
  ReferralTypes,
  SolutionTagTypes,
  TargetTypes,
  type Referral,
  type ReferralPage,
} from "./types";
import { PayloadFormatError, any, arr, bool, closedEnum, num, obj, openEnum, readShape, str, type Shape } from "./shape";

const member = obj({
  firstName: str,
  lastName: str,
  phoneNumber: str,
  email: str,
  title: str,
  contactPreference: obj({ locale: str, disableNotifications: bool }),
});

const idTag = obj({ id: str });
const link = obj({ uri: str, method: str });

/** The referral resource of partner-center-api.md §2. */
const referralShape: Shape = obj({
  id: str,
  engagementId: str,
  name: str,
  organizationId: str,
  organizationName: str,
  externalReferenceId: str,
  createdDateTime: str,
  updatedDateTime: str,
  expirationDateTime: str,
  acceptedDateTime: str,
  closedDateTime: str,
  // status/type drive the lifecycle rules, so an unknown value is an error rather than a guess.
  status: closedEnum(ReferralStatuses),
  substatus: openEnum(ReferralSubstatuses),
  statusReason: str,
  type: closedEnum(ReferralTypes),
  qualification: openEnum(Qualifications),
  direction: openEnum(ReferralDirections),
  customerProfile: obj({
    name: str,
    address: obj({
      addressLine1: str,
      addressLine2: str,
      city: str,
      state: str,
      postalCode: str,
      country: str,
      region: str,
    }),
    size: openEnum(CustomerSizes),
    team: arr(member),
    // One list sample carries `"ids": {}` instead of an array.
    ids: arr(obj({ profileType: openEnum(CustomerIdProfileTypes), id: str }), true),
    isMatchingComplete: bool,
  }),
  consent: obj({
    consentToToShareInfoWithOthers: bool,
    consentToContact: bool,
    consentToMicrosoftToContactSpecificPartners: bool,
    consentToShareReferralWithMicrosoftSellers: bool,
  }),
  details: obj({
    notes: str,
    dealValue: num,
    currency: str,
    closingDateTime: str,
    customerRequestedContact: bool,
    customerAction: str,
    incentiveLevel: str,
    requirements: obj({
      industries: arr(idTag),
      products: arr(idTag),
      services: arr(idTag),
      solutions: arr(
        obj({
          id: str,
          name: str,
          type: openEnum(SolutionTagTypes),
          publisherName: str,
          solutionType: str,
          price: num,
          quantity: num,
          currency: str,
          closingDateTime: str,
        }),
      ),
      offers: arr(any),
      salesPlays: arr(any),
      additionalRequirements: obj({
        iot: obj({
          customerLicenseAgreementNumber: str,
          deviceCategory: str,
          siliconType: str,
          azureCertifiedDevice: str,
          attachServices: str,
        }),
        attributes: arr(obj({ type: str, id: str })),
      }),
    }),
  }),
  team: arr(member),
  inviteContext: obj({
    notes: str,
    invitedBy: obj({ organizationId: str, organizationName: str }),
    assistanceRequestCode: openEnum(AssistanceRequestCodes),
    invitedMpnId: str,
  }),
  target: arr(obj({ type: openEnum(TargetTypes), id: str })),
  eTag: str,
  links: obj({ relatedReferrals: link, self: link }),
  "@odata.context": str,
  referralSource: str,
  callToAction: str,
  campaignId: str,
  salesStage: str,
  favorite: bool,
  trackingInfo: obj({
    microsoftMsxId: str,
    microsoftUSFedOpportunityId: str,
    microsoftUSFedLeadId: str,
    migratedPSCDealId: str,
    migratedPSCPartnerDealId: str,
  }),
  registrationStatus: str,
  registrations: arr(any),
  referralProgram: str,
  lastModifiedVia: str,
  lastRunId: str,
  mpnId: str,
  quality: str,
  isSpam: bool,
  tags: arr(str),
});

/**
 * Reads a referral in any property casing and returns it in camelCase. Throws
 * {@link PayloadFormatError} naming the field when a value has the wrong type.
 */
export function parseReferral(json: unknown): Referral {
  return readShape(json, referralShape, "Referral") as Referral;
}

const pageShape: Shape = obj({
  "@odata.context": str,
  "@odata.count": num,
  "@odata.nextLink": str,
  value: arr(any),
});

/** Reads a `GET /referrals` page (§3.1); every item goes through {@link parseReferral}. */
export function parseReferralPage(json: unknown): ReferralPage {
  const page = readShape(json, pageShape, "Referral list") as { value?: unknown[] } & Omit<ReferralPage, "value">;
  const value = (page.value ?? []).map((item, i) => {
    try {
      return parseReferral(item);
    } catch (error) {
      if (error instanceof PayloadFormatError) {
        const path = error.path ? `value[${i}].${error.path}` : `value[${i}]`;
        throw new PayloadFormatError("Referral list", path, error.problem);
      }
      throw error;
    }
  });
  return { ...page, value };
}
