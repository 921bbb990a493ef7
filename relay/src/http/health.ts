/**
 * `GET /healthz` (the process answers), `GET /readyz` (it can do its work: database reachable,
 * queue started, configuration loaded) and `GET /metrics` (Prometheus text format).
 */
import type { FastifyPluginAsync } from "fastify";
import type { RelayMetrics } from "../observability/metrics";
import { problem, PROBLEM_CONTENT_TYPE } from "./problem";

export interface ReadinessCheck {
  ok: boolean;
  detail?: string;
}

export interface HealthOptions {
  metrics: RelayMetrics;
  /** Named checks; the relay is ready when every one is ok. */
  readiness(): Promise<Record<string, ReadinessCheck>>;
}

const checkSchema = {
  type: "object",
  properties: { ok: { type: "boolean" }, detail: { type: "string" } },
  required: ["ok"],
} as const;

export function healthRoutes(options: HealthOptions): FastifyPluginAsync {
  return async (app) => {
    app.get(
      "/healthz",
      { schema: { response: { 200: { type: "object", properties: { status: { const: "ok" } }, required: ["status"] } } } },
      async () => ({ status: "ok" as const }),
    );

    app.get(
      "/readyz",
      {
        schema: {
          response: {
            200: { type: "object", properties: { status: { const: "ready" }, checks: { type: "object", additionalProperties: checkSchema } } },
            503: {
              type: "object",
              properties: { type: { type: "string" }, title: { type: "string" }, status: { type: "integer" }, detail: { type: "string" }, checks: { type: "object", additionalProperties: checkSchema } },
            },
          },
        },
      },
      async (_request, reply) => {
        const checks = await options.readiness();
        const failing = Object.entries(checks).filter(([, check]) => !check.ok);
        if (failing.length === 0) return { status: "ready" as const, checks };
        const detail = failing.map(([name, check]) => `${name}: ${check.detail ?? "not ready"}`).join("; ");
        return reply.code(503).type(PROBLEM_CONTENT_TYPE).send(problem(503, `The relay is not ready. ${detail}`, { checks }));
      },
    );

    app.get("/metrics", async (_request, reply) => reply.type(options.metrics.contentType).send(await options.metrics.exposition()));
  };
}
