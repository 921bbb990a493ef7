/**
 * A relay on 127.0.0.1 speaking the HTTP contract the form scripts use: `GET /api/v1/client-config`,
 * the sandbox identity endpoint that mints user tokens, bearer-token checks (401 problem+json),
 * `POST …/opportunities/{id}/sync` and the lead accept/decline endpoints. Each answer can be
 * scripted (status, body, content type, delay); `stop()` makes it unreachable.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ScriptedAnswer {
  status: number;
  body?: unknown;
  contentType?: string;
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  body: unknown;
}

export type Route = "sync" | "accept" | "decline";

export class FakeRelay {
  readonly requests: RecordedRequest[] = [];
  /** What `GET /api/v1/client-config` returns; defaults to the sandbox identity on this server. */
  clientConfig: ScriptedAnswer;
  /** Runs before an authorized API call is answered: what the relay would write to Dataverse. */
  onCall: (route: Route, recordId: string, body: unknown) => void = () => undefined;
  private readonly issued = new Map<string, string>();
  private minted = 0;
  private readonly answers: Record<Route, ScriptedAnswer[]> = { sync: [], accept: [], decline: [] };
  private readonly defaults: Record<Route, ScriptedAnswer> = {
    sync: { status: 200, body: { outcome: "synced", message: "Referral created.", referralId: "REF-1" } },
    accept: { status: 200, body: { outcome: "accepted", opportunityId: "", message: "Accepted." } },
    decline: { status: 200, body: { outcome: "declined", message: "Declined." } },
  };

  private constructor(private readonly server: Server, readonly url: string) {
    this.clientConfig = { status: 200, body: { auth: { kind: "sandbox", tokenUrl: `${url}/identity/token` } } };
  }

  static async start(): Promise<FakeRelay> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const relay = new FakeRelay(server, `http://127.0.0.1:${port}`);
    server.on("request", (req, res) => void relay.handle(req, res));
    return relay;
  }

  /** The next call to `route` gets `answer` (queued in order); afterwards the default answer again. */
  answer(route: Route, answer: ScriptedAnswer): void {
    this.answers[route].push(answer);
  }

  setDefault(route: Route, answer: ScriptedAnswer): void {
    this.defaults[route] = answer;
  }

  /** A token issued elsewhere (Entra ID in production) that this relay accepts for `upn`. */
  acceptToken(token: string, upn: string): void {
    this.issued.set(token, upn);
  }

  /** Tokens issued so far stop working, as after a key rollover or revocation. */
  revokeTokens(): void {
    this.issued.clear();
  }

  /** Requests to the API (not client-config or identity). */
  apiRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith("/api/v1/") && !r.path.endsWith("/client-config"));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? "/", this.url).pathname;
    this.requests.push({ method: req.method ?? "", path, authorization: req.headers.authorization, body });

    if (req.method === "GET" && path === "/api/v1/client-config") return send(res, this.clientConfig);
    if (req.method === "POST" && path === "/identity/token") {
      const upn = (body as { upn?: unknown } | undefined)?.upn;
      if (typeof upn !== "string" || upn === "") {
        return send(res, problem(400, "Bad Request", "upn is required"));
      }
      const token = `sandbox.${upn}.${++this.minted}`;
      this.issued.set(token, upn);
      return send(res, { status: 200, body: { access_token: token, token_type: "Bearer", expires_in: 3600 } });
    }

    const route = routeOf(req.method, path);
    if (route === undefined) return send(res, problem(404, "Not Found", `No route ${req.method} ${path}`));
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (token === undefined || !this.issued.has(token)) {
      return send(res, problem(401, "Unauthorized", "The bearer token is missing, expired or not issued for this relay."));
    }
    if (route === "decline" && typeof (body as { reason?: unknown } | undefined)?.reason !== "string") {
      return send(res, problem(400, "Bad Request", "reason is required"));
    }
    const answer = this.answers[route].shift() ?? this.defaults[route];
    if (answer.status < 300) this.onCall(route, path.split("/")[4], body);
    return send(res, answer);
  }
}

export function problem(status: number, title: string, detail: string): ScriptedAnswer {
  return {
    status,
    contentType: "application/problem+json",
    body: { type: "about:blank", title, status, detail },
  };
}

function routeOf(method: string | undefined, path: string): Route | undefined {
  if (method !== "POST") return undefined;
  if (/^\/api\/v1\/opportunities\/[0-9a-f-]{36}\/sync$/.test(path)) return "sync";
  const lead = /^\/api\/v1\/leads\/[0-9a-f-]{36}\/(accept|decline)$/.exec(path);
  return lead?.[1] as Route | undefined;
}

async function send(res: ServerResponse, answer: ScriptedAnswer): Promise<void> {
  if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
  if (res.destroyed) return;
  const payload = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
  res.writeHead(answer.status, { "Content-Type": answer.contentType ?? "application/json" });
  res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
