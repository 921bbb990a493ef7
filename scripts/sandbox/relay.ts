/**
 * The relay in sandbox mode: the same `createRelay` a production start uses, configured for the
 * emulators (loopback URLs, the identity stand-in as Entra ID, the sandbox token endpoint for the
 * form), then registered the way an admin registers it, with the relay's own commands:
 * `cosell-relay webhooks register` (Partner Center) and `cosell-relay dataverse register-webhook`
 * (the service endpoint and steps, through the Dataverse Web API).
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createRelay, type Relay } from "../../relay/src/app";
import { runCli } from "../../relay/src/cli";
import { loadConfig, SETTINGS } from "../../relay/src/config";
import { callbackTokenProvider, type TokenProvider } from "../../relay/src/partner-center/tokens";
import type { PartnerCenterEmulator } from "../../emulators/partner-center/src";
import type { SandboxIdentity } from "./identity";
import type { SandboxOptions } from "./options";
import { HOST, listenAs } from "./ports";
import { ADMIN } from "./users";

export interface SandboxRelayOptions {
  port: number;
  dataDir: string;
  logLevel: SandboxOptions["relayLogLevel"];
  identity: SandboxIdentity;
  partnerCenter: PartnerCenterEmulator;
  dataverseUrl: string;
  harnessOrigin: string;
  log: (line: string) => void;
}

export interface SandboxRelay {
  relay: Relay;
  url: string;
  stop(): Promise<void>;
}

type Settings = Record<string, string | number | string[] | undefined>;

export async function startRelay(options: SandboxRelayOptions): Promise<SandboxRelay> {
  const { identity } = options.identity;
  // The emulator's test root stands in for Microsoft's, which the relay trusts by default.
  const certificateRoot = path.join(options.dataDir, "partner-center-root.pem");
  mkdirSync(options.dataDir, { recursive: true });
  writeFileSync(certificateRoot, options.partnerCenter.rootCertificatePem);
  const settings: Settings = {
    // Known up front for a fixed port; with port 0 (tests) the relay runs without it, which only its logs mention.
    publicUrl: options.port === 0 ? undefined : `http://${HOST}:${options.port}`,
    host: HOST,
    port: options.port,
    dataDir: path.join(options.dataDir, "relay"),
    logLevel: options.logLevel,
    corsOrigins: [options.harnessOrigin],
    sandboxTokenUrl: options.identity.tokenUrl,
    "partnerCenter.url": options.partnerCenter.url,
    "partnerCenter.partnerId": options.partnerCenter.partner.partnerId,
    "partnerCenter.certificateHosts": [new URL(options.partnerCenter.url).hostname],
    "partnerCenter.certificateRoots": [certificateRoot],
    "dataverse.url": options.dataverseUrl,
    "dataverse.tenantId": identity.tenantId,
    "dataverse.clientId": options.identity.relayDataverseApp.clientId,
    "dataverse.clientSecret": options.identity.relayDataverseApp.clientSecret,
    "dataverse.authority": `${options.identity.url}/${identity.tenantId}`,
    "dataverse.webhookSecret": randomBytes(32).toString("base64url"),
    "api.tenantId": identity.tenantId,
    "api.clientId": options.identity.relayApiClientId,
    "api.authorityHost": options.identity.url,
    "queue.pollingIntervalSeconds": 0.5,
  };
  // Partner Center tokens come from the emulator for its Referrals Admin, as a signed-in admin's would.
  const pc = options.partnerCenter;
  const tokens: TokenProvider = callbackTokenProvider((audience) => pc.issueToken({ api: audience === pc.audiences.webhooks ? "webhooks" : "referrals", upn: ADMIN.upn }));
  const relay = await createRelay(loadConfig({ env: {}, overrides: settings }), { partnerCenterTokenProvider: tokens, purpose: "npm start (sandbox)" });
  let url: string;
  try {
    url = await listenAs("relay", options.port, () => relay.start());
    const cli = { env: environmentFor({ ...settings, publicUrl: url }), tokenProvider: tokens };
    // Run on every start: a restored emulator still points at the previous run's relay, which on
    // free ports (tests) had another address. Both emulators are the sandbox's own, so moving is safe.
    await command(["webhooks", "register", "--overwrite"], "Partner Center", cli, options.log);
    await command(["dataverse", "register-webhook", "--overwrite"], "Dataverse", cli, options.log);
  } catch (error) {
    await relay.stop();
    throw error;
  }
  return { relay, url, stop: () => relay.stop() };
}

/** The settings as the environment variables the relay's commands read. */
function environmentFor(settings: Settings): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const setting of SETTINGS) {
    const value = settings[setting.path];
    if (value !== undefined) env[setting.env] = Array.isArray(value) ? value.join(",") : String(value);
  }
  return env;
}

/** Runs a `cosell-relay` command line in process, printing what it prints. */
async function command(args: string[], label: string, cli: { env: NodeJS.ProcessEnv; tokenProvider: TokenProvider }, log: (line: string) => void): Promise<void> {
  const errors: string[] = [];
  const code = await runCli(args, {
    env: cli.env,
    tokenProvider: cli.tokenProvider,
    io: { out: (line) => log(`  ${label}: ${line}`), err: (line) => errors.push(line) },
  });
  if (code !== 0) throw new Error(`"cosell-relay ${args.join(" ")}" failed: ${errors.join(" ") || `exit code ${code}`}`);
}
