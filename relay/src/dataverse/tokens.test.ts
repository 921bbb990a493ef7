import { DataverseError } from "./errors";
import { startScriptedServer, type ScriptedServer } from "./scripted-server.test-support";
import { CachingTokenProvider, createTokenProvider } from "./tokens";

const credentials = { tenantId: "72f988bf-0000-4000-8000-00000000c05e", clientId: "relay-app", clientSecret: "s3cret" };

describe("Dataverse tokens", () => {
  let server: ScriptedServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("reuses a token until shortly before it expires, and one request serves concurrent callers", async () => {
    let now = 0;
    let issued = 0;
    const provider = new CachingTokenProvider(async () => ({ token: `t${++issued}`, expiresAt: now + 3_600_000 }), () => now);
    expect(await Promise.all([provider.getToken(), provider.getToken()])).toEqual(["t1", "t1"]);
    now = 3_600_000 - 5 * 60_000 - 1;
    expect(await provider.getToken()).toBe("t1");
    now += 2;
    expect(await provider.getToken()).toBe("t2");
  });

  it("asks again after a failed request instead of caching the failure", async () => {
    let attempt = 0;
    const provider = new CachingTokenProvider(async () => {
      if (++attempt === 1) throw new Error("token endpoint down");
      return { token: "ok", expiresAt: Date.now() + 3_600_000 };
    });
    await expect(provider.getToken()).rejects.toThrow("token endpoint down");
    expect(await provider.getToken()).toBe("ok");
  });

  it("gets a client-credentials token for <environment>/.default from a loopback authority", async () => {
    server = await startScriptedServer([{ status: 200, body: JSON.stringify({ token_type: "Bearer", expires_in: 3600, access_token: "app-token" }) }]);
    const provider = createTokenProvider({ ...credentials, authority: `${server.url}/${credentials.tenantId}` }, "https://contoso.crm.dynamics.com/");
    expect(await provider.getToken()).toBe("app-token");
    const [request] = server.requests;
    expect(request.url).toBe(`/${credentials.tenantId}/oauth2/v2.0/token`);
    expect(Object.fromEntries(new URLSearchParams(request.body))).toEqual({
      grant_type: "client_credentials",
      client_id: "relay-app",
      client_secret: "s3cret",
      scope: "https://contoso.crm.dynamics.com/.default",
    });
  });

  it("reports a refused secret with the authority's reason and without the secret", async () => {
    server = await startScriptedServer([{ status: 401, body: JSON.stringify({ error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." }) }]);
    const provider = createTokenProvider({ ...credentials, authority: `${server.url}/${credentials.tenantId}` }, "https://contoso.crm.dynamics.com");
    const error = await provider.getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DataverseError);
    expect((error as Error).message).toContain("invalid_client: AADSTS7000215");
    expect((error as Error).message).not.toContain("s3cret");
  });

  it("refuses a plain-http authority that is not on this machine, and incomplete credentials", () => {
    expect(() => createTokenProvider({ ...credentials, authority: "http://login.example.com/tenant" }, "https://contoso.crm.dynamics.com")).toThrow(/must use https/);
    expect(() => createTokenProvider({ ...credentials, clientSecret: "" }, "https://contoso.crm.dynamics.com")).toThrow(/clientSecret is missing/);
  });
});
