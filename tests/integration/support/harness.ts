/**
 * One relay environment on one machine: the Partner Center emulator (or a shared one), a Dataverse
 * emulator with the connector's solution imported, the relay's database (PGlite, or PostgreSQL when
 * TEST_DATABASE_URL is set), the job queue with the sync engine working it, and the relay's own
 * webhook routes (signature and shared-secret checks included) turning both platforms' webhooks into
 * jobs. Everything listens on 127.0.0.1, port 0.
 *
 * It is built from the relay's parts rather than `createRelay`, so a test can stop and restart the
 * workers while the webhooks keep arriving, and reach into the engine (a wrapped Partner Center
 * port, no config cache, a short reconcile window) where `createRelay` offers no seam.
 */
import { DEFAULT_SYNC_CONFIG, parseSyncConfig, type Referral } from "@cosell/core";
import Fastify, { type FastifyInstance } from "fastify";
import { X509Certificate } from "node:crypto";
import path from "node:path";
import { startDataverseEmulator, type DataverseEmulator } from "../../../emulators/dataverse/src";
import { startPartnerCenterEmulator, type PartnerCenterEmulator, type PartnerCenterEmulatorOptions } from "../../../emulators/partner-center/src";
import { REFERRAL_EVENTS } from "../../../relay/src/cli/webhooks";
import { DataverseConnection, DataverseRepository, registerWebhook } from "../../../relay/src/dataverse";
import type { Database } from "../../../relay/src/db/database";
import { DATAVERSE_HOOK_PATH } from "../../../relay/src/http/dataverse-hook";
import { queueInbox, type Inbox } from "../../../relay/src/http/inbox";
import { installProblemHandlers } from "../../../relay/src/http/problem";
import { webhookRoutes } from "../../../relay/src/http/server";
import { QueueNames, startQueue, type JobQueue, type QueueOptions } from "../../../relay/src/jobs/queue";
import { createMetrics } from "../../../relay/src/observability/metrics";
import { callbackTokenProvider, createPartnerCenterClient, REFERRALS_AUDIENCE, type PartnerCenterClient } from "../../../relay/src/partner-center";
import { openStateStore, type StateStore } from "../../../relay/src/state";
import {
  createSyncEngine,
  dataversePort,
  partnerCenterPort,
  type EngineLogger,
  type PartnerCenterPort,
  type SyncEngine,
  type SyncEngineDeps,
} from "../../../relay/src/sync";
import { RELAY_WEBHOOK_NAME, relayWebhookSteps } from "../../../relay/src/sync/webhook-steps";
import { createWebhookVerifier, PARTNER_CENTER_HOOK_PATH } from "../../../relay/src/webhooks";
import { CrmSession } from "./crm";
import { createTestDatabase, type DatabaseKind, type TestDatabase } from "./database";

/** The solution source every environment imports (CI clones the repository with `shared/` beside it). */
export const SOLUTION_FOLDER = path.resolve(__dirname, "../../../solution");

export const SELLER = { upn: "sam.seller@contoso.example", name: "Sam Seller" };

const DATAVERSE_SECRET = { header: "x-cosell-webhook-secret", value: "integration-test-secret" };

export interface SyncHarnessOptions {
  /** A Partner Center emulator shared with another environment (staging then production). */
  partnerCenter?: PartnerCenterEmulator;
  partnerCenterOptions?: PartnerCenterEmulatorOptions;
  organizationName?: string;
  queue?: Partial<QueueOptions>;
  engine?: Partial<Pick<SyncEngineDeps, "configTtlMs" | "maxConflictRetries" | "reconcileWindow">>;
  /** Wraps the engine's Partner Center port, to make something happen at a precise moment of a sync. */
  wrapPartnerCenter?: (port: PartnerCenterPort) => PartnerCenterPort;
  /** The relay's database; default PostgreSQL when TEST_DATABASE_URL is set, else PGlite. */
  database?: DatabaseKind;
}

