/**
 * Checks the Entra ID access token a seller's browser sends to /api/v1: signature against the
 * tenant's published keys (JWKS), issuer, audience (the relay's API), lifetime, tenant (`tid`), and
 * that it is a delegated user token (`scp`), not an app-only one. The relay then acts on Dataverse
 * as that user, through the token's object id (`oid`).
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import type { ApiAuthConfig } from "../config/schema";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface SignedInUser {
  /** Entra ID object id: what Dataverse impersonation (`CallerObjectId`) needs. */
  objectId: string;
  tenantId: string;
  /** Sign-in name, for logs and audit lines. */
  name?: string;
}

export class InvalidUserTokenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidUserTokenError";
  }
}

/** The tenant's keys could not be fetched: not the caller's fault, so not a 401. */
export class SigningKeysUnavailableError extends Error {
  constructor(cause: unknown) {
    super("The tenant's token signing keys could not be read; try again shortly.", { cause });
    this.name = "SigningKeysUnavailableError";
  }
}

export type UserTokenVerifier = (authorization: string | undefined) => Promise<SignedInUser>;

export interface UserTokenVerifierOptions {
  /** Keys to verify against instead of fetching `config.jwksUrl` (tests, pinned keys). */
  keys?: JWTVerifyGetKey;
  /** Allowed clock difference with the issuer. Default 60 s. */
  clockToleranceSeconds?: number;
}

export function createUserTokenVerifier(config: ApiAuthConfig, options: UserTokenVerifierOptions = {}): UserTokenVerifier {
  // jose caches the key set and fetches it again when a token names an unknown key (rotation).
  const keys = options.keys ?? createRemoteJWKSet(new URL(config.jwksUrl), { timeoutDuration: 10_000, cooldownDuration: 30_000 });
  return async (authorization) => {
    const token = bearerToken(authorization);
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: config.issuers,
        audience: config.audiences,
        algorithms: ["RS256"],
        requiredClaims: ["exp", "tid", "oid"],
        clockTolerance: options.clockToleranceSeconds ?? 60,
      }));
    } catch (error) {
      if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError) || error.code === "ERR_JWKS_INVALID") {
        throw new SigningKeysUnavailableError(error);
      }
      throw new InvalidUserTokenError(explain(error));
    }
    if (typeof payload.tid !== "string" || payload.tid.toLowerCase() !== config.tenantId.toLowerCase()) {
      throw new InvalidUserTokenError("The token was issued for another tenant; sign in with an account of this organization.");
    }
    if (typeof payload.oid !== "string" || !GUID.test(payload.oid)) throw new InvalidUserTokenError("The token carries no user object id (oid).");
    if (typeof payload.scp !== "string" || !payload.scp.trim() || payload.idtyp === "app") {
      throw new InvalidUserTokenError("The token is not a user's token; the relay acts only for a signed-in seller.");
    }
    const name = [payload.upn, payload.preferred_username, payload.name].find((value): value is string => typeof value === "string");
    return { objectId: payload.oid, tenantId: payload.tid, name };
  };
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization) throw new InvalidUserTokenError("Sign-in is required: send the user's access token as Authorization: Bearer <token>.");
  const [scheme, token, ...rest] = authorization.trim().split(/\s+/);
  if (scheme.toLowerCase() !== "bearer" || !token || rest.length) {
    throw new InvalidUserTokenError("The Authorization header must be: Bearer <access token>.");
  }
  return token;
}

function explain(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The token has expired; sign in again.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud") return "The token is not meant for this relay (audience); the form must request the relay's API scope.";
    if (error.claim === "iss") return "The token was not issued by this relay's Entra ID tenant (issuer).";
    if (error.claim === "nbf") return "The token is not valid yet; check the device clock.";
    return `The token lacks a valid ${error.claim} claim.`;
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return "The token's signature does not match any of the tenant's signing keys.";
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "The token is signed with an algorithm the relay does not accept.";
  return "The token is not a valid access token.";
}
