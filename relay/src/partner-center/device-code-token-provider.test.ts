import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from "@azure/msal-node";
import { DeviceCodeTokenProvider, SignInRequiredError } from "./device-code-token-provider";
import { EncryptedTokenCache, TokenCacheError, tokenCacheKeyFromSecret } from "./token-cache";
import { REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE } from "./tokens";

const TENANT = "72f988bf-0000-4000-8000-00000000c05e";
const CLIENT = "11111111-2222-3333-4444-555555555555";
const USER = { uid: "aaaaaaaa-0000-0000-0000-000000000001", upn: "ana@contoso.example" };

const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

/**
 * Entra ID's v2 endpoints as MSAL calls them (instance discovery, OpenID metadata, device code,
 * token), answering from memory: each refresh issues a new refresh token, and a revoked refresh
 * token gets `invalid_grant`.
 */
class FakeEntraId implements INetworkModule {
  refreshTokens = new Set<string>();
  issued: { grant: string; scope: string }[] = [];
  private serial = 0;

  async sendGetRequestAsync<T>(url: string): Promise<NetworkResponse<T>> {
    const authority = `https://login.microsoftonline.com/${TENANT}`;
    if (url.includes("/discovery/instance")) {
      return this.ok({
        tenant_discovery_endpoint: `${authority}/v2.0/.well-known/openid-configuration`,
        metadata: [{ preferred_network: "login.microsoftonline.com", preferred_cache: "login.windows.net", aliases: ["login.microsoftonline.com", "login.windows.net"] }],
      });
    }
    if (url.includes("openid-configuration")) {
      return this.ok({
        token_endpoint: `${authority}/oauth2/v2.0/token`,
        authorization_endpoint: `${authority}/oauth2/v2.0/authorize`,
        device_authorization_endpoint: `${authority}/oauth2/v2.0/devicecode`,
        end_session_endpoint: `${authority}/oauth2/v2.0/logout`,
        issuer: `https://login.microsoftonline.com/${TENANT}/v2.0`,
        jwks_uri: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
        response_modes_supported: ["query", "fragment", "form_post"],
      });
    }
    return { status: 404, headers: {}, body: {} as T };
  }

  async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    const form = new URLSearchParams(String(options?.body ?? ""));
    if (url.endsWith("/devicecode")) {
      return this.ok({
        device_code: "device-code-1",
        user_code: "ABCD-EFGH",
        verification_uri: "https://microsoft.com/devicelogin",
        expires_in: 900,
        interval: 1,
        message: "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code ABCD-EFGH to authenticate.",
      });
    }
    const grant = form.get("grant_type") ?? "";
    const scope = form.get("scope") ?? "";
    if (grant === "refresh_token" && !this.refreshTokens.has(form.get("refresh_token") ?? "")) {
      return { status: 400, headers: {}, body: { error: "invalid_grant", error_description: "AADSTS700082: The refresh token has expired due to inactivity.", error_codes: [700082] } as T };
    }
    this.issued.push({ grant, scope });
    const resource = scope.split(" ").find((s) => s.endsWith("/.default")) ?? "";
    const refreshToken = `rt-${++this.serial}`;
    this.refreshTokens.add(refreshToken);
    const now = Math.floor(Date.now() / 1000);
    const idToken = [
      b64url({ alg: "none", typ: "JWT" }),
      b64url({ aud: CLIENT, iss: `https://login.microsoftonline.com/${TENANT}/v2.0`, iat: now, nbf: now, exp: now + 3600, oid: USER.uid, tid: TENANT, preferred_username: USER.upn, name: "Ana", sub: USER.uid, ver: "2.0" }),
      "",
    ].join(".");
    return this.ok({
      token_type: "Bearer",
      scope: `${resource} openid profile offline_access`,
      expires_in: 3600,
      ext_expires_in: 3600,
      access_token: `at-${resource}-${this.serial}`,
      refresh_token: refreshToken,
      id_token: idToken,
      client_info: b64url({ uid: USER.uid, utid: TENANT }),
    });
  }

  private ok<T>(body: object): NetworkResponse<T> {
    return { status: 200, headers: {}, body: body as T };
  }
}

