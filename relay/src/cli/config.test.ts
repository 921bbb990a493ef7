import { ConfigError, readPartnerCenterConfig, requirePublicUrl } from "./config";

describe("CLI configuration", () => {
  it("lets a flag win over the environment, and one Partner Center URL serve both APIs", () => {
    const config = readPartnerCenterConfig(
      { partnerCenterUrl: "http://127.0.0.1:4010/", publicUrl: "https://relay.contoso.example/" },
      { COSELL_PUBLIC_URL: "https://ignored.example", COSELL_PC_ACCESS_TOKEN: "t" },
    );
    expect(config).toMatchObject({ referralsApiUrl: "http://127.0.0.1:4010", webhooksApiUrl: "http://127.0.0.1:4010", publicUrl: "https://relay.contoso.example" });
    expect(config.auth()).toEqual({ kind: "static", token: "t" });
  });

  it("defaults to the documented Partner Center hosts and device-code sign-in", () => {
    const config = readPartnerCenterConfig({}, { COSELL_PC_CLIENT_ID: "app", COSELL_PC_TENANT_ID: "tenant", COSELL_PC_TOKEN_CACHE_KEY: "k" });
    expect(config.referralsApiUrl).toBe("https://api.partner.microsoft.com");
    expect(config.webhooksApiUrl).toBe("https://api.partnercenter.microsoft.com");
    expect(config.auth()).toMatchObject({ kind: "device-code", clientId: "app", tenantId: "tenant", authorityHost: "https://login.microsoftonline.com", cacheKey: "k" });
  });

  it("names the setting to fix", () => {
    expect(() => readPartnerCenterConfig({ publicUrl: "relay.contoso.example" }, {})).toThrow(/--public-url \/ COSELL_PUBLIC_URL must be an absolute URL/);
    const config = readPartnerCenterConfig({}, {});
    expect(() => config.auth()).toThrow(ConfigError);
    expect(() => config.auth()).toThrow(/COSELL_PC_CLIENT_ID and COSELL_PC_TENANT_ID/);
    expect(() => requirePublicUrl(config)).toThrow(/--public-url/);
  });
});
