/**
 * The composition root: `createRelay(config)` opens the database, starts the job queue, builds the
 * Partner Center client, the Dataverse access layer, the sync engine and the HTTP server; `start()`
 * puts the workers to work and listens; `stop()` stops taking requests, lets running jobs finish and
 * closes the database.
 */
import type { FastifyInstance } from "fastify";
import { dataverseConnection, openStorage, partnerCenterClient, type RelayDependencies, type Storage } from "./composition/parts";
import { sellerActions } from "./composition/seller-actions";
import { requireSections } from "./config/require";
import type { RelayConfig } from "./config/schema";
import type { DataverseConnection } from "./dataverse/connection";
import { DataverseRepository } from "./dataverse/repository";
import type { Database } from "./db/database";
import { DATAVERSE_HOOK_PATH } from "./http/dataverse-hook";
import { queueInbox, secondsSinceReceived, type Inbox } from "./http/inbox";
import { buildHttpServer } from "./http/server";
import { createUserTokenVerifier } from "./http/user-token";
import { QueueNames, startQueue, type JobAttempt, type JobHandlers, type JobQueue } from "./jobs/queue";
import { createLogger, type Logger } from "./observability/logger";
import { createMetrics, type RelayMetrics } from "./observability/metrics";
import type { PartnerCenterClient } from "./partner-center/client";
import { openStateStore, type StateStore } from "./state";
import { createSyncEngine, dataversePort, partnerCenterPort, type SyncEngine } from "./sync";
import { isLoopbackHost } from "./webhooks/certificate-store";
import { createWebhookVerifier } from "./webhooks/verifier";
import { PARTNER_CENTER_HOOK_PATH } from "./webhooks/fastify";

export type { RelayDependencies } from "./composition/parts";

