/**
 * The Entra ID endpoints a client or resource server reads: OpenID metadata, signing keys, and the
 * v2 token endpoint for the client-credentials grant (what the relay's application user uses).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyPluginAsync } from "fastify";
import type { TestIdentity } from "./identity";

interface TokenForm {
  grant_type?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
}

export function identityRoutes(identity: TestIdentity): FastifyPluginAsync {
  return async (app) => {
    app.addContentTypeParser(
      "application/x-www-form-urlencoded",
      { parseAs: "string" },
      (_req, body, done) => done(null, Object.fromEntries(new URLSearchParams(body as string))),
    );

    app.get(`/${identity.tenantId}/v2.0/.well-known/openid-configuration`, async () => ({
      issuer: identity.issuer,
      jwks_uri: identity.jwksUri,
      token_endpoint: identity.tokenEndpoint,
      id_token_signing_alg_values_supported: ["RS256"],
      grant_types_supported: ["client_credentials"],
    }));

    app.get(`/${identity.tenantId}/discovery/v2.0/keys`, async () => identity.jwks());

    app.post<{ Body: TokenForm }>(`/${identity.tenantId}/oauth2/v2.0/token`, async (req, reply) => {
      const form = req.body ?? {};
      // Entra ID error shape: { error, error_description } with 400/401.
      if (form.grant_type !== "client_credentials") {
        return reply.code(400).send({ error: "unsupported_grant_type", error_description: "Only client_credentials is supported here." });
      }
      const registered = identity.apps.find((a) => a.clientId === form.client_id);
      if (!registered || !sameSecret(registered.clientSecret, form.client_secret)) {
        return reply.code(401).send({ error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
      }
      const scope = form.scope ?? "";
      if (!scope.endsWith("/.default")) {
        return reply.code(400).send({ error: "invalid_scope", error_description: "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier." });
      }
      const audience = scope.slice(0, -"/.default".length);
      const expiresIn = 3600;
      const token = await identity.issueToken({
        audience,
        clientId: registered.clientId,
        roles: registered.roles?.[audience],
        expiresIn,
      });
      return { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token };
    });
  };
}

/** Compares digests in constant time, so neither the secret's content nor its length leaks through timing. */
function sameSecret(expected: string, given: string | undefined): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return given !== undefined && timingSafeEqual(digest(expected), digest(given));
}
