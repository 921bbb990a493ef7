/**
 * The form harness's server: a stand-in for the Dynamics 365 web client's origin. It serves the
 * harness pages, the solution's web resources and PCF controls out of the packed zip (at the
 * cache-token paths Dataverse uses), the platform libraries the controls expect, and the Web API
 * at `/api/data/…` on the same origin, as a real org does — forwarded to the Dataverse emulator
 * with the signed-in user's token, so page code (including PCF controls that call the Web API
 * with relative URLs and cookies) never handles a Dataverse token.
 */
import fs from "node:fs";
import path from "node:path";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { Languages } from "@cosell/core";
import { repoRoot } from "../lib/paths";
import type { HarnessAssets } from "./harness-bundle";
import { HOST, listenAs } from "./ports";
import type { SolutionZip } from "./solution-zip";
import { fullName, SANDBOX_USERS, SELLER, sandboxUser, type SandboxUser } from "./users";

/** The React and Fluent UI builds pcf-start ships for its own harness (dataverse-pcf.md §1.3). */
const PLATFORM_LIBRARIES: Record<string, string> = {
  "react_16_14_0.js": "react_16_14_0.js",
  "fluent_8_121_1.js": "fluent_8_121_1.js",
};
const PLATFORM_DIR = path.join(repoRoot, "node_modules", "pcf-start", "lib");

const USER_COOKIE = "cosell_sandbox_user";
const LANGUAGE_COOKIE = "cosell_sandbox_lang";
/** Renew a cached Dataverse token this long before it expires. */
const TOKEN_RENEW_MS = 5 * 60_000;

/** Request headers the Web API proxy does not pass on: the browser's session is not the emulator's. */
const DROPPED_REQUEST_HEADERS = new Set(["host", "cookie", "authorization", "connection", "content-length", "origin", "referer", "accept-encoding"]);
const DROPPED_RESPONSE_HEADERS = new Set(["content-length", "transfer-encoding", "connection", "content-encoding", "keep-alive", "date"]);

export interface HarnessLinks {
  partnerCenterUrl: string;
  relayUrl: string;
}

export interface HarnessServerOptions {
  port: number;
  zip: SolutionZip;
  assets: HarnessAssets;
  dataverse: { url: string; tokenFor(user: SandboxUser): Promise<string>; userIds: ReadonlyMap<string, string> };
  /** Which Dynamics 365 environment the page is (`--environment`), shown in its top bar as Dynamics 365 does. */
  environment: { name: string; organization: string };
  /** Filled in once the other services listen; the page shows them as links. */
  links: () => HarnessLinks | undefined;
}

export interface HarnessServer {
  url: string;
  stop(): Promise<void>;
}