export interface SyncHarness {
  partnerCenter: PartnerCenterEmulator;
  dataverse: DataverseEmulator;
  /** The relay's own Partner Center client, for looking at referrals as the relay sees them. */
  partnerCenterClient: PartnerCenterClient;
  readonly engine: SyncEngine;
  readonly queue: JobQueue;
  readonly state: StateStore;
  readonly db: Database;
  seller: CrmSession;
  /** The relay's application user: an admin's view of the data. */
  admin: CrmSession;
  sellerObjectId: string;
  /** Where the platforms' webhooks arrive. */
  hooksUrl: string;
  /** What the engine logged at warn/error level, to explain a failing test. */
  logs: string[];
  /** Registers the relay's webhook URLs with Partner Center (replacing another environment's) and with Dataverse. */
  registerWebhooks(): Promise<void>;
  /** Stops taking jobs, as a relay that is down; webhooks meanwhile queue nothing. */
  stopWorkers(): Promise<void>;
  /**
   * Opens the database again and starts the queue and engine, as a restarted relay. With
   * `work: false` it only takes signals in (queues jobs) and runs none, as a relay whose workers are down.
   */
  startWorkers(options?: { work?: boolean }): Promise<void>;
  /** Jobs queued, retrying or running. */
  pendingJobs(): Promise<number>;
  /** Resolves once no job is queued, retrying or running and both emulators have delivered their webhooks. */
  settled(timeoutMs?: number): Promise<void>;
  setEnvironmentVariable(schemaName: string, value: string | null): Promise<void>;
  referral(id: string): Promise<Referral>;
  stop(): Promise<void>;
}

/** Polls `probe` until it returns a value (not undefined, null or false), failing with `what` after the deadline. */
export async function until<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function recordingLogger(logs: string[]): EngineLogger {
  const keep = (level: string) => (details: object, message: string) => void logs.push(`${level} ${message} ${JSON.stringify(details)}`);
  // SYNC_LOG=info also keeps the engine's routine lines, to follow a run step by step.
  return { info: process.env.SYNC_LOG === "info" ? keep("info") : () => undefined, warn: keep("warn"), error: keep("error") };
}

