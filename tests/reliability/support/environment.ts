/**
 * One co-sell deployment on one machine, as an operator would run it: an Entra ID stand-in, the
 * Dataverse emulator with the connector's solution imported (optionally behind a latency proxy and
 * with service-protection limits), the Partner Center emulator (optionally with its fault
 * settings), and the real relay configured through its environment variables, either in this
 * process (`createRelay`) or as `cosell-relay start` processes. Both platforms' webhooks are
 * registered to a gateway in front of the relay. Every server listens on 127.0.0.1, port 0.
 *
 * The relay's log lines are all kept (`logs`), with the secrets it was given and the signatures it
 * received (`secrets`), so a suite can prove none of them was ever logged.
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Client } from "pg";
import { SystemUserTable } from "@cosell/core";
import { startDataverseEmulator, type DataverseEmulator, type ServiceProtectionLimits } from "../../../emulators/dataverse/src";
import { col } from "../../../emulators/dataverse/src/metadata/builder";
import { createTestIdentity, type TestIdentity } from "../../../emulators/identity/src";
import { startPartnerCenterEmulator, type DeliveryOptions, type FaultOverrides, type PartnerCenterEmulator } from "../../../emulators/partner-center/src";
import { createRelay, type Relay } from "../../../relay/src/app";
import { runCli } from "../../../relay/src/cli";
import { REFERRAL_EVENTS } from "../../../relay/src/cli/webhooks";
import { loadConfig } from "../../../relay/src/config";
import { DataverseConnection, registerWebhook, type RetryPolicy } from "../../../relay/src/dataverse";
import { openDatabase, type Database } from "../../../relay/src/db/database";
import { QueueNames, startQueue } from "../../../relay/src/jobs/queue";
import { createLogger } from "../../../relay/src/observability/logger";
import { callbackTokenProvider, createPartnerCenterClient, REFERRALS_AUDIENCE, type PartnerCenterClientOptions, type TokenProvider } from "../../../relay/src/partner-center";
import { CrmSession } from "../../integration/support/crm";
import { secretsInLogs } from "./secrets";
import { startApiProxy, type ApiProxy, type Latency } from "./api-proxy";
import { spawnRelayProcess, type RelayProcess } from "./relay-process";
import { startWebhookGateway, type WebhookGateway } from "./webhook-gateway";

export const SOLUTION_FOLDER = path.resolve(__dirname, "../../../solution");
/** The relay's app registration in Entra ID (its Dataverse application user). */
export const RELAY_APP = { clientId: "3f1b2c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", clientSecret: `relay-app-secret-${randomBytes(12).toString("hex")}` };
/** The app registration that exposes the relay's API to the form. */
export const API_APP_ID = "9a8b7c6d-5e4f-4321-8fed-cba987654321";
export const WEBHOOK_HEADER = "x-cosell-webhook-secret";
export const SELLER = { upn: "sam.seller@contoso.example", name: "Sam Seller" };

export interface EnvironmentOptions {
  /** Where the relay keeps its queue and links (default PGlite in a temporary folder). */
  database?: "pglite" | "postgres";
  /** In this process (default), `replicas` × `cosell-relay start` processes, or none (a CLI command does the work). */
  relay?: "in-process" | "process" | "none";
  replicas?: number;
  partnerCenterFaults?: FaultOverrides;
  partnerCenterWebhooks?: DeliveryOptions;
  /** Latency added to every Dataverse call the relay makes. */
  dataverseLatency?: Partial<Latency>;
  dataverseLimits?: Partial<ServiceProtectionLimits>;
  /** Extra relay settings (COSELL_* variables) on top of the test defaults. */
  relaySettings?: Record<string, string>;
  /** How the in-process relay's clients retry and time out (default: short back-off, 20 s budget). */
  clients?: { partnerCenter?: Partial<PartnerCenterClientOptions>; dataverseRetry?: Partial<RetryPolicy> };
  /** Default "info", so everything the relay says in normal operation is checked for secrets. */
  logLevel?: string;
  random?: () => number;
  /** Register both platforms' webhooks to the gateway (default true). */
  registerWebhooks?: boolean;
}

