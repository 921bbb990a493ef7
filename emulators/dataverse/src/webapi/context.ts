import type { Actor } from "../environment";
import type { Preferences } from "./prefer";

/** One Web API operation, from an HTTP request or a part of a $batch. */
export interface ApiRequest {
  method: string;
  /** Resource path below the service root, e.g. `accounts(<id>)/primarycontactid`. */
  path: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body?: string;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

export interface CallContext {
  actor: Actor;
  /** The authenticated principal's systemuserid (differs from actor.userId when impersonating). */
  callerId: string;
  /** Absolute service root ending in '/', e.g. `http://127.0.0.1:4000/api/data/v9.2/`. */
  serviceRoot: string;
  preferences: Preferences;
  /** Inside a $batch change set: Content-ID → entity URL of the row that part created. */
  contentIds?: Map<string, string>;
  correlationId: string;
}

export const JSON_CONTENT_TYPE = "application/json; odata.metadata=minimal";

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "Content-Type": JSON_CONTENT_TYPE, "OData-Version": "4.0", ...headers }, body: JSON.stringify(body) };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): ApiResponse {
  return { status, headers: { "OData-Version": "4.0", ...headers } };
}
