import { badRequest, ErrorCodes } from "../../errors";
import type { DataverseEnvironment } from "../../environment";
import type { ApiResponse, CallContext } from "../context";

/** A Web API function (GET, parameters in the URL) or action (POST, parameters in the body). */
export interface Operation {
  name: string;
  kind: "function" | "action";
  /** Logical name of the table a bound operation applies to (`leads(<id>)/Microsoft.Dynamics.CRM.QualifyLead`). */
  boundTo?: string;
  invoke(call: OperationCall): ApiResponse | Promise<ApiResponse>;
}

export interface OperationCall {
  env: DataverseEnvironment;
  context: CallContext;
  parameters: Record<string, unknown>;
  /** Id of the row a bound operation was called on. */
  boundId?: string;
}

/** `@odata.context` of an operation's complex response, e.g. `$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`. */
export const responseContext = (context: CallContext, type: string) => `${context.serviceRoot}$metadata#Microsoft.Dynamics.CRM.${type}`;

/** A parameter the operation cannot run without, or the platform's 400 naming it. */
export function requireParameter<T>(parameters: Record<string, unknown>, name: string, operation: string, check: (v: unknown) => v is T): T {
  const value = parameters[name];
  if (!check(value)) {
    throw badRequest(`Required parameter '${name}' of '${operation}' is missing or has the wrong type.`, ErrorCodes.InvalidArgument);
  }
  return value;
}
