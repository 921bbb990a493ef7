import { createLocalJWKSet, jwtVerify } from "jose";
import { createTokenProvider } from "../../relay/src/dataverse";
import { startTlsIdentity, type TlsIdentity } from "./dataverse-identity";

const ENVIRONMENT = "https://contoso.crm.dynamics.com";

describe("Dataverse application-user tokens through MSAL", () => {
  let tls: TlsIdentity;
  beforeAll(async () => {
    tls = await startTlsIdentity([{ clientId: "relay-app", clientSecret: "s3cret", roles: { [ENVIRONMENT]: ["user"] } }]);
  });
  afterAll(() => tls.stop());

  const credentials = () => ({
    tenantId: tls.identity.tenantId,
    clientId: "relay-app",
    clientSecret: "s3cret",
    authority: tls.authority,
    authorityMetadata: tls.authorityMetadata,
    ca: tls.ca,
  });

  it("gets a token for <environment>/.default and reuses it until near expiry", async () => {
    const before = tls.tokenRequests;
    const provider = createTokenProvider(credentials(), ENVIRONMENT);
    const token = await provider.getToken();
    expect(await provider.getToken()).toBe(token);
    expect(tls.tokenRequests - before).toBe(1);
    const { payload } = await jwtVerify(token, createLocalJWKSet(tls.identity.jwks()), { issuer: tls.identity.issuer, audience: ENVIRONMENT });
    expect(payload).toMatchObject({ idtyp: "app", azp: "relay-app", roles: ["user"] });
  });

  it("reports a wrong secret with the authority's error", async () => {
    const provider = createTokenProvider({ ...credentials(), clientSecret: "wrong" }, ENVIRONMENT);
    await expect(provider.getToken()).rejects.toThrow(/Could not get a Dataverse token .*invalid_client/s);
  });

  it("refuses an authority whose certificate it does not trust", async () => {
    const provider = createTokenProvider({ ...credentials(), ca: undefined }, ENVIRONMENT);
    await expect(provider.getToken()).rejects.toThrow(/network_error.*TLS certificate is trusted/s);
  });
});
