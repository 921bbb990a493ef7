/**
 * The HTTP face of the emulator: `/api/data/v9.x/…` with authentication, impersonation, service
 * protection limits and fault injection in front of the Web API engine, and `$batch`.
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { DataverseError } from "../errors";
import { newGuid } from "../ids";
import { runBatch } from "../webapi/batch";
import type { ApiRequest, ApiResponse, CallContext } from "../webapi/context";
import { errorResponse, type WebApiEngine } from "../webapi/engine";
import { parsePrefer } from "../webapi/prefer";
import type { DataverseEnvironment } from "../environment";
import { AuthenticationError, type Authenticator } from "./auth";
import type { RequestCounters } from "./counters";
import type { FaultInjector } from "./faults";
import type { ServiceProtection } from "./service-protection";

/** Solution imports carry the zip base64-encoded in JSON. */
const BODY_LIMIT = 256 * 1024 * 1024;
const SUPPORTED_VERSIONS = new Set(["v9.0", "v9.1", "v9.2"]);

export interface ServerParts {
  env: DataverseEnvironment;
  engine: WebApiEngine;
  authenticator: Authenticator;
  limits: ServiceProtection;
  faults: FaultInjector;
  counters: RequestCounters;
  environmentUrl: () => string;
}

function flatten(headers: FastifyRequest["headers"]): Record<string, string | undefined> {
  const result: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) result[name.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  return result;
}

function send(reply: FastifyReply, response: ApiResponse, extraHeaders: Record<string, string> = {}): FastifyReply {
  reply.code(response.status);
  for (const [name, value] of Object.entries({ ...extraHeaders, ...response.headers })) reply.header(name, value);
  // A Buffer keeps Fastify from rewriting the OData content type (it would add a charset and quotes).
  return response.body === undefined ? reply.send() : reply.send(Buffer.from(response.body, "utf8"));
}

export function buildServer(parts: ServerParts, options: { logger?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: BODY_LIMIT });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));

  app.route({
    method: ["GET", "POST", "PATCH", "PUT", "DELETE"],
    url: "/api/data/*",
    handler: async (request, reply) => {
      const rawUrl = request.raw.url ?? "";
      const match = /^\/api\/data\/(v\d+\.\d+)\/?([^?]*)(?:\?(.*))?$/.exec(rawUrl);
      const requestId = newGuid();
      const baseHeaders = { REQ_ID: requestId, "OData-Version": "4.0" };
      if (!match || !SUPPORTED_VERSIONS.has(match[1])) {
        return send(reply, errorResponse(new DataverseError(404, "", `No HTTP resource was found that matches the request URI '${parts.environmentUrl()}${rawUrl}'.`)), baseHeaders);
      }
      const [, version, path, query = ""] = match;
      parts.counters.request();
      const headers = flatten(request.headers);
      let principal;
      try {
        principal = await parts.authenticator.authenticate(headers.authorization);
      } catch (error) {
        parts.counters.unauthorizedRequest();
        if (error instanceof AuthenticationError) {
          // Dataverse answers an unauthenticated call with an empty 401 and a challenge.
          return reply.code(401).header("WWW-Authenticate", error.wwwAuthenticate).headers(baseHeaders).send();
        }
        return send(reply, errorResponse(error), baseHeaders);
      }
      let admission;
      try {
        admission = parts.limits.admit(principal.systemUserId);
      } catch (error) {
        parts.counters.throttledRequest();
        return send(reply, errorResponse(error), { ...baseHeaders, ...parts.limits.headers(principal.systemUserId) });
      }
      try {
        const actor = parts.authenticator.actorFor(principal, headers);
        await parts.faults.apply(request.method, path);
        const context: CallContext = {
          actor,
          callerId: principal.systemUserId,
          serviceRoot: `${parts.environmentUrl().replace(/\/$/, "")}/api/data/${version}/`,
          preferences: parsePrefer(headers.prefer),
          correlationId: headers["x-ms-correlation-request-id"] ?? newGuid(),
        };
        const body = typeof request.body === "string" ? request.body : undefined;
        let response: ApiResponse;
        if (path === "$batch" && request.method === "POST") {
          parts.counters.batch();
          const result = await runBatch(
            body ?? "",
            headers["content-type"],
            context,
            (part, partContext) => {
              parts.counters.operation(part.method, part.path);
              return parts.engine.handle(part, partContext);
            },
            (work) => parts.env.store.transactionAsync(work),
          );
          response = { status: result.status, headers: { "Content-Type": result.contentType }, body: result.body };
        } else {
          parts.counters.operation(request.method, path);
          const apiRequest: ApiRequest = { method: request.method, path: path.replace(/\/$/, ""), query, headers, body };
          response = await parts.engine.handle(apiRequest, context);
        }
        admission.release();
        return send(reply, response, { ...baseHeaders, ...parts.limits.headers(principal.systemUserId) });
      } catch (error) {
        admission.release();
        return send(reply, errorResponse(error), { ...baseHeaders, ...parts.limits.headers(principal.systemUserId) });
      }
    },
  });
  return app;
}
