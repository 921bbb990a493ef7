/**
 * The relay's Fastify server: problem+json errors, CORS for the configured Dataverse origins only,
 * and one plugin per route group.
 */
import cors from "@fastify/cors";
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from "fastify";
import type { ApiAuthConfig } from "../config/schema";
import type { Logger } from "../observability/logger";
import type { RelayMetrics } from "../observability/metrics";
import type { WebhookVerifier } from "../webhooks/verifier";
import { apiRoutes, type SellerActions } from "./api";
import { clientConfigRoute } from "./client-config";
import { dataverseHook } from "./dataverse-hook";
import { healthRoutes, type ReadinessCheck } from "./health";
import type { Inbox } from "./inbox";
import { partnerCenterHook, PARTNER_CENTER_HOOK_BODY_LIMIT } from "./partner-center-hook";
import { installProblemHandlers } from "./problem";
import type { UserTokenVerifier } from "./user-token";

const PROBE_ROUTES = new Set(["/healthz", "/readyz", "/metrics"]);

export interface HttpServerOptions {
  logger: Logger;
  metrics: RelayMetrics;
  inbox: Inbox;
  partnerCenterVerifier: WebhookVerifier;
  dataverseWebhook?: { header: string; secret: string };
  referralForLead(leadId: string): Promise<string | undefined>;
  /** Browser origins allowed to call the API. */
  corsOrigins: string[];
  api?: ApiAuthConfig;
  sandboxTokenUrl?: string;
  verifyUser?: UserTokenVerifier;
  actions: SellerActions;
  readiness(): Promise<Record<string, ReadinessCheck>>;
}

export type WebhookRoutesOptions = Pick<HttpServerOptions, "metrics" | "inbox" | "partnerCenterVerifier" | "dataverseWebhook" | "referralForLead">;

/** Both platforms' webhooks: each verified signal becomes a job in the inbox. */
export function webhookRoutes(options: WebhookRoutesOptions): FastifyPluginAsync {
  return async (app) => {
    await app.register(partnerCenterHook({ verifier: options.partnerCenterVerifier, inbox: options.inbox, metrics: options.metrics }));
    await app.register(
      dataverseHook({
        secret: options.dataverseWebhook ? { header: options.dataverseWebhook.header, value: options.dataverseWebhook.secret } : undefined,
        inbox: options.inbox,
        metrics: options.metrics,
        referralForLead: options.referralForLead,
      }),
    );
  };
}

export async function buildHttpServer(options: HttpServerOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    // The largest body any route takes by default; the Dataverse hook raises its own.
    bodyLimit: PARTNER_CENTER_HOOK_BODY_LIMIT,
    // Behind a reverse proxy the client address and scheme come from X-Forwarded-*.
    trustProxy: true,
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true },
    // One line per request below, instead of two, and none at info level for probes and scrapes.
    logController: new LogController({ disableRequestLogging: true }),
  });
  installProblemHandlers(app);
  app.addHook("onResponse", async (request, reply) => {
    const route = request.routeOptions.url ?? "(no route)";
    const details = { method: request.method, route, status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (PROBE_ROUTES.has(route)) request.log.debug(details, "request");
    else request.log.info(details, "request");
  });

  const allowed = new Set(options.corsOrigins);
  await app.register(cors, {
    // Other origins get no CORS headers at all, so browsers refuse their calls.
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ["GET", "POST"],
    allowedHeaders: ["Authorization", "Content-Type", "Accept"],
    maxAge: 600,
  });

  await app.register(healthRoutes({ metrics: options.metrics, readiness: options.readiness }));
  await app.register(webhookRoutes(options));
  await app.register(clientConfigRoute({ api: options.api, sandboxTokenUrl: options.sandboxTokenUrl }));
  await app.register(apiRoutes({ verifyUser: options.verifyUser, actions: options.actions }));
  return app;
}
