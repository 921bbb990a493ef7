/**
 * A forwarding proxy in front of a platform API (an emulator): it adds a latency profile to every
 * call, as a real environment across the internet would, can stall calls past the client's
 * timeout, lets a test act just before a call reaches the platform (another user editing the same
 * record: a genuine 412 race), and counts the calls by method, resource and answer. Only the relay
 * is pointed at it, so its counts are the relay's own traffic while sellers and tests talk to the
 * emulators directly.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface Latency {
  fixedMs: number;
  jitterMs: number;
}

export interface CallCounts {
  total: number;
  reads: number;
  writes: number;
  /** `"GET opportunities"`, `"PATCH opportunities"`, `"POST $batch"`… */
  byOperation: Record<string, number>;
  /** Answers by HTTP status. */
  byStatus: Record<number, number>;
  /** Calls the client gave up on before the answer came (timeouts). */
  abandoned: number;
}

export interface ApiProxy {
  readonly url: string;
  /** Where calls go; set once the upstream is listening. */
  target: string | undefined;
  latency: Latency;
  /** Runs before a call is forwarded; what it does happens before the platform sees the call. */
  intercept: ((method: string, path: string) => Promise<void> | void) | undefined;
  /** Holds the next `count` calls for `ms` each (longer than the client's timeout: a timeout). */
  stallNext(count: number, ms: number): void;
  counts(): CallCounts;
  resetCounts(): void;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "trailer", "host"]);

export interface ApiProxyOptions {
  target?: string;
  latency?: Partial<Latency>;
  random?: () => number;
  /** Rewrite the upstream's own origin in answers to the proxy's (for APIs that return absolute links). */
  rewriteLinks?: boolean;
}

export async function startApiProxy(options: ApiProxyOptions = {}): Promise<ApiProxy> {
  const random = options.random ?? Math.random;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let counts = emptyCounts();
  const stall = { remaining: 0, ms: 0 };
  let address = "";

  const proxy: ApiProxy = {
    get url() {
      return address;
    },
    target: options.target,
    latency: { fixedMs: 0, jitterMs: 0, ...options.latency },
    intercept: undefined,
    stallNext(count, ms) {
      stall.remaining = count;
      stall.ms = ms;
    },
    counts: () => structuredClone(counts),
    resetCounts: () => {
      counts = emptyCounts();
    },
    stop: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    if (!proxy.target) {
      response.writeHead(503).end("The proxy has no upstream yet.");
      return;
    }
    const method = request.method ?? "GET";
    count(counts, method, request.url ?? "/");
    const { fixedMs, jitterMs } = proxy.latency;
    let delay = fixedMs + (jitterMs ? Math.floor(random() * (jitterMs + 1)) : 0);
    if (stall.remaining > 0) {
      stall.remaining--;
      delay += stall.ms;
    }
    response.on("close", () => {
      if (!response.writableFinished) counts.abandoned++;
    });
    const forward = async () => {
      if (proxy.intercept) await proxy.intercept(method, request.url ?? "/");
      const upstream = new URL(request.url ?? "/", proxy.target);
      const headers: http.OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(request.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = value;
      const outgoing = http.request(upstream, { method: request.method, headers, agent }, (answer) => {
        const status = answer.statusCode ?? 502;
        counts.byStatus[status] = (counts.byStatus[status] ?? 0) + 1;
        const back: http.OutgoingHttpHeaders = {};
        for (const [name, value] of Object.entries(answer.headers)) if (!HOP_BY_HOP.has(name) && value !== undefined) back[name] = value;
        if (!options.rewriteLinks) {
          response.writeHead(status, back);
          answer.pipe(response);
          return;
        }
        // The platform writes absolute links to itself; a client must see them on the address it called.
        const chunks: Buffer[] = [];
        answer.on("data", (chunk: Buffer) => chunks.push(chunk));
        answer.on("end", () => {
          const body = Buffer.from(Buffer.concat(chunks).toString("utf8").replaceAll(new URL(proxy.target!).origin, address), "utf8");
          delete back["content-length"];
          response.writeHead(status, { ...back, "content-length": body.length });
          response.end(body);
        });
      });
      outgoing.on("error", (error) => {
        if (!response.headersSent) response.writeHead(502);
        response.end(`Upstream unreachable: ${error.message}`);
      });
      request.pipe(outgoing);
    };
    // Hold the request body until forwarding, as a slow network would.
    request.pause();
    setTimeout(() => {
      forward().then(
        () => request.resume(),
        (error: Error) => {
          response.writeHead(500).end(`The test's intercept failed: ${error.message}`);
        },
      );
    }, delay);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

function emptyCounts(): CallCounts {
  return { total: 0, reads: 0, writes: 0, byOperation: {}, byStatus: {}, abandoned: 0 };
}

/** `/api/data/v9.2/opportunities(…)?$select=…` → `GET opportunities`. */
function count(counts: CallCounts, method: string, url: string): void {
  const resource = url.replace(/^\/api\/data\/v\d+\.\d+\//, "").split(/[/(?]/)[0] || "/";
  const key = `${method.toUpperCase()} ${resource}`;
  counts.total++;
  if (method.toUpperCase() === "GET") counts.reads++;
  else counts.writes++;
  counts.byOperation[key] = (counts.byOperation[key] ?? 0) + 1;
}
