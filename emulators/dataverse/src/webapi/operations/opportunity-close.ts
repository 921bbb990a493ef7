/**
 * WinOpportunity / LoseOpportunity: record an OpportunityClose activity and close the
 * opportunity as Won (state 1) or Lost (state 2) with the given status reason.
 */
import { badRequest, DataverseError, ErrorCodes } from "../../errors";
import { isReference } from "../../data/store";
import { emptyResponse } from "../context";
import { parseBody } from "../write";
import { requireParameter, type Operation, type OperationCall } from "./operation";

const WON = 1;
const LOST = 2;

function closeOpportunity({ env, context, parameters }: OperationCall, operation: "WinOpportunity" | "LoseOpportunity") {
  const state = operation === "WinOpportunity" ? WON : LOST;
  const status = requireParameter(parameters, "Status", operation, (v): v is number => typeof v === "number" && Number.isInteger(v));
  const closeBody = requireParameter(parameters, "OpportunityClose", operation, (v): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v));
  const closeEntity = env.entity("opportunityclose");
  const parsed = parseBody(env, closeEntity, closeBody, context, "create");
  const opportunityRef = parsed.values.opportunityid;
  if (!isReference(opportunityRef)) {
    throw badRequest(`The OpportunityClose passed to ${operation} must set 'opportunityid@odata.bind' to the opportunity being closed.`, ErrorCodes.InvalidArgument);
  }
  const opportunity = env.require("opportunity", opportunityRef.id);
  if (opportunity.statecode !== 0) {
    throw new DataverseError(400, ErrorCodes.InvalidStateTransition, `The opportunity with Id ${opportunityRef.id} is already closed and cannot be closed again.`);
  }
  const statuses = env.entity("opportunity").attributes.get("statuscode")!.options ?? [];
  const statusCode = status === -1 ? statuses.find((o) => o.state === state)!.value : status;
  if (!statuses.some((o) => o.value === statusCode && o.state === state)) {
    throw new DataverseError(
      400,
      ErrorCodes.InvalidStateTransition,
      `${status} is not a valid status code for state code OpportunityState.${state === WON ? "Won" : "Lost"} on opportunity with Id ${opportunityRef.id}.`,
    );
  }
  env.store.transaction(() => {
    const actualEnd = typeof parsed.values.actualend === "string" ? parsed.values.actualend : env.timestamp();
    const closeId = env.create("opportunityclose", { ...parsed.values, actualend: actualEnd }, context.actor, { correlationId: context.correlationId });
    env.update("opportunityclose", closeId, { statecode: 1, statuscode: 2 }, context.actor, { correlationId: context.correlationId, silent: true });
    for (const work of parsed.afterWrite) work(closeId);
    const changes: Record<string, string | number> = { statecode: state, statuscode: statusCode, actualclosedate: actualEnd.slice(0, 10) };
    if (state === WON && typeof parsed.values.actualrevenue === "number") changes.actualvalue = parsed.values.actualrevenue;
    env.update("opportunity", opportunityRef.id, changes, context.actor, { internalStateChange: true, correlationId: context.correlationId });
    env.emitMessage(state === WON ? "Win" : "Lose", "opportunity", opportunityRef.id, { OpportunityClose: closeId, Status: statusCode }, context.actor, { correlationId: context.correlationId });
  });
  return emptyResponse(204);
}

export const winOpportunity: Operation = { name: "WinOpportunity", kind: "action", invoke: (call) => closeOpportunity(call, "WinOpportunity") };
export const loseOpportunity: Operation = { name: "LoseOpportunity", kind: "action", invoke: (call) => closeOpportunity(call, "LoseOpportunity") };