export interface Relay {
  readonly config: RelayConfig;
  readonly logger: Logger;
  readonly metrics: RelayMetrics;
  readonly http: FastifyInstance;
  readonly db: Database;
  readonly state: StateStore;
  readonly queue: JobQueue;
  /** Where inbound signals go (the HTTP hooks use it; so can an embedder). */
  readonly inbox: Inbox;
  readonly engine: SyncEngine;
  readonly partnerCenter: PartnerCenterClient;
  readonly dataverse: DataverseConnection;
  /** The address the server listens on, once started, e.g. http://127.0.0.1:8080. */
  readonly url: string | undefined;
  /** Starts the job workers and the HTTP server; resolves to the listening address. */
  start(): Promise<string>;
  /** Stops taking requests and jobs, lets the running ones finish, closes the database. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Needs Partner Center sign-in and a Dataverse environment (or their replacements in
 * `dependencies`); without the Dataverse webhook secret or user sign-in the matching endpoints
 * refuse every call, which the log says at start.
 */
export async function createRelay(config: RelayConfig, dependencies: RelayDependencies = {}): Promise<Relay> {
  const complete = requireSections(config, dependencies.partnerCenterTokenProvider ? ["dataverse"] : ["partnerCenter", "dataverse"]);
  const logger =
    dependencies.logger ?? createLogger({ level: config.logLevel, secretHeaders: config.dataverseWebhook ? [config.dataverseWebhook.header] : [] });
  const metrics = createMetrics();
  const now = dependencies.now ?? (() => new Date());

  const storage: Storage = await openStorage(config, dependencies.purpose ?? "cosell-relay start");
  let queue: JobQueue | undefined;
  try {
    const state = await openStateStore(storage.db);
    queue = await startQueue(storage.db, config.queue, (error) => logger.error({ err: error }, "job queue error"));
    const jobs = queue;
    const inbox = queueInbox(jobs, now);

    const partnerCenter = partnerCenterClient(config, dependencies, logger);
    const dataverse = dataverseConnection(complete.dataverse, dependencies, logger);
    const engine = createSyncEngine({
      partnerCenter: partnerCenterPort(partnerCenter.referrals),
      dataverse: dataversePort(new DataverseRepository(dataverse)),
      state,
      queue: jobs,
      logger: logger.child({ component: "sync" }),
      now,
    });

    metrics.watchUpstream("partner-center", () => partnerCenter.stats());
    metrics.watchUpstream("dataverse", () => dataverse.counters.snapshot());
    metrics.watchDeadLetters(async () => (await jobs.deadLetters()).length);

    let working = false;
    const http = await buildHttpServer({
      logger,
      metrics,
      inbox,
      partnerCenterVerifier: createWebhookVerifier({
        trustedHosts: config.partnerCenter.certificateHosts,
        // Only for an operator who trusts a loopback certificate host (a local emulator): plain http
        // there, and its issuing certificates from loopback. Microsoft's hosts never need either.
        allowHttpForLoopback: config.partnerCenter.certificateHosts.some(isLoopbackHost),
        subjectCommonName: config.partnerCenter.certificateSubject,
        trustedRoots: config.partnerCenter.certificateRoots,
        issuerHosts: config.partnerCenter.issuerCertificateHosts,
      }),
      dataverseWebhook: config.dataverseWebhook,
      referralForLead: async (leadId) => (await state.linkByCrm("lead", leadId))?.referralId,
      corsOrigins: config.corsOrigins,
      api: config.api,
      sandboxTokenUrl: config.sandboxTokenUrl,
      verifyUser: config.api ? createUserTokenVerifier(config.api) : undefined,
      actions: sellerActions({ engine, inlineBudgetMs: config.sync.inlineBudgetMs, logger }),
      readiness: async () => ({
        database: await storage.db.query("select 1").then(
          () => ({ ok: true }),
          (error: unknown) => ({ ok: false, detail: `the database does not answer (${error instanceof Error ? error.message : String(error)})` }),
        ),
        queue: working ? { ok: true } : { ok: false, detail: "the job workers are not running" },
        configuration: { ok: true },
      }),
    });

    let url: string | undefined;
    let stopping: Promise<void> | undefined;
    return {
      config,
      logger,
      metrics,
      http,
      db: storage.db,
      state,
      queue: jobs,
      inbox,
      engine,
      partnerCenter,
      dataverse,
      get url() {
        return url;
      },
      async start() {
        if (url) return url;
        await jobs.work(instrumented(engine.jobHandlers(), metrics, now));
        working = true;
        url = await http.listen({ host: config.host, port: config.port });
        logStarted(logger, config, url);
        return url;
      },
      stop() {
        stopping ??= (async () => {
          working = false;
          try {
            await http.close();
            await jobs.stop();
          } finally {
            await storage.close();
          }
          logger.info("relay stopped");
        })();
        return stopping;
      },
    };
  } catch (error) {
    await queue?.stop().catch(() => undefined);
    await storage.close();
    throw error;
  }
}

/** Counts each job's outcome and, for jobs started by a signal, the time from signal to done. */
function instrumented(handlers: JobHandlers, metrics: RelayMetrics, now: () => Date): JobHandlers {
  const wrap =
    <T>(queue: string, handler: (job: T, attempt: JobAttempt) => Promise<void>) =>
    async (job: T, attempt: JobAttempt) => {
      try {
        await handler(job, attempt);
      } catch (error) {
        metrics.jobFinished(queue, "failed");
        throw error;
      }
      metrics.jobFinished(queue, "completed");
      const seconds = secondsSinceReceived(job, now());
      if (seconds !== undefined) metrics.syncLatency(queue, seconds);
    };
  return {
    [QueueNames.pushOpportunity]: wrap(QueueNames.pushOpportunity, handlers[QueueNames.pushOpportunity]),
    [QueueNames.pullReferral]: wrap(QueueNames.pullReferral, handlers[QueueNames.pullReferral]),
    [QueueNames.reconcile]: wrap(QueueNames.reconcile, handlers[QueueNames.reconcile]),
  };
}

function logStarted(logger: Logger, config: RelayConfig, url: string): void {
  const base = config.publicUrl ?? url;
  logger.info(
    {
      listening: url,
      partnerCenterHook: `${base}${PARTNER_CENTER_HOOK_PATH}`,
      dataverseHook: `${base}${DATAVERSE_HOOK_PATH}`,
      api: `${base}/api/v1`,
      metrics: `${url}/metrics`,
      database: config.databaseUrl ? "postgres" : "pglite",
    },
    "relay started",
  );
  if (!config.dataverseWebhook) logger.warn("COSELL_DATAVERSE_WEBHOOK_SECRET is not set: every Dataverse notification is refused; changes still sync through the reconcile sweep.");
  if (!config.api) logger.warn("COSELL_API_TENANT_ID/COSELL_API_CLIENT_ID are not set: the form's Share/Sync now calls are refused.");
  if (!config.publicUrl) logger.warn("COSELL_PUBLIC_URL is not set: webhook registrations cannot be checked against this relay.");
}
