/**
 * Shared pieces of the Dataverse contract tests: the documented samples, a small Web API client,
 * a multipart reader for $batch responses, and a webhook receiver recording what it is sent.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Fastify, { type FastifyInstance } from "fastify";
import { startDataverseEmulator, type DataverseEmulator, type DataverseEmulatorOptions } from "@cosell/emulators/dataverse/src";

export const SAMPLES = path.resolve(__dirname, "../../../shared/reference/dataverse");
export const SOLUTIONS = path.resolve(__dirname, "../../../shared/reference/solutions");
/** The product's own solution source (SolutionPackager layout). */
export const PRODUCT_SOLUTION = path.resolve(__dirname, "../../solution");

export function sample<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(SAMPLES, name), "utf8")) as T;
}

export function sampleText(name: string): string {
  return readFileSync(path.join(SAMPLES, name), "utf8");
}

export type Json = Record<string, unknown>;

export interface Answer<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export class Client {
  constructor(
    readonly dv: DataverseEmulator,
    private readonly token: string,
    private readonly defaults: Record<string, string> = {},
  ) {}

  static async user(dv: DataverseEmulator, upn = "seller@contoso.example", name?: string): Promise<Client> {
    return new Client(dv, await dv.tokenFor({ upn, name }));
  }

  static async app(dv: DataverseEmulator, clientId?: string): Promise<Client> {
    return new Client(dv, await dv.tokenFor({ clientId }));
  }

  with(headers: Record<string, string>): Client {
    return new Client(this.dv, this.token, { ...this.defaults, ...headers });
  }

  async call<T = Json>(method: string, resource: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const url = /^https?:/.test(resource) ? resource : `${this.dv.apiUrl}${resource}`;
    const response = await fetch(url, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        Accept: "application/json",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        ...(body !== undefined && typeof body !== "string" ? { "Content-Type": "application/json" } : {}),
        ...this.defaults,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await response.text();
    const isJson = (response.headers.get("content-type") ?? "").includes("application/json") && text !== "";
    return { status: response.status, headers: response.headers, body: (isJson ? JSON.parse(text) : undefined) as T, text };
  }

  get<T = Json>(resource: string, headers?: Record<string, string>) {
    return this.call<T>("GET", resource, undefined, headers);
  }

  post<T = Json>(resource: string, body: unknown, headers?: Record<string, string>) {
    return this.call<T>("POST", resource, body, headers);
  }

  patch<T = Json>(resource: string, body: unknown, headers?: Record<string, string>) {
    return this.call<T>("PATCH", resource, body, headers);
  }

  delete<T = Json>(resource: string, headers?: Record<string, string>) {
    return this.call<T>("DELETE", resource, undefined, headers);
  }

  /** Creates a row and returns its id from the OData-EntityId header. */
  async create(entitySet: string, body: Json): Promise<string> {
    const answer = await this.post(entitySet, body);
    if (answer.status !== 204) throw new Error(`Creating ${entitySet} failed with ${answer.status}: ${answer.text}`);
    return idFromEntityUrl(answer.headers.get("OData-EntityId")!);
  }
}

export function idFromEntityUrl(url: string): string {
  const match = /\(([0-9a-f-]{36})\)$/.exec(url);
  if (!match) throw new Error(`'${url}' is not an entity URL`);
  return match[1];
}

export async function startDataverse(options: DataverseEmulatorOptions = {}): Promise<DataverseEmulator> {
  return startDataverseEmulator(options);
}

/** One part of a multipart/mixed $batch response: its MIME headers and the HTTP response inside. */
export interface ResponsePart {
  mimeHeaders: Record<string, string>;
  status?: number;
  headers: Record<string, string>;
  body: string;
  /** Parts of a change set response. */
  parts?: ResponsePart[];
}

/** Reads a multipart/mixed body independently of the emulator's own batch code. */
export function readMultipart(body: string, boundary: string): ResponsePart[] {
  const delimiter = `--${boundary}`;
  const chunks = body.split(/\r?\n/).reduce<string[][]>((acc, line) => {
    if (line.trim() === delimiter) acc.push([]);
    else if (line.trim() === `${delimiter}--`) acc.push(["<end>"]);
    else if (acc.length > 0) acc[acc.length - 1].push(line);
    return acc;
  }, []);
  return chunks
    .filter((lines) => lines[0] !== "<end>")
    .map((lines) => {
      const split = lines.findIndex((l) => l.trim() === "");
      const mimeHeaders = headerMap(lines.slice(0, split));
      const content = lines.slice(split + 1);
      const nested = /boundary=([^;\s]+)/.exec(mimeHeaders["content-type"] ?? "")?.[1];
      if (nested) return { mimeHeaders, headers: {}, body: "", parts: readMultipart(content.join("\n"), nested) };
      const statusLine = content.findIndex((l) => l.startsWith("HTTP/1.1"));
      const rest = content.slice(statusLine + 1);
      const blank = rest.findIndex((l) => l.trim() === "");
      return {
        mimeHeaders,
        status: Number(/HTTP\/1\.1 (\d+)/.exec(content[statusLine])?.[1]),
        headers: headerMap(blank < 0 ? rest : rest.slice(0, blank)),
        body: blank < 0 ? "" : rest.slice(blank + 1).join("\n").trim(),
      };
    });
}

function headerMap(lines: string[]): Record<string, string> {
  return Object.fromEntries(
    lines
      .filter((l) => l.includes(":"))
      .map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
  );
}

export interface ReceivedWebhook {
  headers: Record<string, string | string[] | undefined>;
  query: Record<string, string>;
  body: string;
}

/** An HTTP endpoint standing in for the relay's /hooks/dataverse, recording every POST. */
export async function startReceiver(status = 200): Promise<{ url: string; received: ReceivedWebhook[]; respondWith(status: number): void; stop(): Promise<void> }> {
  const received: ReceivedWebhook[] = [];
  let reply = status;
  const app: FastifyInstance = Fastify();
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "string" }, (_request, body, done) => done(null, body));
  app.post("/hooks/dataverse", async (request, response) => {
    received.push({ headers: request.headers, query: request.query as Record<string, string>, body: String(request.body) });
    return response.code(reply).send();
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return {
    url: `${address}/hooks/dataverse`,
    received,
    respondWith: (next) => (reply = next),
    stop: () => app.close(),
  };
}
