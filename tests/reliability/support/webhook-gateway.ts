/**
 * The address both platforms deliver their webhooks to, standing in front of the relay (or several
 * relay replicas, round robin), as a load balancer would. It keeps one stable URL while relay
 * processes come and go, records every delivery (and every signature it carried, for the secrets
 * check), and in chaos mode turns the network into the at-least-once channel the relay must
 * survive: it answers the platform at once, then hands each delivery to the relay one to three
 * times, late and out of order, or not at all.
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ChaosSettings {
  /** Share (0..1) of deliveries never handed on. */
  dropRate: number;
  /** Each kept delivery reaches the relay 1..maxCopies times. */
  maxCopies: number;
  /** Each copy waits a random 0..maxDelayMs, so later events can overtake earlier ones. */
  maxDelayMs: number;
}

export interface GatewayStats {
  /** Deliveries the platforms made to the gateway. */
  received: number;
  /** Copies handed to the relay. */
  forwarded: number;
  dropped: number;
  /** Copies beyond the first of a delivery. */
  duplicated: number;
  /** Answers from the relay by status. */
  relayAnswers: Record<number, number>;
}

export interface ReceivedDelivery {
  path: string;
  at: number;
  body: Buffer;
}

export interface WebhookGateway {
  readonly url: string;
  /** Relay base URLs deliveries go to (round robin); empty while no relay runs. */
  targets: string[];
  /** Chaos mode when set; plain forwarding otherwise. */
  chaos: ChaosSettings | undefined;
  stats(): GatewayStats;
  /** Every webhook signature seen (Authorization: Signature … or X-MS-Signature). */
  readonly signatures: Set<string>;
  onDelivery(listener: (delivery: ReceivedDelivery) => void): void;
  /** Resolves when no copy is waiting or in flight. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

const HOP_BY_HOP = new Set(["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "content-length"]);

export async function startWebhookGateway(options: { random?: () => number } = {}): Promise<WebhookGateway> {
  const random = options.random ?? Math.random;
  const stats: GatewayStats = { received: 0, forwarded: 0, dropped: 0, duplicated: 0, relayAnswers: {} };
  const listeners: ((delivery: ReceivedDelivery) => void)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let inFlight = 0;
  let next = 0;
  let idleWaiters: (() => void)[] = [];

  const settle = () => {
    if (inFlight === 0 && timers.size === 0) {
      for (const resolve of idleWaiters.splice(0)) resolve();
    }
  };

  async function hand(path: string, headers: Record<string, string>, body: Buffer): Promise<{ status: number; body: string; type?: string }> {
    const targets = gateway.targets;
    if (targets.length === 0) return { status: 503, body: "The relay is not running." };
    const target = targets[next++ % targets.length];
    inFlight++;
    try {
      const answer = await fetch(new URL(path, target), { method: "POST", headers, body, signal: AbortSignal.timeout(30_000) });
      stats.relayAnswers[answer.status] = (stats.relayAnswers[answer.status] ?? 0) + 1;
      return { status: answer.status, body: await answer.text(), type: answer.headers.get("content-type") ?? undefined };
    } catch (error) {
      return { status: 502, body: `The relay did not answer: ${(error as Error).message}` };
    } finally {
      inFlight--;
      settle();
    }
  }

  const server = http.createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = request.url ?? "/";
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (!HOP_BY_HOP.has(name) && value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      for (const name of ["authorization", "x-ms-signature"]) {
        const signature = /^Signature\s+(\S+)/i.exec(headers[name] ?? "")?.[1];
        if (signature) gateway.signatures.add(signature);
      }
      stats.received++;
      for (const listener of listeners) listener({ path, at: Date.now(), body });

      const chaos = gateway.chaos;
      if (!chaos) {
        void hand(path, headers, body).then((answer) => {
          response.writeHead(answer.status, answer.type ? { "content-type": answer.type } : {});
          response.end(answer.body);
        });
        return;
      }
      // The platform sees a delivery; what the relay sees is up to the network.
      response.writeHead(200).end();
      if (random() < chaos.dropRate) {
        stats.dropped++;
        return;
      }
      const copies = 1 + Math.floor(random() * chaos.maxCopies);
      stats.duplicated += copies - 1;
      for (let copy = 0; copy < copies; copy++) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          stats.forwarded++;
          void hand(path, headers, body);
        }, Math.floor(random() * (chaos.maxDelayMs + 1)));
        timers.add(timer);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));

  const gateway: WebhookGateway = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    targets: [],
    chaos: undefined,
    stats: () => structuredClone(stats),
    signatures: new Set(),
    onDelivery: (listener) => void listeners.push(listener),
    idle: () =>
      inFlight === 0 && timers.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            idleWaiters.push(resolve);
          }),
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      idleWaiters = [];
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return gateway;
}
