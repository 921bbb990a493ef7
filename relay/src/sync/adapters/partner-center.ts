/** The engine's Partner Center port over the relay's Referrals client. */
import type { JsonPatchOperation, Referral, ReferralCreateBody } from "@cosell/core";
import { ConflictError, NotFoundError, odata, ValidationError, type ReferralsClient } from "../../partner-center";
import { ReferralRejectedError, StaleReferralError, type PartnerCenterPort } from "../ports";

export function partnerCenterPort(referrals: ReferralsClient): PartnerCenterPort {
  return {
    async get(referralId) {
      try {
        return await referrals.get(referralId);
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },

    async create(body: ReferralCreateBody) {
      try {
        return await referrals.create(body);
      } catch (error) {
        throw translate(error);
      }
    },

    async patch(referralId: string, operations: JsonPatchOperation[], eTag: string) {
      try {
        return await referrals.patch(referralId, operations, { ifMatch: eTag });
      } catch (error) {
        throw translate(error);
      }
    },

    async *updatedSince(since: Date): AsyncIterable<Referral> {
      yield* referrals.iterate({ filter: odata.gt("updatedDateTime", since), orderBy: { field: "updatedDateTime", direction: "asc" } });
    },

    related: (referral) => referrals.related(referral),
  };
}

function translate(error: unknown): unknown {
  if (error instanceof ConflictError) return new StaleReferralError(error.message, { cause: error });
  if (error instanceof ValidationError) return new ReferralRejectedError(error.message, error.target, { cause: error });
  return error;
}