export interface Environment {
  identity: TestIdentity;
  partnerCenter: PartnerCenterEmulator;
  dataverse: DataverseEmulator;
  /** In front of Dataverse for the relay's calls: latency, stalls, races and the relay's call counts. */
  dataverseProxy: ApiProxy;
  /** The same in front of Partner Center. */
  partnerCenterProxy: ApiProxy;
  /** Where both platforms deliver webhooks. */
  gateway: WebhookGateway;
  /** The in-process relay (undefined in process mode). */
  readonly relay: Relay | undefined;
  /** The relay processes, running or starting (empty in in-process mode). */
  readonly processes: RelayProcess[];
  /** The first relay's own address (not the gateway). */
  readonly relayUrl: string;
  /** The relay's settings, as environment variables. */
  env: NodeJS.ProcessEnv;
  databaseKind: "pglite" | "postgres";
  seller: CrmSession;
  admin: CrmSession;
  sellerObjectId: string;
  /** Every line the relay (and the CLI runs) logged. */
  logs: string[];
  /** Fixed secrets that must never appear in a log line (tokens are found by their JWT shape). */
  secrets: Set<string>;
  /** Lines of `logs` that carry a token, a secret or a delivered webhook signature, masked. */
  leakedSecrets(): string[];
  /** A token the form would send for the seller (or another user). */
  sellerToken(user?: { upn: string; name: string }): Promise<string>;
  /** Another user's session on Dataverse, e.g. a second seller. */
  sessionFor(user: { upn: string; name: string }): CrmSession;
  cli(args: string[], extraEnv?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  /** Runs a reconcile sweep now, as the schedule would. */
  reconcile(): Promise<void>;
  /** Jobs queued, retrying or running (undefined when the database cannot be read from here). */
  pendingJobs(): Promise<number | undefined>;
  /** Resolves once every webhook is delivered and no job is queued, retrying or running. */
  settled(timeoutMs?: number): Promise<void>;
  /** Process mode: kills every relay process at once (SIGKILL). */
  killRelays(): Promise<void>;
  /** Process mode: starts the relay processes again on the same database. */
  startRelays(): Promise<void>;
  /** Stops every relay gracefully (SIGTERM, or `stop()` in process), as an operator would. */
  stopRelays(): Promise<void>;
  stop(): Promise<void>;
}

/** Polls `probe` until it returns a value (not undefined/false), failing with `what` after the deadline. */
export async function until<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 30_000, pollMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** A fresh PostgreSQL database for one run, on the server named by TEST_DATABASE_URL (or the local default). */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const name = `cosell_rel_${randomBytes(6).toString("hex")}`;
  await adminStatement(server, `create database ${name}`);
  const url = new URL(server);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    async drop() {
      // Processes that were just stopped may take a moment to hang up.
      const open = () => adminQuery(server, "select application_name, state, left(query, 120) as query from pg_stat_activity where datname = $1", [name]);
      const left = await until(async () => ((await open()).length === 0 ? [] : undefined), "connections to close", 5_000, 200).catch(open);
      if (left.length) console.warn(`Connections still open on ${name} at the end of the run: ${JSON.stringify(left)}`);
      await adminStatement(server, `drop database if exists ${name} with (force)`);
    },
  };
}

async function adminStatement(server: string, statement: string): Promise<void> {
  await adminQuery(server, statement);
}

async function adminQuery(server: string, statement: string, values: unknown[] = []): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    return (await client.query(statement, values)).rows;
  } finally {
    await client.end();
  }
}

/** Partner Center tokens for the emulator, one per audience, reused until shortly before they expire. */
function cachedEmulatorTokens(partnerCenter: PartnerCenterEmulator): TokenProvider {
  const cache = new Map<string, { token: string; until: number }>();
  return callbackTokenProvider(async (audience) => {
    const hit = cache.get(audience);
    if (hit && hit.until > Date.now()) return hit.token;
    const token = await partnerCenter.issueToken({ api: audience === REFERRALS_AUDIENCE ? "referrals" : "webhooks", expiresIn: 3 * 3600 });
    cache.set(audience, { token, until: Date.now() + 2 * 3600_000 });
    return token;
  });
}

