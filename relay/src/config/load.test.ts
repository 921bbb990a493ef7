import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { issue, selfSigned } from "../webhooks/pki.test-support";
import { ConfigError, loadConfig, requireSections } from "./index";

const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const CLIENT = "6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

function writeJson(name: string, value: unknown): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "relay-config-")), name);
  writeFileSync(file, typeof value === "string" ? value : JSON.stringify(value));
  return file;
}

function problems(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("relay configuration", () => {
  it("runs with defaults: local PGlite folder, Microsoft's Partner Center hosts and certificate host", () => {
    const config = loadConfig({ env: {} });
    expect(config).toMatchObject({
      host: "127.0.0.1",
      port: 8080,
      dataDir: ".data/relay",
      logLevel: "info",
      partnerCenter: {
        referralsApiUrl: "https://api.partner.microsoft.com",
        webhooksApiUrl: "https://api.partnercenter.microsoft.com",
        certificateHosts: ["3psostorageacct.blob.core.windows.net"],
        certificateSubject: "pcnotifications-dispatch.microsoft.com",
        issuerCertificateHosts: ["www.microsoft.com", "3psostorageacct.blob.core.windows.net"],
      },
      queue: { retryLimit: 8, retryDelaySeconds: 5, reconcileEveryMinutes: 5 },
      sync: { inlineBudgetMs: 15_000 },
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataverse).toBeUndefined();
    expect(config.api).toBeUndefined();
    // Only Microsoft's roots from Node's CA bundle, e.g. the RSA root Microsoft's PKI chains to.
    const roots = config.partnerCenter.certificateRoots.map((root) => root.subject);
    expect(roots).toContain("C=US\nO=Microsoft Corporation\nCN=Microsoft RSA Root Certificate Authority 2017");
    expect(roots.every((subject) => subject.includes("O=Microsoft Corporation"))).toBe(true);
  });

  it("reads the trusted roots from PEM files at start, and says which file is unusable and why", () => {
    const first = selfSigned({ commonName: "Emulator Root", ca: true });
    const second = selfSigned({ commonName: "Second Root", ca: true });
    const bundle = writeJson("roots.pem", `${first.pem}\n${second.pem}`);
    const config = loadConfig({ env: { COSELL_PC_CERTIFICATE_ROOTS: bundle, COSELL_PC_ISSUER_CERTIFICATE_HOSTS: "PKI.Contoso.example,127.0.0.1:4010" } });
    expect(config.partnerCenter.certificateRoots.map((root) => root.fingerprint256)).toEqual([first.x509.fingerprint256, second.x509.fingerprint256]);
    expect(config.partnerCenter.issuerCertificateHosts).toEqual(["pki.contoso.example", "127.0.0.1:4010"]);

    const missing = problems(() => loadConfig({ env: { COSELL_PC_CERTIFICATE_ROOTS: "/nonexistent/root.pem" } }));
    expect(missing).toContain("COSELL_PC_CERTIFICATE_ROOTS (config file: partnerCenter.certificateRoots) cannot be used: cannot read /nonexistent/root.pem (no such file)");
    const notPem = writeJson("root.pem", "not a certificate");
    expect(problems(() => loadConfig({ env: { COSELL_PC_CERTIFICATE_ROOTS: notPem } }))).toContain(`${notPem} holds no PEM certificate`);
    const leaf = writeJson("leaf.pem", issue(first, { commonName: "pcnotifications-dispatch.microsoft.com" }).pem);
    expect(problems(() => loadConfig({ env: { COSELL_PC_CERTIFICATE_ROOTS: leaf } }))).toContain(`"pcnotifications-dispatch.microsoft.com" in ${leaf} is not a CA certificate`);
  });

  it("names each variable in error, says what is wrong and reports every problem at once", () => {
    const message = problems(() =>
      loadConfig({
        env: {
          COSELL_PORT: "eighty",
          COSELL_DATAVERSE_URL: "http://contoso.crm.dynamics.com",
          COSELL_CORS_ORIGINS: "https://contoso.crm.dynamics.com/main.aspx",
          COSELL_RECONCILE_MINUTES: "90",
          DATABASE_URL: "mysql://secret-password@db",
        },
      }),
    );
    expect(message).toContain("COSELL_PORT (config file: port) must be a number");
    expect(message).toContain('COSELL_DATAVERSE_URL (config file: dataverse.url) must be an https URL (plain http only on 127.0.0.1/localhost, for a local emulator), got "http://contoso.crm.dynamics.com"');
    expect(message).toContain("COSELL_CORS_ORIGINS (config file: corsOrigins) must list origins");
    expect(message).toContain("COSELL_RECONCILE_MINUTES (config file: queue.reconcileEveryMinutes) must be a whole number from 0 to 59");
    expect(message).toContain("DATABASE_URL must be a PostgreSQL connection string");
    expect(message).not.toContain("secret-password");
  });

  it("asks for the rest of a half-configured section, with the fix", () => {
    const message = problems(() => loadConfig({ env: { COSELL_DATAVERSE_URL: "https://contoso.crm.dynamics.com", COSELL_DATAVERSE_CLIENT_ID: CLIENT, COSELL_PC_CLIENT_ID: CLIENT } }));
    expect(message).toContain("COSELL_DATAVERSE_TENANT_ID (config file: dataverse.tenantId) is required");
    expect(message).toContain("COSELL_DATAVERSE_CLIENT_SECRET is required: a client secret");
    expect(message).toContain("COSELL_PC_TENANT_ID (config file: partnerCenter.tenantId) is required");
    expect(message).toContain("COSELL_PC_TOKEN_CACHE_KEY is required to encrypt the Partner Center token cache; create one with: openssl rand -base64 32");
  });

  it("reads the config file, lets the environment win over it and flags win over both", () => {
    const file = writeJson("relay.json", {
      publicUrl: "https://relay.contoso.com/",
      port: 9000,
      partnerCenter: { url: "http://127.0.0.1:4010", certificateHosts: ["127.0.0.1:4010"] },
      dataverse: { url: "https://contoso.crm.dynamics.com", tenantId: TENANT, clientId: CLIENT },
      queue: { retryLimit: 3 },
    });
    const config = loadConfig({
      configFile: file,
      env: { COSELL_PORT: "9100", COSELL_DATAVERSE_CLIENT_SECRET: "s3cret-value", COSELL_CORS_ORIGINS: "https://fabrikam.crm4.dynamics.com" },
      overrides: { port: 9200 },
    });
    expect(config.publicUrl).toBe("https://relay.contoso.com");
    expect(config.port).toBe(9200);
    expect(config.queue.retryLimit).toBe(3);
    expect(config.partnerCenter).toMatchObject({ referralsApiUrl: "http://127.0.0.1:4010", webhooksApiUrl: "http://127.0.0.1:4010", certificateHosts: ["127.0.0.1:4010"] });
    expect(config.dataverse).toEqual({
      environmentUrl: "https://contoso.crm.dynamics.com",
      credentials: { kind: "client-credentials", tenantId: TENANT, clientId: CLIENT, clientSecret: "s3cret-value", authority: undefined },
    });
    // The environment's own origin is always allowed to call the API from the form.
    expect(config.corsOrigins).toEqual(["https://fabrikam.crm4.dynamics.com", "https://contoso.crm.dynamics.com"]);
  });

  it("refuses secrets and unknown keys in the config file, and takes secrets from the secrets file", () => {
    const withSecret = writeJson("relay.json", { dataverse: { clientSecret: "do-not-commit" }, colour: "blue" });
    const message = problems(() => loadConfig({ configFile: withSecret, env: {} }));
    expect(message).toContain("dataverse.clientSecret is a secret and must not be in the config file: set COSELL_DATAVERSE_CLIENT_SECRET in the environment or in the secrets file (COSELL_SECRETS_FILE)");
    expect(message).toContain('"colour" is not a relay setting');

    const secrets = writeJson("secrets.json", { COSELL_DATAVERSE_WEBHOOK_SECRET: "0123456789abcdef0123", COSELL_PC_ACCESS_TOKEN: "token-value" });
    const config = loadConfig({ env: { COSELL_SECRETS_FILE: secrets } });
    expect(config.dataverseWebhook).toEqual({ header: "x-cosell-webhook-secret", secret: "0123456789abcdef0123" });
    expect(config.partnerCenter.auth).toEqual({ kind: "static", token: "token-value" });

    const notSecret = writeJson("secrets.json", { COSELL_PORT: "1" });
    expect(problems(() => loadConfig({ env: { COSELL_SECRETS_FILE: notSecret } }))).toContain('names "COSELL_PORT", which is not a secret setting');
    const broken = writeJson("secrets.json", '{"COSELL_PC_ACCESS_TOKEN": "abc');
    const brokenMessage = problems(() => loadConfig({ env: { COSELL_SECRETS_FILE: broken } }));
    expect(brokenMessage).toContain("is not valid JSON");
    expect(brokenMessage).not.toContain("abc");
    expect(problems(() => loadConfig({ configFile: "/nonexistent/relay.json", env: {} }))).toContain("cannot be read (no such file)");
  });

  it("derives the user-token checks and the form's sign-in from the API app registration", () => {
    const config = loadConfig({ env: { COSELL_API_TENANT_ID: TENANT, COSELL_API_CLIENT_ID: CLIENT } });
    expect(config.api).toEqual({
      tenantId: TENANT,
      clientId: CLIENT,
      audiences: [CLIENT, `api://${CLIENT}`],
      issuers: [`https://login.microsoftonline.com/${TENANT}/v2.0`, `https://sts.windows.net/${TENANT}/`],
      jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
      authority: `https://login.microsoftonline.com/${TENANT}`,
      scopes: [`api://${CLIENT}/user_impersonation`],
    });
    const local = loadConfig({ env: { COSELL_API_TENANT_ID: TENANT, COSELL_API_CLIENT_ID: CLIENT, COSELL_API_AUTHORITY_HOST: "http://127.0.0.1:4100" } });
    expect(local.api).toMatchObject({ issuers: [`http://127.0.0.1:4100/${TENANT}/v2.0`], jwksUrl: `http://127.0.0.1:4100/${TENANT}/discovery/v2.0/keys` });
  });

  it("says which settings a command still needs", () => {
    const config = loadConfig({ env: { COSELL_PC_ACCESS_TOKEN: "t" } });
    expect(() => requireSections(config, ["partnerCenter"])).not.toThrow();
    const message = problems(() => requireSections(config, ["partnerCenter", "dataverse", "dataverseWebhook", "api"]));
    expect(message.split("\n")).toEqual([
      expect.stringContaining("set COSELL_DATAVERSE_URL"),
      expect.stringContaining("set COSELL_DATAVERSE_WEBHOOK_SECRET"),
      expect.stringContaining("set COSELL_API_TENANT_ID and COSELL_API_CLIENT_ID"),
    ]);
  });
});
