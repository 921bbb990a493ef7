/**
 * The form's API over the sync engine: a sync now that answers within a budget (202 "queued" after
 * it, while the run goes on), and the engine's refusals as problem+json a seller can act on.
 */
import type { QueuedAnswer, SellerActions, SyncAnswer } from "../http/api";
import { HttpProblem } from "../http/problem";
import { AuthorizationError, DataverseError } from "../dataverse/errors";
import { PartnerCenterError } from "../partner-center/errors";
import type { Logger } from "../observability/logger";
import { LeadActionError, type LeadActionProblem, type SyncEngine, type SyncResult } from "../sync";

const PROBLEM_STATUS: Record<LeadActionProblem, number> = {
  "lead-not-found": 404,
  "referral-not-found": 404,
  "not-from-partner-center": 422,
  "referral-closed": 409,
  "reason-required": 400,
  "configuration-invalid": 503,
};

export interface SellerActionsOptions {
  engine: Pick<SyncEngine, "syncOpportunityNow" | "acceptLead" | "declineLead">;
  /** How long the form's call waits for an inline sync before it is told the sync goes on. */
  inlineBudgetMs: number;
  logger: Logger;
}

export function sellerActions(options: SellerActionsOptions): SellerActions {
  const { engine, logger } = options;
  return {
    async syncOpportunity(opportunityId, seller) {
      const run = guard(() => engine.syncOpportunityNow(opportunityId, { objectId: seller.objectId, lcid: seller.lcid }));
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<"over-budget">((resolve) => {
        timer = setTimeout(() => resolve("over-budget"), options.inlineBudgetMs);
      });
      try {
        const first = await Promise.race([run, budget]);
        if (first !== "over-budget") return answer(first);
      } finally {
        clearTimeout(timer);
      }
      run.then(
        (result) => logger.info({ opportunityId, outcome: result.outcome }, "sync now finished after the form stopped waiting"),
        (error: unknown) => logger.warn({ opportunityId, err: error }, "sync now failed after the form stopped waiting"),
      );
      const queued: QueuedAnswer = { outcome: "queued", message: "The sync takes longer than usual and goes on in the background; its result will appear on the record." };
      return queued;
    },

    async acceptLead(leadId, seller) {
      const result = await guard(() => engine.acceptLead(leadId, { objectId: seller.objectId, lcid: seller.lcid }));
      return { opportunityId: result.opportunityId, message: result.message };
    },

    async declineLead(leadId, reason, seller) {
      const result = await guard(() => engine.declineLead(leadId, reason, { objectId: seller.objectId, lcid: seller.lcid }));
      return { message: result.message };
    },
  };
}

function answer(result: SyncResult): SyncAnswer {
  const body: SyncAnswer = { outcome: result.outcome, message: result.message };
  if (result.referralId) body.referralId = result.referralId;
  if (result.referralLink) body.referralLink = result.referralLink;
  if (result.violations?.length) body.violations = result.violations;
  return body;
}

/** Turns the engine's and the platforms' refusals into answers; anything else stays a 500. */
async function guard<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof LeadActionError) {
      throw new HttpProblem(PROBLEM_STATUS[error.problem], error.message, { problem: error.problem, ...(error.fix ? { fix: error.fix } : {}) });
    }
    if (error instanceof AuthorizationError) {
      throw new HttpProblem(403, `Dataverse did not let you do this: ${error.message}`);
    }
    if (error instanceof DataverseError) throw new HttpProblem(502, `Dataverse did not complete the request: ${error.message}`);
    if (error instanceof PartnerCenterError) throw new HttpProblem(502, `Partner Center did not complete the request: ${error.message}`);
    throw error;
  }
}