export async function startHarnessServer(options: HarnessServerOptions): Promise<HarnessServer> {
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024 });
  const tokens = new Map<string, { token: string; renewAt: number }>();
  let origin = "";

  const userOf = (request: FastifyRequest): SandboxUser => sandboxUser(cookie(request, USER_COOKIE) ?? "") ?? SELLER;
  const languageOf = (request: FastifyRequest): number => {
    const query = (request.query as Record<string, string | undefined>).lang;
    const chosen = Number(query ?? cookie(request, LANGUAGE_COOKIE) ?? 1033);
    return (Languages as readonly number[]).includes(chosen) ? chosen : 1033;
  };
  const tokenFor = async (user: SandboxUser): Promise<string> => {
    const cached = tokens.get(user.upn);
    if (cached && Date.now() < cached.renewAt) return cached.token;
    const token = await options.dataverse.tokenFor(user);
    tokens.set(user.upn, { token, renewAt: Date.now() + 3600_000 - TOKEN_RENEW_MS });
    return token;
  };

  app.get("/", async (request, reply) => reply.redirect(`/main.aspx?pagetype=entitylist&etn=opportunity${langSuffix(request)}`));

  app.get("/main.aspx", async (request, reply) => {
    const language = languageOf(request);
    if ((request.query as Record<string, string | undefined>).lang !== undefined) {
      reply.header("set-cookie", `${LANGUAGE_COOKIE}=${language}; Path=/; SameSite=Lax`);
    }
    return reply.type("text/html; charset=utf-8").header("cache-control", "no-store").send(shellPage(language));
  });
  app.get("/sandbox/harness.js", async (_request, reply) => reply.type("text/javascript; charset=utf-8").header("cache-control", "no-store").send(options.assets.script));
  app.get("/sandbox/harness.css", async (_request, reply) => reply.type("text/css; charset=utf-8").header("cache-control", "no-store").send(options.assets.styles));

  app.get("/sandbox/session", async (request) => {
    const user = userOf(request);
    return {
      user: describeUser(user, options.dataverse.userIds),
      users: SANDBOX_USERS.map((u) => describeUser(u, options.dataverse.userIds)),
      languageId: languageOf(request),
      languages: Languages,
      solutionVersion: options.zip.version,
      environment: options.environment,
      links: options.links() ?? null,
    };
  });
  app.post<{ Body: { upn?: unknown; languageId?: unknown } }>("/sandbox/session", async (request, reply) => {
    const cookies: string[] = [];
    if (request.body?.upn !== undefined) {
      const user = sandboxUser(String(request.body.upn));
      if (!user) return reply.code(400).send({ message: `"${String(request.body.upn)}" is not a sandbox user.` });
      cookies.push(`${USER_COOKIE}=${encodeURIComponent(user.upn)}; Path=/; HttpOnly; SameSite=Lax`);
    }
    if (request.body?.languageId !== undefined) {
      const language = Number(request.body.languageId);
      if (!(Languages as readonly number[]).includes(language)) return reply.code(400).send({ message: `${String(request.body.languageId)} is not a product language (${Languages.join(", ")}).` });
      cookies.push(`${LANGUAGE_COOKIE}=${language}; Path=/; SameSite=Lax`);
    }
    return reply.header("set-cookie", cookies).code(204).send();
  });

  app.get("/sandbox/solution/customizations.xml", async (_request, reply) => serve(reply, options.zip.customizations()));

  // getWebResourceUrl gives `/%7B<version>%7D/webresources/<name>`; the plain path works too.
  const webResource = async (request: FastifyRequest, reply: FastifyReply) => {
    const name = decodeURIComponent((request.params as { "*": string })["*"]);
    const file = options.zip.webResource(name);
    if (!file) return reply.code(404).type("text/plain").send(`The solution has no web resource named ${name}.`);
    return serve(reply, file);
  };
  app.get("/webresources/*", webResource);
  app.get("/:cacheToken/webresources/*", webResource);

  app.get<{ Params: { control: string; "*": string } }>("/controls/:control/*", async (request, reply) => {
    const file = options.zip.controlFile(request.params.control, request.params["*"]);
    if (!file) return reply.code(404).type("text/plain").send(`The solution's control ${request.params.control} has no file ${request.params["*"]}.`);
    return serve(reply, file);
  });

  app.get<{ Params: { file: string } }>("/platform/:file", async (request, reply) => {
    const file = PLATFORM_LIBRARIES[request.params.file];
    if (!file) return reply.code(404).type("text/plain").send(`No platform library ${request.params.file}.`);
    const full = path.join(PLATFORM_DIR, file);
    if (!fs.existsSync(full)) return reply.code(500).type("text/plain").send(`${full} is missing; run "npm ci" (pcf-start provides the platform libraries).`);
    return reply.type("text/javascript; charset=utf-8").header("cache-control", "public, max-age=86400").send(fs.readFileSync(full));
  });

  await app.register(async (scope) => {
    // The body is forwarded as bytes, whatever it is (JSON, a $batch multipart, nothing).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
    scope.all("/api/data/*", async (request, reply) => {
      const user = userOf(request);
      const target = options.dataverse.url + (request.raw.url ?? "");
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined && !DROPPED_REQUEST_HEADERS.has(name.toLowerCase())) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      headers.authorization = `Bearer ${await tokenFor(user)}`;
      const body = Buffer.isBuffer(request.body) && request.body.length > 0 ? rewrite(request.body.toString("utf8"), origin, options.dataverse.url) : undefined;
      let response: Response;
      try {
        response = await fetch(target, { method: request.method, headers, body });
      } catch (error) {
        return reply.code(502).send({ error: { code: "", message: `The Dataverse emulator at ${options.dataverse.url} did not answer: ${(error as Error).message}` } });
      }
      for (const [name, value] of response.headers) {
        if (!DROPPED_RESPONSE_HEADERS.has(name.toLowerCase())) reply.header(name, rewrite(value, options.dataverse.url, origin));
      }
      reply.code(response.status);
      const text = await response.text();
      return reply.send(text === "" ? undefined : rewrite(text, options.dataverse.url, origin));
    });
  });

  origin = await listenAs("harness", options.port, () => app.listen({ host: HOST, port: options.port }));
  return { url: origin, stop: () => app.close() };
}

/** The Web API names its own origin in links and ids; the browser knows it as the harness's. */
function rewrite(text: string, from: string, to: string): string {
  return from && to ? text.split(from).join(to) : text;
}

function serve(reply: FastifyReply, file: { bytes: Uint8Array; contentType: string }): FastifyReply {
  return reply.type(file.contentType).header("cache-control", "no-cache").send(Buffer.from(file.bytes));
}

function cookie(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return undefined;
}

function langSuffix(request: FastifyRequest): string {
  const lang = (request.query as Record<string, string | undefined>).lang;
  return lang ? `&lang=${encodeURIComponent(lang)}` : "";
}

function describeUser(user: SandboxUser, ids: ReadonlyMap<string, string>) {
  return { upn: user.upn, fullName: fullName(user), systemUserId: ids.get(user.upn) ?? null, title: user.title };
}

function shellPage(language: number): string {
  const tag: Record<number, string> = { 1033: "en", 1053: "sv", 2052: "zh-Hans", 1043: "nl", 1040: "it", 1045: "pl" };
  return `<!DOCTYPE html>
<html lang="${tag[language] ?? "en"}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dynamics 365 — Sales Hub (sandbox)</title>
<link rel="stylesheet" href="/sandbox/harness.css">
</head>
<body>
<div id="app" class="app" aria-busy="true"></div>
<script src="/sandbox/harness.js"></script>
</body>
</html>
`;
}