describe("Partner Center sign-in with an encrypted token cache", () => {
  let dir: string;
  let file: string;
  const key = randomBytes(32);

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "cosell-tokens-"));
    file = path.join(dir, "nested", "tokens.json");
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const provider = (entra: FakeEntraId, cache = new EncryptedTokenCache(file, key)) =>
    new DeviceCodeTokenProvider({ clientId: CLIENT, tenantId: TENANT, cache, networkClient: entra });

  it("signs in once with a device code, then gets tokens for both audiences silently from the encrypted cache", async () => {
    const entra = new FakeEntraId();
    const prompts: string[] = [];
    await expect(provider(entra).signIn((message) => prompts.push(message))).resolves.toEqual({ username: USER.upn });
    expect(prompts[0]).toContain("ABCD-EFGH");

    const stored = await readFile(file, "utf8");
    expect(stored).not.toMatch(/rt-1|at-https/);
    expect(JSON.parse(stored)).toMatchObject({ format: "cosell-token-cache", alg: "AES-256-GCM" });

    // A new process: only the file and the key survive.
    const restarted = provider(entra);
    await expect(restarted.getToken(REFERRALS_AUDIENCE)).resolves.toBe(`at-${REFERRALS_AUDIENCE}/.default-1`);
    const webhooks = await restarted.getToken(WEBHOOKS_AUDIENCE);
    expect(webhooks).toMatch(new RegExp(`^at-${WEBHOOKS_AUDIENCE}/\\.default-`));
    expect(entra.issued.map((i) => i.grant)).toEqual(["device_code", "refresh_token"]);

    const status = await restarted.status();
    expect(status).toMatchObject({ signedIn: true, username: USER.upn, daysLeft: 89 });
    expect(status.refreshTokenExpiresBy!.getTime() - status.refreshTokenRenewedAt!.getTime()).toBe(90 * 24 * 3600_000);
  });

  it("says to sign in when nobody has, or when Entra ID no longer accepts the refresh token", async () => {
    const entra = new FakeEntraId();
    await expect(provider(entra).getToken(REFERRALS_AUDIENCE)).rejects.toThrow(/cosell-relay auth login/);
    await expect(provider(entra).status()).resolves.toEqual({ signedIn: false });

    await provider(entra).signIn(() => undefined);
    entra.refreshTokens.clear();
    const expired = provider(entra).getToken(WEBHOOKS_AUDIENCE);
    await expect(expired).rejects.toBeInstanceOf(SignInRequiredError);
    await expect(expired).rejects.toThrow(/ana@contoso\.example.*no longer valid.*cosell-relay auth login/);
  });

  it("refuses a wrong key or an altered file instead of silently starting over", async () => {
    await provider(new FakeEntraId()).signIn(() => undefined);
    const wrongKey = provider(new FakeEntraId(), new EncryptedTokenCache(file, randomBytes(32)));
    await expect(wrongKey.getToken(REFERRALS_AUDIENCE)).rejects.toThrow(/cannot be decrypted with the configured key/);

    const envelope = JSON.parse(await readFile(file, "utf8"));
    const data = Buffer.from(envelope.data, "base64");
    data[0] ^= 1;
    await writeFile(file, JSON.stringify({ ...envelope, data: data.toString("base64") }));
    await expect(provider(new FakeEntraId()).getToken(REFERRALS_AUDIENCE)).rejects.toBeInstanceOf(TokenCacheError);
  });

  it("reads the cache key from a base64 or hex secret and explains a bad one", () => {
    const secret = randomBytes(32);
    expect(tokenCacheKeyFromSecret(secret.toString("base64"), "KEY")).toEqual(secret);
    expect(tokenCacheKeyFromSecret(secret.toString("hex"), "KEY")).toEqual(secret);
    expect(() => tokenCacheKeyFromSecret(undefined, "COSELL_PC_TOKEN_CACHE_KEY")).toThrow(/COSELL_PC_TOKEN_CACHE_KEY is not set.*openssl rand -base64 32/);
    expect(() => tokenCacheKeyFromSecret("too-short", "KEY")).toThrow(/32 random bytes/);
  });
});