export async function startEnvironment(options: EnvironmentOptions = {}): Promise<Environment> {
  const secrets = new Set<string>([RELAY_APP.clientSecret]);
  const logs: string[] = [];
  const cleanup: (() => Promise<void>)[] = [];
  const random = options.random ?? Math.random;

  try {
    const identity = await createTestIdentity({ apps: [RELAY_APP] });

    const dataverseProxy = await startApiProxy({ latency: options.dataverseLatency, random });
    cleanup.push(() => dataverseProxy.stop());
    const dataverse = await startDataverseEmulator({
      identity,
      serveIdentity: true,
      environmentUrl: dataverseProxy.url,
      organizationName: "contoso",
      solutions: [SOLUTION_FOLDER],
      limits: options.dataverseLimits,
      webhooks: { attempts: 3, retryDelayMs: 200 },
    });
    cleanup.push(() => dataverse.stop());
    dataverseProxy.target = dataverse.url;
    dataverse.seed.currencies();
    addStandardUserPhones(dataverse);

    const partnerCenter = await startPartnerCenterEmulator({
      identity,
      webhooks: { retryIntervalMs: 250, ...options.partnerCenterWebhooks },
      faults: options.partnerCenterFaults,
      random,
    });
    cleanup.push(() => partnerCenter.stop());
    const partnerCenterProxy = await startApiProxy({ target: partnerCenter.url, random, rewriteLinks: true });
    cleanup.push(() => partnerCenterProxy.stop());
    const gateway = await startWebhookGateway({ random });
    cleanup.push(() => gateway.stop());

    const webhookSecret = randomBytes(24).toString("base64url");
    secrets.add(webhookSecret);
    const databaseKind = options.database ?? "pglite";
    const dataDir = mkdtempSync(path.join(tmpdir(), "cosell-rel-"));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    // The emulator's test root stands in for Microsoft's, which the relay trusts by default.
    const certificateRoot = path.join(dataDir, "partner-center-root.pem");
    writeFileSync(certificateRoot, partnerCenter.rootCertificatePem);
    const postgres = databaseKind === "postgres" ? await createPostgresDatabase() : undefined;
    if (postgres) cleanup.push(() => postgres.drop());

    const partnerCenterTokens = cachedEmulatorTokens(partnerCenter);
    const mode = options.relay ?? "in-process";
    const env: NodeJS.ProcessEnv = {
      COSELL_HOST: "127.0.0.1",
      COSELL_PORT: "0",
      COSELL_PUBLIC_URL: gateway.url,
      COSELL_DATA_DIR: dataDir,
      ...(postgres ? { DATABASE_URL: postgres.url } : {}),
      COSELL_LOG_LEVEL: options.logLevel ?? "info",
      COSELL_PARTNER_CENTER_URL: partnerCenterProxy.url,
      COSELL_PC_CERTIFICATE_HOSTS: new URL(partnerCenter.url).host,
      COSELL_PC_CERTIFICATE_ROOTS: certificateRoot,
      COSELL_DATAVERSE_URL: dataverseProxy.url,
      COSELL_DATAVERSE_TENANT_ID: identity.tenantId,
      COSELL_DATAVERSE_CLIENT_ID: RELAY_APP.clientId,
      COSELL_DATAVERSE_CLIENT_SECRET: RELAY_APP.clientSecret,
      COSELL_DATAVERSE_AUTHORITY: `${identity.baseUrl}/${identity.tenantId}`,
      COSELL_DATAVERSE_WEBHOOK_SECRET: webhookSecret,
      COSELL_API_TENANT_ID: identity.tenantId,
      COSELL_API_CLIENT_ID: API_APP_ID,
      COSELL_API_AUTHORITY_HOST: identity.baseUrl,
      COSELL_RECONCILE_MINUTES: "0",
      COSELL_QUEUE_POLL_SECONDS: "0.5",
      COSELL_QUEUE_RETRY_DELAY_SECONDS: "1",
      COSELL_QUEUE_RETRY_LIMIT: "4",
      ...options.relaySettings,
    };
    if (mode === "process") {
      // A separate process cannot share the callback: it gets a token the way an operator would paste one.
      env.COSELL_PC_ACCESS_TOKEN = await partnerCenter.issueToken({ api: "referrals", expiresIn: 6 * 3600 });
    }

    let relay: Relay | undefined;
    const processes: RelayProcess[] = [];
    const collect = (line: string) => void logs.push(line);

    async function startRelays(): Promise<void> {
      if (mode === "none") return;
      if (mode === "in-process") {
        const config = loadConfig({ env });
        relay = await createRelay(config, {
          partnerCenterTokenProvider: partnerCenterTokens,
          partnerCenterClientOptions: { retry: { baseDelayMs: 50, maxDelayMs: 2_000, maxTotalWaitMs: 20_000 }, ...options.clients?.partnerCenter },
          dataverseRetry: { baseDelayMs: 50, maxDelayMs: 2_000, maxTotalWaitMs: 20_000, ...options.clients?.dataverseRetry },
          // The same logger createRelay builds for itself, writing here instead of standard output.
          logger: createLogger({
            level: config.logLevel,
            secretHeaders: config.dataverseWebhook ? [config.dataverseWebhook.header] : [],
            destination: { write: (chunk: string) => void logs.push(...chunk.split("\n").filter(Boolean)) },
          }),
        });
        gateway.targets = [await relay.start()];
        return;
      }
      // Replicas that start together on an empty database race to create it (pg-boss's schema), and
      // all but one exit; so the first one starts alone, as an operator rolls out a first deployment.
      const replicas = options.replicas ?? 1;
      await spawnReplicas(1);
      if (replicas > 1) await spawnReplicas(replicas - 1);
    }

    async function spawnReplicas(count: number): Promise<void> {
      const spawned = Array.from({ length: count }, () => spawnRelayProcess(env, collect));
      processes.push(...spawned);
      const outcomes = await Promise.allSettled(spawned.map((p) => p.ready));
      gateway.targets = processes.filter((p) => p.url && !p.ending).map((p) => p.url);
      // A relay killed while it was starting (a test's doing) is simply not running; any other failure is one.
      const failed = outcomes.find((outcome, i): outcome is PromiseRejectedResult => outcome.status === "rejected" && !spawned[i].ending);
      if (failed) throw failed.reason;
    }

    async function stopRelays(): Promise<void> {
      gateway.targets = [];
      await relay?.stop();
      relay = undefined;
      await Promise.all(processes.splice(0).map((p) => p.stop()));
    }
    cleanup.push(stopRelays);
    await startRelays();

    if (options.registerWebhooks ?? true) {
      // The relay's registrations, as `cosell-relay webhooks register` and the admin's service endpoint set them up.
      const partnerCenterAdmin = createPartnerCenterClient({ referralsApiUrl: partnerCenter.url, webhooksApiUrl: partnerCenter.url, tokenProvider: partnerCenterTokens });
      await partnerCenterAdmin.webhooks.register({ webhookUrl: `${gateway.url}/hooks/partner-center`, webhookEvents: [...REFERRAL_EVENTS] });
      const dataverseAdmin = DataverseConnection.connect({ environmentUrl: dataverse.url, credentials: { getToken: () => dataverse.tokenFor() } });
      await registerWebhook(dataverseAdmin, {
        name: "Co-sell relay",
        url: `${gateway.url}/hooks/dataverse`,
        secret: { header: WEBHOOK_HEADER, value: webhookSecret },
        steps: [
          { message: "Create", table: "opportunity" },
          { message: "Update", table: "opportunity" },
          { message: "Update", table: "lead" },
        ],
      });
    }

    // Sellers and tests use the environment directly; only the relay's calls pass the proxy.
    const direct = { ...dataverse, apiUrl: `${dataverse.url}/api/data/v9.2/` } as DataverseEmulator;
    const seller = new CrmSession(direct, () => dataverse.tokenFor({ upn: SELLER.upn, name: SELLER.name }));
    const admin = new CrmSession(direct, () => dataverse.tokenFor());
    const sellerObjectId = identity.objectIdFor(SELLER.upn);

    let monitor: Database | undefined;
    const database = async (): Promise<Database | undefined> => {
      if (relay) return relay.db;
      if (!postgres) return undefined;
      monitor ??= await openDatabase({ databaseUrl: postgres.url, maxConnections: 2 });
      return monitor;
    };
    cleanup.push(async () => {
      await monitor?.close();
    });

    const environment: Environment = {
      identity,
      partnerCenter,
      dataverse,
      dataverseProxy,
      partnerCenterProxy,
      gateway,
      get relay() {
        return relay;
      },
      processes,
      get relayUrl() {
        return relay?.url ?? processes[0]?.url ?? "";
      },
      env,
      databaseKind,
      seller,
      admin,
      sellerObjectId,
      logs,
      secrets,
      leakedSecrets: () => secretsInLogs(logs, secrets, gateway.signatures),
      sellerToken: async (user = SELLER) => identity.issueToken({ audience: API_APP_ID, user: { upn: user.upn, name: user.name } }),
      sessionFor: (user) => new CrmSession(direct, () => dataverse.tokenFor({ upn: user.upn, name: user.name })),

      async cli(args, extraEnv = {}) {
        const out: string[] = [];
        const err: string[] = [];
        const code = await runCli(args, {
          io: { out: (line) => out.push(line), err: (line) => err.push(line) },
          env: { ...env, ...extraEnv },
          tokenProvider: partnerCenterTokens,
          sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
        });
        logs.push(...out, ...err);
        return { code, out: out.join("\n"), err: err.join("\n") };
      },

      async reconcile() {
        if (relay) {
          await relay.queue.enqueue({ queue: QueueNames.reconcile, data: { reason: "schedule" } });
          return;
        }
        const db = await database();
        if (!db) throw new Error("A reconcile can only be started from here on PostgreSQL or with the relay in this process.");
        const queue = await startQueue(db, { reconcileEveryMinutes: 0 });
        try {
          await queue.enqueue({ queue: QueueNames.reconcile, data: { reason: "schedule" } });
        } finally {
          await queue.stop();
        }
      },

      async pendingJobs() {
        const db = await database();
        if (!db) return undefined;
        const { rows } = await db.query<{ n: number }>(
          "select count(*)::int as n from pgboss.job where name = any($1) and state in ('created', 'retry', 'active')",
          [[QueueNames.pushOpportunity, QueueNames.pullReferral, QueueNames.reconcile]],
        );
        return rows[0].n;
      },

      async settled(timeoutMs = 60_000) {
        let quiet = 0;
        await until(
          async () => {
            await partnerCenter.deliveries.idle();
            await dataverse.webhooks.idle();
            await gateway.idle();
            const pending = await environment.pendingJobs();
            // Twice in a row: a finishing job may still be writing, and its write notifies again.
            quiet = pending === 0 || pending === undefined ? quiet + 1 : 0;
            return quiet >= 2;
          },
          "the relay to finish its jobs",
          timeoutMs,
          150,
        );
      },

      async killRelays() {
        gateway.targets = [];
        // Those still starting too: a crash does not wait for start-up to finish.
        await Promise.all(processes.splice(0).map((p) => p.kill()));
      },
      startRelays,
      stopRelays,

      async stop() {
        for (const step of cleanup.reverse()) await step().catch((error: Error) => console.warn(`Stopping the environment: ${error.message}`));
      },
    };
    return environment;
  } catch (error) {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
    throw error;
  }
}

/**
 * Every Dataverse systemuser has Main Phone and Mobile Phone; the emulator's table lacks them, and
 * Partner Center needs the owner's phone on every shared referral (partner-center-api.md §5).
 */
function addStandardUserPhones(dataverse: DataverseEmulator): void {
  const users = dataverse.environment.catalog.requireEntity(SystemUserTable.logicalName);
  for (const [name, display] of [
    [SystemUserTable.phone, "Main Phone"],
    [SystemUserTable.mobilePhone, "Mobile Phone"],
  ] as const) {
    if (!users.attributes.has(name)) dataverse.environment.catalog.addAttribute(SystemUserTable.logicalName, col.phone(name, 50, { displayName: display }));
  }
}
