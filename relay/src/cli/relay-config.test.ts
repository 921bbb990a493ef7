import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { staticTokenProvider } from "../partner-center/tokens";
import { runCli } from "./index";

const PC_APP = "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
const PC_TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CACHE_KEY = Buffer.alloc(32, 7).toString("base64");

/** Every command reads the one configuration: the --config file, the environment, then the global flags. */
describe("the configuration every command reads", () => {
  const folder = mkdtempSync(path.join(tmpdir(), "relay-cli-config-"));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  const configFile = (name: string, settings: object) => {
    const file = path.join(folder, name);
    writeFileSync(file, JSON.stringify(settings));
    return file;
  };

  /** Runs a command against a Partner Center that answers every call with the registration of `registeredUrl`. */
  async function run(args: string[], env: NodeJS.ProcessEnv, registeredUrl = "https://relay.contoso.example/hooks/partner-center") {
    const out: string[] = [];
    const err: string[] = [];
    const requested: string[] = [];
    const code = await runCli(args, {
      io: { out: (line) => out.push(line), err: (line) => err.push(line) },
      env,
      tokenProvider: staticTokenProvider("test-token"),
      clientOptions: {
        fetch: async (input) => {
          requested.push(String(input instanceof Request ? input.url : input));
          return new Response(JSON.stringify({ WebhookUrl: registeredUrl, WebhookEvents: ["referral-created"] }), { headers: { "content-type": "application/json" } });
        },
      },
    });
    return { code, out: out.join("\n"), err: err.join("\n"), requested };
  }

  it("webhooks commands take the Partner Center address and public URL from the --config file", async () => {
    const file = configFile("relay.json", { publicUrl: "https://relay.contoso.example", partnerCenter: { url: "http://127.0.0.1:4999" } });
    const result = await run(["--config", file, "webhooks", "show"], {});
    expect(result.err).toBe("");
    expect(result.code).toBe(0);
    expect(result.requested).toEqual([expect.stringMatching(/^http:\/\/127\.0\.0\.1:4999\/webhooks\/v1\//)]);
    expect(result.out).toContain("https://relay.contoso.example/hooks/partner-center (this relay)");
  });

  it("lets the environment win over the file, and a flag over both", async () => {
    const file = configFile("relay.json", { publicUrl: "https://file.contoso.example", partnerCenter: { url: "http://127.0.0.1:4999" } });
    const fromEnv = await run(["--config", file, "webhooks", "show"], { COSELL_PUBLIC_URL: "https://env.contoso.example" });
    expect(fromEnv.out).toContain("(not this relay: https://env.contoso.example/hooks/partner-center)");

    const fromFlag = await run(["--config", file, "--public-url", "https://flag.contoso.example", "webhooks", "show"], { COSELL_PUBLIC_URL: "https://env.contoso.example" });
    expect(fromFlag.out).toContain("(not this relay: https://flag.contoso.example/hooks/partner-center)");
  });

  it("refuses a config file the other commands would refuse, naming the problem", async () => {
    const file = configFile("leaky.json", { partnerCenter: { accessToken: "do-not-store-me" } });
    const result = await run(["--config", file, "webhooks", "show"], {});
    expect(result.code).toBe(1);
    expect(result.err).toContain("partnerCenter.accessToken is a secret and must not be in the config file: set COSELL_PC_ACCESS_TOKEN");
    expect(result.err).not.toContain("do-not-store-me");
    expect(result.requested).toEqual([]);
  });

  it("auth reads its sign-in settings from the same file, with the cache key from the environment", async () => {
    const cacheFile = path.join(folder, "token-cache.json");
    const file = configFile("sign-in.json", { partnerCenter: { clientId: PC_APP, tenantId: PC_TENANT, tokenCacheFile: cacheFile } });
    const result = await run(["--config", file, "auth", "status"], { COSELL_PC_TOKEN_CACHE_KEY: CACHE_KEY });
    expect(result).toMatchObject({ code: 1, err: expect.stringContaining('Nobody is signed in to Partner Center on this relay. Run "cosell-relay auth login".') });

    const withoutKey = await run(["--config", file, "auth", "status"], {});
    expect(withoutKey).toMatchObject({ code: 1, err: expect.stringContaining("COSELL_PC_TOKEN_CACHE_KEY") });
  });

  it("says which settings are missing or in the way", async () => {
    const none = await run(["auth", "status"], {});
    expect(none).toMatchObject({ code: 1, err: expect.stringContaining("set COSELL_PC_CLIENT_ID, COSELL_PC_TENANT_ID and COSELL_PC_TOKEN_CACHE_KEY") });

    const staticToken = await run(["auth", "login"], { COSELL_PC_ACCESS_TOKEN: "a-token" });
    expect(staticToken).toMatchObject({ code: 1, err: expect.stringContaining("unset it and set COSELL_PC_CLIENT_ID") });
    expect(staticToken.err).not.toContain("a-token");

    const noPublicUrl = await run(["--partner-center-url", "http://127.0.0.1:4999", "webhooks", "register"], {});
    expect(noPublicUrl).toMatchObject({ code: 1, err: expect.stringContaining("--public-url https://relay.example.com or set COSELL_PUBLIC_URL") });
    expect(noPublicUrl.requested).toEqual([]);
  });
});
