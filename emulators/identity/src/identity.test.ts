import Fastify from "fastify";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from "jose";
import { createTestIdentity, identityRoutes } from "./index";

describe("test identity", () => {
  it("issues delegated tokens that verify against its JWKS with the Entra ID claims", async () => {
    const identity = await createTestIdentity();
    const token = await identity.issueToken({ audience: "api://relay", user: { upn: "ana@contoso.example" } });
    const { payload } = await jwtVerify(token, createLocalJWKSet(identity.jwks()), { issuer: identity.issuer, audience: "api://relay" });
    expect(payload).toMatchObject({ upn: "ana@contoso.example", tid: identity.tenantId, idtyp: "user", scp: "user_impersonation" });
    expect(payload.oid).toBe(identity.objectIdFor("ANA@contoso.example"));
  });

  it("gives a user the same object id after a restart, and another tenant's user another one", async () => {
    const before = await createTestIdentity();
    const after = await createTestIdentity();
    const elsewhere = await createTestIdentity({ tenantId: "0b5c2f7e-1111-4222-8333-444455556666" });
    const oid = before.objectIdFor("ana@contoso.example");
    expect(oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(after.objectIdFor("Ana@Contoso.example")).toBe(oid);
    expect(after.objectIdFor("erik@contoso.example")).not.toBe(oid);
    expect(elsewhere.objectIdFor("ana@contoso.example")).not.toBe(oid);
  });

  it("rejects a token signed by another issuer's key", async () => {
    const ours = await createTestIdentity();
    const theirs = await createTestIdentity({ tenantId: ours.tenantId });
    const forged = await theirs.issueToken({ audience: "api://relay", user: { upn: "x@y.example" } });
    await expect(jwtVerify(forged, createLocalJWKSet(ours.jwks()), { audience: "api://relay" })).rejects.toThrow();
  });

  it("serves metadata and keys and grants client-credentials tokens only to registered apps", async () => {
    const identity = await createTestIdentity({
      apps: [{ clientId: "relay-app", clientSecret: "s3cret", roles: { "https://org.example": ["user"] } }],
    });
    const app = Fastify();
    await app.register(identityRoutes(identity));
    const address = await app.listen({ host: "127.0.0.1", port: 0 });
    identity.baseUrl = address;
    try {
      const meta = (await (await fetch(`${address}/${identity.tenantId}/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
      expect(meta.issuer).toBe(identity.issuer);

      const post = (form: Record<string, string>) =>
        fetch(identity.tokenEndpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });
      const bad = await post({ grant_type: "client_credentials", client_id: "relay-app", client_secret: "nope", scope: "https://org.example/.default" });
      expect(bad.status).toBe(401);
      const missing = await post({ grant_type: "client_credentials", client_id: "relay-app", scope: "https://org.example/.default" });
      expect(missing.status).toBe(401);
      expect(await missing.json()).toMatchObject({ error: "invalid_client" });
      const good = await post({ grant_type: "client_credentials", client_id: "relay-app", client_secret: "s3cret", scope: "https://org.example/.default" });
      expect(good.status).toBe(200);
      const { access_token } = (await good.json()) as { access_token: string };
      const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(meta.jwks_uri)), { issuer: identity.issuer, audience: "https://org.example" });
      expect(payload).toMatchObject({ idtyp: "app", roles: ["user"], azp: "relay-app" });
    } finally {
      await app.close();
    }
  });
});
