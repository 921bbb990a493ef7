/**
 * RFC 9457 problem details for every error the relay answers, its own and Fastify's (404, 413, 415,
 * schema validation), so every client reads one shape: `type`, `title`, `status`, `detail`.
 */
import { STATUS_CODES } from "node:http";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

export function problem(status: number, detail: string, extensions: Record<string, unknown> = {}): Problem {
  return { type: "about:blank", title: STATUS_CODES[status] ?? "Error", status, detail, ...extensions };
}

export function sendProblem(reply: FastifyReply, status: number, detail: string, extensions: Record<string, unknown> = {}): FastifyReply {
  return reply.code(status).type(PROBLEM_CONTENT_TYPE).send(problem(status, detail, extensions));
}

/** An error a route throws to answer with a problem; anything else is a 500 whose detail hides internals. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = "HttpProblem";
  }
}

/** Fastify's own client errors, in words a caller can act on. */
function clientErrorDetail(error: FastifyError, request: FastifyRequest): string | undefined {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return `The request body is larger than this endpoint accepts (${request.routeOptions.bodyLimit ?? "the limit"} bytes).`;
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return `This endpoint does not accept the content type "${String(request.headers["content-type"] ?? "none")}"; send application/json.`;
    case "FST_ERR_CTP_EMPTY_JSON_BODY":
      return "The request says it carries JSON but the body is empty.";
    case "FST_ERR_CTP_INVALID_JSON_BODY":
    case "FST_ERR_CTP_INVALID_CONTENT_LENGTH":
      return "The request body is not valid JSON.";
    default:
      if (error.validation) return `The request is not valid: ${error.message}.`;
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return error.message;
      return undefined;
  }
}

export function installProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, 404, `Nothing is served at ${request.method} ${request.url.split("?")[0]}.`);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof HttpProblem) {
      reply.headers(error.headers);
      return sendProblem(reply, error.status, error.message, error.extensions);
    }
    const status = error.validation ? 400 : (error.statusCode ?? 500);
    const detail = status < 500 ? clientErrorDetail(error, request) : undefined;
    if (detail !== undefined) {
      request.log.info({ code: error.code, status }, "request refused");
      return sendProblem(reply, status, detail);
    }
    request.log.error({ err: error }, "request failed");
    return sendProblem(reply, status >= 500 ? status : 500, "The relay could not handle this request; the error is in its log.");
  });
}
