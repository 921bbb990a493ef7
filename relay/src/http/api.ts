/**
 * The seller-facing API the form script calls (webresources/src/relay/contract.ts is the other
 * side): sync an opportunity now, accept or decline an incoming lead. Every call carries the
 * seller's Entra ID token; the relay acts on Dataverse as that seller.
 */
import type { FastifyPluginAsync, FastifyRequest } from "fastify";
import { lcidFromAcceptLanguage } from "./language";
import { HttpProblem } from "./problem";
import { InvalidUserTokenError, SigningKeysUnavailableError, type SignedInUser, type UserTokenVerifier } from "./user-token";

export type SyncOutcome = "synced" | "noop" | "error" | "invalid";

export interface Violation {
  code: string;
  table?: string;
  field: string;
  messageKey: string;
  params?: Record<string, string | number>;
  /** The rule's message and fix in the seller's language. */
  message?: string;
  fix?: string;
}

export interface SyncAnswer {
  outcome: SyncOutcome;
  message: string;
  referralId?: string;
  referralLink?: string;
  violations?: Violation[];
}

export interface QueuedAnswer {
  outcome: "queued";
  message: string;
}

/** The signed-in seller and the language their browser asks for (a Dataverse LCID). */
export interface Seller extends SignedInUser {
  lcid?: number;
}

/** What the API does; the composition root implements it over the sync engine. */
export interface SellerActions {
  syncOpportunity(opportunityId: string, seller: Seller): Promise<SyncAnswer | QueuedAnswer>;
  acceptLead(leadId: string, seller: Seller): Promise<{ opportunityId: string; message: string }>;
  declineLead(leadId: string, reason: string, seller: Seller): Promise<{ message: string }>;
}

export interface ApiOptions {
  /** Undefined when user sign-in is not configured: every call is answered 503. */
  verifyUser?: UserTokenVerifier;
  actions: SellerActions;
}

export const API_BODY_LIMIT = 16 * 1024;
const GUID_PATTERN = "^\\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\}?$";

const params = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: GUID_PATTERN } },
} as const;

const emptyBody = { type: "object", additionalProperties: true } as const;

const violation = {
  type: "object",
  required: ["code", "field", "messageKey"],
  properties: {
    code: { type: "string" },
    table: { type: "string" },
    field: { type: "string" },
    messageKey: { type: "string" },
    params: { type: "object", additionalProperties: { type: ["string", "number"] } },
    message: { type: "string" },
    fix: { type: "string" },
  },
} as const;

const syncResponses = {
  200: {
    type: "object",
    required: ["outcome", "message"],
    properties: {
      outcome: { enum: ["synced", "noop", "error", "invalid"] },
      message: { type: "string" },
      referralId: { type: "string" },
      referralLink: { type: "string" },
      violations: { type: "array", items: violation },
    },
  },
  202: {
    type: "object",
    required: ["outcome", "message"],
    properties: { outcome: { const: "queued" }, message: { type: "string" } },
  },
} as const;

const acceptResponse = {
  200: {
    type: "object",
    required: ["outcome", "opportunityId", "message"],
    properties: { outcome: { const: "accepted" }, opportunityId: { type: "string" }, message: { type: "string" } },
  },
} as const;

const declineBody = {
  type: "object",
  required: ["reason"],
  properties: { reason: { type: "string", minLength: 1, maxLength: 2000 } },
} as const;

const declineResponse = {
  200: {
    type: "object",
    required: ["outcome", "message"],
    properties: { outcome: { const: "declined" }, message: { type: "string" } },
  },
} as const;

declare module "fastify" {
  interface FastifyRequest {
    seller?: Seller;
  }
}

export function apiRoutes(options: ApiOptions): FastifyPluginAsync {
  const authenticate = async (request: FastifyRequest) => {
    if (!options.verifyUser) {
      throw new HttpProblem(503, "This relay has no user sign-in configured: its administrator sets COSELL_API_TENANT_ID and COSELL_API_CLIENT_ID.");
    }
    try {
      const user = await options.verifyUser(request.headers.authorization);
      const lcid = lcidFromAcceptLanguage(request.headers["accept-language"]);
      request.seller = lcid === undefined ? user : { ...user, lcid };
    } catch (error) {
      if (error instanceof InvalidUserTokenError) {
        request.log.info({ reason: error.message }, "API call refused: no valid user token");
        throw new HttpProblem(401, error.message, {}, { "www-authenticate": 'Bearer error="invalid_token"' });
      }
      if (error instanceof SigningKeysUnavailableError) {
        request.log.warn({ err: error.cause }, "the tenant's signing keys could not be read");
        throw new HttpProblem(503, error.message, {}, { "retry-after": "30" });
      }
      throw error;
    }
  };

  return async (app) => {
    // Before the body is read: nothing from an unauthenticated caller is parsed.
    app.addHook("onRequest", authenticate);

    app.post<{ Params: { id: string } }>(
      "/api/v1/opportunities/:id/sync",
      { bodyLimit: API_BODY_LIMIT, schema: { params, body: emptyBody, response: syncResponses } },
      async (request, reply) => {
        const answer = await options.actions.syncOpportunity(bareGuid(request.params.id), request.seller!);
        return reply.code(answer.outcome === "queued" ? 202 : 200).send(answer);
      },
    );

    app.post<{ Params: { id: string } }>(
      "/api/v1/leads/:id/accept",
      { bodyLimit: API_BODY_LIMIT, schema: { params, body: emptyBody, response: acceptResponse } },
      async (request) => ({ outcome: "accepted" as const, ...(await options.actions.acceptLead(bareGuid(request.params.id), request.seller!)) }),
    );

    app.post<{ Params: { id: string }; Body: { reason: string } }>(
      "/api/v1/leads/:id/decline",
      { bodyLimit: API_BODY_LIMIT, schema: { params, body: declineBody, response: declineResponse } },
      async (request) => ({ outcome: "declined" as const, ...(await options.actions.declineLead(bareGuid(request.params.id), request.body.reason.trim(), request.seller!)) }),
    );
  };
}

function bareGuid(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}
