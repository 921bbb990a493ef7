/**
 * Behaviour both APIs share: fault injection before a request is handled, response ids, and
 * turning every failure into the API's documented error body.
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { ApiError, throttledBody } from "./errors";
import type { FaultController } from "./faults";

type ErrorBody = (error: ApiError) => unknown;

export function installApiHooks(app: FastifyInstance, faults: FaultController, errorBody: ErrorBody): void {
  app.addHook("onRequest", async (_request, reply) => {
    const decision = faults.decide();
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));
    if (decision.kind === "throttle") {
      return reply.code(429).header("retry-after", String(decision.retryAfterSeconds)).send(throttledBody(decision.retryAfterSeconds));
    }
    if (decision.kind === "error") {
      const error = decision.status === 503
        ? new ApiError(503, "serviceNotAvailable", "The service is temporarily unavailable. Retry later.")
        : new ApiError(decision.status, "generalException", "An unexpected error occurred. Retry later.");
      if (decision.retryAfterSeconds !== undefined) reply.header("retry-after", String(decision.retryAfterSeconds));
      return reply.code(decision.status).send(errorBody(error));
    }
  });

  app.addContentTypeParser(["application/json-patch+json", "text/json"], { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, body === "" ? undefined : JSON.parse(body as string));
    } catch {
      done(new ApiError(400, "invalidRequest", "The request body is not valid JSON.", "body"), undefined);
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request: FastifyRequest, reply: FastifyReply) => {
    let apiError: ApiError;
    if (error instanceof ApiError) apiError = error;
    else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      apiError = new ApiError(error.statusCode, "invalidRequest", error.message, "body");
    } else {
      request.log.error({ err: error }, "unexpected error");
      apiError = new ApiError(500, "generalException", "An unexpected error occurred.");
    }
    for (const [name, value] of Object.entries(apiError.headers)) reply.header(name, value);
    if (apiError.status === 429) {
      const seconds = Number(apiError.headers["retry-after"] ?? 1);
      return reply.code(429).send(throttledBody(seconds));
    }
    return reply.code(apiError.status).send(errorBody(apiError));
  });
}

/** Referrals API response headers (§1): `request-id` and the echoed `client-request-id`. */
export function referralResponseIds(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("request-id", randomUUID());
  reply.header("client-request-id", headerValue(request, "client-request-id") ?? randomUUID());
}

/** Webhooks API response headers (§1): `MS-CorrelationId`, `MS-RequestId`, `X-Locale`. */
export function webhooksResponseIds(request: FastifyRequest, reply: FastifyReply): void {
  reply.header("ms-correlationid", headerValue(request, "ms-correlationid") ?? randomUUID());
  reply.header("ms-requestid", headerValue(request, "ms-requestid") ?? randomUUID());
  reply.header("x-locale", "en-US");
}

export function headerValue(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