export async function startSyncHarness(options: SyncHarnessOptions = {}): Promise<SyncHarness> {
  const ownPartnerCenter = !options.partnerCenter;
  const partnerCenter = options.partnerCenter ?? (await startPartnerCenterEmulator({ webhooks: { retryIntervalMs: 200 }, ...options.partnerCenterOptions }));
  const dataverse = await startDataverseEmulator({
    organizationName: options.organizationName ?? "contoso",
    solutions: [SOLUTION_FOLDER],
    webhooks: { attempts: 3, retryDelayMs: 200 },
  });
  dataverse.seed.currencies();

  const partnerCenterClient = createPartnerCenterClient({
    referralsApiUrl: partnerCenter.url,
    webhooksApiUrl: partnerCenter.url,
    tokenProvider: callbackTokenProvider((audience) => partnerCenter.issueToken({ api: audience === REFERRALS_AUDIENCE ? "referrals" : "webhooks" })),
    retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxTotalWaitMs: 15_000 },
  });
  const connection = DataverseConnection.connect({
    environmentUrl: dataverse.environmentUrl,
    credentials: { getToken: () => dataverse.tokenFor() },
    retry: { baseDelayMs: 50, maxDelayMs: 1_000, maxTotalWaitMs: 15_000 },
  });
  const repository = new DataverseRepository(connection);

  const sellerObjectId = dataverse.identity.objectIdFor(SELLER.upn);
  const seller = new CrmSession(dataverse, () => dataverse.tokenFor({ upn: SELLER.upn, name: SELLER.name }));
  const admin = new CrmSession(dataverse, () => dataverse.tokenFor());

  const testDatabase: TestDatabase = await createTestDatabase(options.database);
  const logs: string[] = [];
  let db: Database | undefined;
  let state: StateStore | undefined;
  let queue: JobQueue | undefined;
  let engine: SyncEngine | undefined;

  async function startWorkers({ work = true }: { work?: boolean } = {}): Promise<void> {
    db = await testDatabase.open();
    state = await openStateStore(db, { waitMs: 20_000, pollMs: 50 });
    queue = await startQueue(
      db,
      { retryLimit: 3, retryDelaySeconds: 1, reconcileEveryMinutes: 0, pollingIntervalSeconds: 0.5, batchSize: 5, ...options.queue },
      (error) => logs.push(`queue ${error.message}`),
    );
    engine = createSyncEngine({
      partnerCenter: (options.wrapPartnerCenter ?? ((port) => port))(partnerCenterPort(partnerCenterClient.referrals)),
      dataverse: dataversePort(repository),
      state,
      queue,
      logger: recordingLogger(logs),
      configTtlMs: 0,
      ...options.engine,
    });
    if (work) await queue.work(engine.jobHandlers());
  }

  async function pendingJobs(): Promise<number> {
    if (!db) return 0;
    const { rows } = await db.query<{ n: number }>(
      "select count(*)::int as n from pgboss.job where name = any($1) and state in ('created', 'retry', 'active')",
      [[QueueNames.pushOpportunity, QueueNames.pullReferral, QueueNames.reconcile]],
    );
    return rows[0].n;
  }

  async function stopWorkers(): Promise<void> {
    await queue?.stop();
    await db?.close();
    queue = undefined;
    engine = undefined;
    state = undefined;
    db = undefined;
  }

  // The relay's own webhook routes. While the workers are down a signal cannot be queued: the
  // route answers 5xx and the emulator delivers it again later, as the platforms do.
  const inbox: Inbox = {
    pullReferral: (referralId, reason) => running().pullReferral(referralId, reason),
    pushOpportunity: (opportunityId, reason, actingUser) => running().pushOpportunity(opportunityId, reason, actingUser),
  };
  function running(): Inbox {
    if (!queue) throw new Error("The relay is not running.");
    return queueInbox(queue);
  }
  const hooks: FastifyInstance = Fastify({ logger: false });
  installProblemHandlers(hooks);
  await hooks.register(
    webhookRoutes({
      metrics: createMetrics({ processMetrics: false }),
      inbox,
      partnerCenterVerifier: createWebhookVerifier({
        trustedHosts: [new URL(partnerCenter.url).host],
        allowHttpForLoopback: true,
        trustedRoots: [new X509Certificate(partnerCenter.rootCertificatePem)],
      }),
      dataverseWebhook: { header: DATAVERSE_SECRET.header, secret: DATAVERSE_SECRET.value },
      referralForLead: async (leadId) => {
        if (!state) throw new Error("The relay is not running.");
        return (await state.linkByCrm("lead", leadId))?.referralId;
      },
    }),
  );
  const hooksUrl = await hooks.listen({ host: "127.0.0.1", port: 0 });

  await startWorkers();

  const harness: SyncHarness = {
    partnerCenter,
    dataverse,
    partnerCenterClient,
    get engine() {
      if (!engine) throw new Error("The relay is stopped.");
      return engine;
    },
    get queue() {
      if (!queue) throw new Error("The relay is stopped.");
      return queue;
    },
    get state() {
      if (!state) throw new Error("The relay is stopped.");
      return state;
    },
    get db() {
      if (!db) throw new Error("The relay is stopped.");
      return db;
    },
    seller,
    admin,
    sellerObjectId,
    hooksUrl,
    logs,

    async registerWebhooks() {
      const registration = { webhookUrl: `${hooksUrl}${PARTNER_CENTER_HOOK_PATH}`, webhookEvents: [...REFERRAL_EVENTS] };
      // One registration per Partner Center tenant: a second environment takes it over.
      if (await partnerCenterClient.webhooks.getRegistration()) await partnerCenterClient.webhooks.replaceRegistration(registration);
      else await partnerCenterClient.webhooks.register(registration);
      // The steps `cosell-relay dataverse register-webhook` registers, for the environment's current settings.
      const settings = parseSyncConfig(await dataversePort(repository).environmentValues());
      await registerWebhook(connection, {
        name: RELAY_WEBHOOK_NAME,
        url: `${hooksUrl}${DATAVERSE_HOOK_PATH}`,
        secret: DATAVERSE_SECRET,
        steps: relayWebhookSteps(settings.ok ? settings.config : DEFAULT_SYNC_CONFIG),
      });
    },

    stopWorkers,
    startWorkers,
    pendingJobs,

    async settled(timeoutMs = 45_000) {
      // A finishing job can set off one more webhook, so quiet must hold on two looks in a row.
      let quiet = 0;
      await until(
        async () => {
          await partnerCenter.deliveries.idle();
          await dataverse.webhooks.idle();
          quiet = (await pendingJobs()) === 0 ? quiet + 1 : 0;
          return quiet >= 2;
        },
        "the relay to finish its jobs",
        timeoutMs,
      );
    },

    async setEnvironmentVariable(schemaName, value) {
      const [definition] = await admin.list(
        "environmentvariabledefinitions",
        `?$select=environmentvariabledefinitionid&$filter=schemaname eq '${schemaName}'&$expand=environmentvariabledefinition_environmentvariablevalue($select=environmentvariablevalueid)`,
      );
      if (!definition) throw new Error(`The solution defines no environment variable ${schemaName}.`);
      const existing = (definition.environmentvariabledefinition_environmentvariablevalue as { environmentvariablevalueid: string }[])[0];
      if (existing) await admin.update("environmentvariablevalues", existing.environmentvariablevalueid, { value });
      else {
        await admin.create("environmentvariablevalues", {
          value,
          schemaname: `${schemaName}_value`,
          "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${String(definition.environmentvariabledefinitionid)})`,
        });
      }
    },

    referral: (id) => partnerCenterClient.referrals.get(id),

    async stop() {
      await stopWorkers();
      await testDatabase.drop();
      await hooks.close();
      await dataverse.stop();
      if (ownPartnerCenter) await partnerCenter.stop();
    },
  };
  return harness;
}
