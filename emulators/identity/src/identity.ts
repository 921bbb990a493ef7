/**
 * A local stand-in for Microsoft Entra ID: it signs RS256 access tokens shaped like Entra ID v2
 * tokens (iss, aud, tid, oid, upn, scp/roles, idtyp) and publishes its keys, so both emulators and
 * the relay verify real JWTs against a real JWKS instead of trusting a flag.
 */
import { createHash, randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, SignJWT, type JWK, type KeyLike } from "jose";

export interface RegisteredApp {
  clientId: string;
  clientSecret: string;
  /** Application roles granted per audience, e.g. { "https://org.crm.dynamics.com": ["user"] }. */
  roles?: Record<string, string[]>;
}

export interface TokenRequest {
  audience: string;
  /** Delegated (App+User) token when set; app-only token otherwise. */
  user?: { upn: string; oid?: string; name?: string };
  clientId?: string;
  scopes?: string[];
  roles?: string[];
  /** Lifetime in seconds (default 3600). */
  expiresIn?: number;
  /** Extra or overriding claims, for tests that need an odd token. */
  claims?: Record<string, unknown>;
}

export interface TestIdentityOptions {
  tenantId?: string;
  /** Base URL the issuer is published under, e.g. http://127.0.0.1:4010. Can be set later. */
  baseUrl?: string;
  apps?: RegisteredApp[];
}

export interface TestIdentity {
  readonly tenantId: string;
  readonly kid: string;
  baseUrl: string;
  readonly issuer: string;
  readonly jwksUri: string;
  readonly tokenEndpoint: string;
  readonly apps: RegisteredApp[];
  jwks(): { keys: JWK[] };
  issueToken(request: TokenRequest): Promise<string>;
  /**
   * The object id of a user principal name: derived from the tenant and the name, so repeated
   * sign-ins, restarts and every emulator sharing the tenant see the same user.
   */
  objectIdFor(upn: string): string;
}

export async function createTestIdentity(options: TestIdentityOptions = {}): Promise<TestIdentity> {
  const tenantId = options.tenantId ?? "72f988bf-0000-4000-8000-00000000c05e";
  const { privateKey, publicKey } = await generateKeyPair("RS256", { modulusLength: 2048 });
  const kid = randomUUID();
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };

  const identity: TestIdentity = {
    tenantId,
    kid,
    baseUrl: options.baseUrl ?? "http://127.0.0.1",
    apps: options.apps ?? [],
    get issuer() {
      return `${identity.baseUrl}/${tenantId}/v2.0`;
    },
    get jwksUri() {
      return `${identity.baseUrl}/${tenantId}/discovery/v2.0/keys`;
    },
    get tokenEndpoint() {
      return `${identity.baseUrl}/${tenantId}/oauth2/v2.0/token`;
    },
    jwks: () => ({ keys: [publicJwk] }),
    objectIdFor: (upn) => nameBasedGuid(tenantId, upn.toLowerCase()),
    issueToken: (request) => sign(identity, privateKey, request),
  };
  return identity;
}

/** An RFC 9562 name-based (version 5, SHA-1) UUID: the same name in the same tenant, the same id. */
function nameBasedGuid(namespace: string, name: string): string {
  const bytes = createHash("sha1").update(`${namespace.toLowerCase()}\u0000${name}`).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function sign(identity: TestIdentity, key: KeyLike, request: TokenRequest): Promise<string> {
  const clientId = request.clientId ?? "00000000-0000-0000-0000-00000000c11e";
  const claims: Record<string, unknown> = {
    tid: identity.tenantId,
    azp: clientId,
    appid: clientId,
    ver: "2.0",
  };
  if (request.user) {
    claims.oid = request.user.oid ?? identity.objectIdFor(request.user.upn);
    claims.upn = request.user.upn;
    claims.preferred_username = request.user.upn;
    claims.name = request.user.name ?? request.user.upn;
    claims.scp = (request.scopes ?? ["user_impersonation"]).join(" ");
    claims.idtyp = "user";
  } else {
    claims.oid = identity.objectIdFor(`app:${clientId}`);
    claims.idtyp = "app";
  }
  if (request.roles?.length) claims.roles = request.roles;
  Object.assign(claims, request.claims);
  const subject = String(claims.oid);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "RS256", typ: "JWT", kid: identity.kid })
    .setIssuer(identity.issuer)
    .setAudience(request.audience)
    .setSubject(subject)
    .setIssuedAt()
    .setNotBefore("0s")
    .setExpirationTime(`${request.expiresIn ?? 3600}s`)
    .setJti(randomUUID())
    .sign(key);
}
