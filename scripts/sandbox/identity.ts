/**
 * The sandbox's Microsoft Entra ID: one token issuer shared by both emulators and the relay, served
 * on its own port (OpenID metadata, signing keys, client-credentials token endpoint), plus the
 * sign-in stand-in the form script uses in sandbox mode: `POST /sandbox/token {"upn"}` →
 * `{"access_token"}`, a delegated token for the relay's API (webresources/src/auth/sandboxToken.ts).
 */
import { randomBytes } from "node:crypto";
import Fastify, { type FastifyInstance } from "fastify";
import { createTestIdentity, identityRoutes, type TestIdentity } from "../../emulators/identity/src";
import { HOST, listenAs } from "./ports";
import { fullName, sandboxUser } from "./users";

/** Lifetime of sandbox user tokens; the form script asks again after a 401. */
const USER_TOKEN_SECONDS = 3600;

/**
 * The relay's app registrations keep their ids from one start to the next, as real ones do, so a
 * restored Dataverse already has the relay's application user.
 */
const RELAY_DATAVERSE_CLIENT_ID = "5a1e6c0d-2b7f-4c3e-9a41-c05e11a7d001";
const RELAY_API_CLIENT_ID = "5a1e6c0d-2b7f-4c3e-9a41-c05e11a7d002";

export interface SandboxIdentity {
  identity: TestIdentity;
  url: string;
  /** The relay's API app registration: what user tokens are issued for (aud). */
  relayApiClientId: string;
  /** The relay's own app registration for Dataverse (client credentials). */
  relayDataverseApp: { clientId: string; clientSecret: string };
  /** `POST {"upn"}` → a user token for the relay API. */
  tokenUrl: string;
  /** Lets the harness page (another origin) call the token endpoint. */
  allowOrigin(origin: string): void;
  stop(): Promise<void>;
}

export async function startIdentity(port: number): Promise<SandboxIdentity> {
  // A fresh secret every start: the relay is configured with it on the same start.
  const relayDataverseApp = { clientId: RELAY_DATAVERSE_CLIENT_ID, clientSecret: randomBytes(32).toString("base64url") };
  const relayApiClientId = RELAY_API_CLIENT_ID;
  const identity = await createTestIdentity({ apps: [relayDataverseApp] });
  const allowed = new Set<string>();

  const app: FastifyInstance = Fastify({ logger: false });
  app.addHook("onRequest", async (request, reply) => {
    const origin = request.headers.origin;
    if (origin && allowed.has(origin)) {
      reply.header("access-control-allow-origin", origin).header("vary", "origin");
      if (request.method === "OPTIONS") {
        return reply
          .header("access-control-allow-methods", "POST")
          .header("access-control-allow-headers", "content-type, accept")
          .header("access-control-max-age", "600")
          .code(204)
          .send();
      }
    }
    return undefined;
  });
  await app.register(identityRoutes(identity));
  app.post<{ Body: { upn?: unknown } }>("/sandbox/token", async (request, reply) => {
    const upn = typeof request.body?.upn === "string" ? request.body.upn : "";
    const user = sandboxUser(upn);
    if (!user) {
      return reply.code(403).send({ error: "unknown_user", error_description: `"${upn}" is not a sandbox user; sign in as one of the users the harness offers.` });
    }
    const token = await identity.issueToken({
      audience: relayApiClientId,
      user: { upn: user.upn, name: fullName(user) },
      scopes: ["user_impersonation"],
      expiresIn: USER_TOKEN_SECONDS,
    });
    return { token_type: "Bearer", expires_in: USER_TOKEN_SECONDS, access_token: token };
  });

  const url = await listenAs("identity", port, () => app.listen({ host: HOST, port }));
  identity.baseUrl = url;
  return {
    identity,
    url,
    relayApiClientId,
    relayDataverseApp,
    tokenUrl: `${url}/sandbox/token`,
    allowOrigin: (origin) => allowed.add(origin),
    stop: () => app.close(),
  };
}
