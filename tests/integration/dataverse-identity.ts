/**
 * The local Entra ID stand-in served over TLS with a throw-away certificate, so the relay's MSAL
 * token provider (which accepts only https authorities) can be exercised end to end.
 */
import Fastify, { type FastifyInstance } from "fastify";
import forge from "node-forge";
import { createTestIdentity, identityRoutes, type RegisteredApp, type TestIdentity } from "../../emulators/identity/src";

export interface TlsIdentity {
  identity: TestIdentity;
  /** `https://127.0.0.1:<port>/<tenant>` */
  authority: string;
  /** PEM of the self-signed certificate, to trust it. */
  ca: string;
  /** OpenID metadata as MSAL wants it in `authorityMetadata`. */
  authorityMetadata: string;
  /** Token requests the endpoint received. */
  tokenRequests: number;
  stop(): Promise<void>;
}

export async function startTlsIdentity(apps: RegisteredApp[]): Promise<TlsIdentity> {
  const { key, cert } = selfSignedCertificate();
  const identity = await createTestIdentity({ apps });
  const app: FastifyInstance = Fastify({ https: { key, cert } });
  let tokenRequests = 0;
  app.addHook("onRequest", async (request) => {
    if (request.url.split("?")[0].endsWith("/oauth2/v2.0/token")) tokenRequests++;
  });
  await app.register(identityRoutes(identity));
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  identity.baseUrl = address;
  const authority = `${address}/${identity.tenantId}`;
  const authorityMetadata = JSON.stringify({
    issuer: identity.issuer,
    token_endpoint: identity.tokenEndpoint,
    jwks_uri: identity.jwksUri,
    authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
  });
  return {
    identity,
    authority,
    ca: cert,
    authorityMetadata,
    get tokenRequests() {
      return tokenRequests;
    },
    stop: () => app.close(),
  };
}

function selfSignedCertificate(): { key: string; cert: string } {
  const keys = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = "01";
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 24 * 3_600_000);
  const subject = [{ name: "commonName", value: "127.0.0.1" }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: "basicConstraints", cA: true },
    { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { key: forge.pki.privateKeyToPem(keys.privateKey), cert: forge.pki.certificateToPem(cert) };
}
