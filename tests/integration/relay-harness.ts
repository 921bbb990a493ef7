/**
 * The real relay (`createRelay`, configured through its environment variables) between the two
 * emulators and one Entra ID stand-in: Partner Center delivers signed webhooks to it, Dataverse's
 * service endpoint posts to it, sellers call its API with tokens the stand-in issues. Everything
 * listens on 127.0.0.1, port 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createTestIdentity, type TestIdentity } from "../../emulators/identity/src";
import { startDataverseEmulator, type DataverseEmulator } from "../../emulators/dataverse/src";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../../emulators/partner-center/src";
import { createRelay, type Relay } from "../../relay/src/app";
import { runCli } from "../../relay/src/cli";
import { loadConfig } from "../../relay/src/config";
import { createLogger } from "../../relay/src/observability/logger";
import { callbackTokenProvider, REFERRALS_AUDIENCE, type TokenProvider } from "../../relay/src/partner-center";
import { CrmSession } from "./support/crm";
import { SELLER, SOLUTION_FOLDER } from "./support/harness";

export const RELAY_APP = { clientId: "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", clientSecret: "relay-app-client-secret" };
/** The app registration that exposes the relay's API to the form. */
export const API_APP_ID = "9a8b7c6d-5e4f-4321-8fed-cba987654321";
export const WEBHOOK_SECRET = "integration-webhook-secret-value";

/** Both emulators, one Entra ID stand-in and the relay's configuration, without the relay running. */
export interface RelayEnvironment {
  identity: TestIdentity;
  partnerCenter: PartnerCenterEmulator;
  dataverse: DataverseEmulator;
  /** The environment the relay is configured from; CLI runs use the same. */
  env: NodeJS.ProcessEnv;
  partnerCenterTokens: TokenProvider;
  seller: CrmSession;
  admin: CrmSession;
  sellerObjectId: string;
  cli(args: string[], env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  stop(): Promise<void>;
}

export interface RelayHarness extends RelayEnvironment {
  relay: Relay;
  /** The relay's address. */
  url: string;
  /** Warnings and errors the relay logged, to explain a failing test. */
  logs: string[];
  /** A token the form would send for the seller. */
  sellerToken(): Promise<string>;
}

export async function startRelayEnvironment(): Promise<RelayEnvironment> {
  const identity = await createTestIdentity({ apps: [RELAY_APP] });
  const dataverse = await startDataverseEmulator({ identity, serveIdentity: true, organizationName: "contoso", solutions: [SOLUTION_FOLDER], webhooks: { attempts: 3, retryDelayMs: 200 } });
  dataverse.seed.currencies();
  const partnerCenter = await startPartnerCenterEmulator({ identity, webhooks: { retryIntervalMs: 200 } });
  const dataDir = mkdtempSync(path.join(tmpdir(), "relay-it-"));
  // The emulator's test root stands in for Microsoft's, which the relay trusts by default.
  const certificateRoot = path.join(dataDir, "partner-center-root.pem");
  writeFileSync(certificateRoot, partnerCenter.rootCertificatePem);

  const env: NodeJS.ProcessEnv = {
    COSELL_HOST: "127.0.0.1",
    COSELL_PORT: "0",
    COSELL_DATA_DIR: dataDir,
    COSELL_LOG_LEVEL: "warn",
    COSELL_PARTNER_CENTER_URL: partnerCenter.url,
    COSELL_PC_CERTIFICATE_HOSTS: new URL(partnerCenter.url).host,
    COSELL_PC_CERTIFICATE_ROOTS: certificateRoot,
    COSELL_DATAVERSE_URL: dataverse.environmentUrl,
    COSELL_DATAVERSE_TENANT_ID: identity.tenantId,
    COSELL_DATAVERSE_CLIENT_ID: RELAY_APP.clientId,
    COSELL_DATAVERSE_CLIENT_SECRET: RELAY_APP.clientSecret,
    COSELL_DATAVERSE_AUTHORITY: `${identity.baseUrl}/${identity.tenantId}`,
    COSELL_DATAVERSE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    COSELL_API_TENANT_ID: identity.tenantId,
    COSELL_API_CLIENT_ID: API_APP_ID,
    COSELL_API_AUTHORITY_HOST: identity.baseUrl,
    COSELL_RECONCILE_MINUTES: "0",
    COSELL_QUEUE_POLL_SECONDS: "0.5",
    COSELL_QUEUE_RETRY_DELAY_SECONDS: "1",
    COSELL_QUEUE_RETRY_LIMIT: "3",
  };
  // App+User tokens for the emulator's Referrals API; the configured sign-in would need a person.
  const partnerCenterTokens = callbackTokenProvider((audience) => partnerCenter.issueToken({ api: audience === REFERRALS_AUDIENCE ? "referrals" : "webhooks" }));

  return {
    identity,
    partnerCenter,
    dataverse,
    env,
    partnerCenterTokens,
    seller: new CrmSession(dataverse, () => dataverse.tokenFor({ upn: SELLER.upn, name: SELLER.name })),
    admin: new CrmSession(dataverse, () => dataverse.tokenFor()),
    sellerObjectId: identity.objectIdFor(SELLER.upn),
    async cli(args, extraEnv = {}) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runCli(args, {
        io: { out: (line) => out.push(line), err: (line) => err.push(line) },
        env: { ...env, ...extraEnv },
        tokenProvider: partnerCenterTokens,
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
      });
      return { code, out: out.join("\n"), err: err.join("\n") };
    },
    async stop() {
      await dataverse.stop();
      await partnerCenter.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startRelayHarness(): Promise<RelayHarness> {
  const environment = await startRelayEnvironment();
  const logs: string[] = [];
  const relay = await createRelay(loadConfig({ env: environment.env }), {
    partnerCenterTokenProvider: environment.partnerCenterTokens,
    partnerCenterClientOptions: { retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxTotalWaitMs: 15_000 } },
    dataverseRetry: { baseDelayMs: 50, maxDelayMs: 1_000, maxTotalWaitMs: 15_000 },
    logger: createLogger({ level: "warn", destination: { write: (line: string) => void logs.push(line) } }),
  });
  const url = await relay.start();
  return {
    ...environment,
    relay,
    url,
    logs,
    sellerToken: () => environment.identity.issueToken({ audience: API_APP_ID, user: { upn: SELLER.upn, name: SELLER.name } }),
    async stop() {
      await relay.stop();
      await environment.stop();
    },
  };
}
