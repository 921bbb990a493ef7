/**
 * Bearer-token checks for the two APIs (partner-center-api.md §1, §7.1). Tokens are verified
 * against the identity stand-in's published keys: signature (RS256 only, as Entra ID signs),
 * issuer, lifetime and audience. The Referrals API takes App+User tokens only; the Webhooks API
 * takes app-only or App+User.
 */
import type { FastifyRequest } from "fastify";
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { TestIdentity } from "../../identity/src";
import { ApiError } from "./errors";
import type { PartnerUser, UserDirectory } from "./users";

export const REFERRALS_AUDIENCE = "https://api.partner.microsoft.com";
export const WEBHOOKS_AUDIENCE = "https://api.partnercenter.microsoft.com";

export type Caller =
  | { kind: "user"; upn: string; oid: string; appId: string; user?: PartnerUser }
  | { kind: "app"; appId: string; oid: string };

const unauthenticated = (message: string) =>
  new ApiError(401, "unauthenticated", message, "Authorization", { "www-authenticate": 'Bearer error="invalid_token"' });

export async function authenticate(request: FastifyRequest, identity: TestIdentity, audience: string): Promise<Caller> {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!match) throw unauthenticated(`Send 'Authorization: Bearer <token>' with an Entra ID access token for ${audience}.`);
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(match[1], createLocalJWKSet(identity.jwks()), { issuer: identity.issuer, audience, algorithms: ["RS256"] }));
  } catch (error) {
    if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
      throw unauthenticated(`The token's audience is not ${audience}. Request a token for ${audience}/.default.`);
    }
    if (error instanceof errors.JWTExpired) throw unauthenticated("The access token has expired; get a new one.");
    throw unauthenticated(`The access token is not valid: ${(error as Error).message}`);
  }
  const appId = String(payload.azp ?? payload.appid ?? "");
  const isUser = payload.idtyp === "user" || typeof payload.scp === "string";
  if (!isUser) return { kind: "app", appId, oid: String(payload.oid ?? "") };
  const upn = String(payload.upn ?? payload.preferred_username ?? "");
  return { kind: "user", upn, oid: String(payload.oid ?? ""), appId };
}

/** §1: App+User only, and the user needs a Referrals Admin or Referrals User role (§7.1: 403). */
export async function authenticateReferralsCaller(request: FastifyRequest, identity: TestIdentity, users: UserDirectory) {
  const caller = await authenticate(request, identity, REFERRALS_AUDIENCE);
  if (caller.kind !== "user") {
    throw new ApiError(403, "accessDenied", "The Referrals API supports App+User credentials only; this is an app-only token. Sign in a user with a Referrals Admin or Referrals User role.", "Authorization");
  }
  const user = users.find({ upn: caller.upn, oid: caller.oid });
  if (!user) {
    throw new ApiError(403, "accessDenied", `${caller.upn || caller.oid} has no Referrals Admin or Referrals User role in Partner Center.`, "Authorization");
  }
  return { ...caller, user };
}

export interface EmulatorTokenRequest {
  api?: "referrals" | "webhooks";
  /** Signed-in user; default for the Referrals API: the first seeded Referrals Admin. */
  upn?: string;
  appOnly?: boolean;
  /** Lifetime in seconds (default 3600). */
  expiresIn?: number;
}

/** App+User for the Referrals API unless told otherwise; app-only for the Webhooks API unless a upn is given. */
export async function issueEmulatorToken(identity: TestIdentity, users: UserDirectory, request: EmulatorTokenRequest = {}): Promise<string> {
  const api = request.api ?? "referrals";
  const audience = api === "referrals" ? REFERRALS_AUDIENCE : WEBHOOKS_AUDIENCE;
  const expiresIn = request.expiresIn;
  if (request.appOnly || (api === "webhooks" && !request.upn)) return identity.issueToken({ audience, expiresIn });
  const upn = request.upn ?? users.list().find((u) => u.role === "Referrals Admin")?.upn;
  if (!upn) throw new Error("No Referrals Admin is seeded; pass a upn.");
  return identity.issueToken({ audience, user: { upn }, expiresIn });
}
