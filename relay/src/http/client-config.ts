/**
 * `GET /api/v1/client-config` (no sign-in): tells the form script how to get a token for this relay —
 * MSAL against the tenant in production, or the local sandbox's token endpoint.
 */
import type { FastifyPluginAsync } from "fastify";
import type { ApiAuthConfig } from "../config/schema";
import { HttpProblem } from "./problem";

export type ClientAuth =
  | { kind: "msal"; clientId: string; authority: string; scopes: string[] }
  | { kind: "sandbox"; tokenUrl: string };

export interface ClientConfigOptions {
  api?: ApiAuthConfig;
  sandboxTokenUrl?: string;
}

export function clientAuthFor(options: ClientConfigOptions): ClientAuth | undefined {
  if (options.sandboxTokenUrl) return { kind: "sandbox", tokenUrl: options.sandboxTokenUrl };
  if (options.api) return { kind: "msal", clientId: options.api.clientId, authority: options.api.authority, scopes: options.api.scopes };
  return undefined;
}

const responseSchema = {
  type: "object",
  required: ["auth"],
  properties: {
    auth: {
      type: "object",
      required: ["kind"],
      properties: {
        kind: { enum: ["msal", "sandbox"] },
        clientId: { type: "string" },
        authority: { type: "string" },
        scopes: { type: "array", items: { type: "string" } },
        tokenUrl: { type: "string" },
      },
    },
  },
} as const;

export function clientConfigRoute(options: ClientConfigOptions): FastifyPluginAsync {
  const auth = clientAuthFor(options);
  return async (app) => {
    app.get("/api/v1/client-config", { schema: { response: { 200: responseSchema } } }, async (_request, reply) => {
      if (!auth) {
        throw new HttpProblem(503, "This relay has no user sign-in configured: its administrator sets COSELL_API_TENANT_ID and COSELL_API_CLIENT_ID.");
      }
      // The answer changes only with the relay's configuration; a page may keep it for a while.
      reply.header("cache-control", "public, max-age=300");
      return { auth };
    });
  };
}
