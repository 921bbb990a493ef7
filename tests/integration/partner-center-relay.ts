/**
 * A minimal relay front door for the tests: the real `POST /hooks/partner-center` route with the
 * real verifier, recording what it accepted.
 */
import { X509Certificate } from "node:crypto";
import type { PartnerCenterEvent } from "@cosell/core";
import Fastify, { type FastifyInstance } from "fastify";
import type { PartnerCenterEmulator } from "../../emulators/partner-center/src";
import { createWebhookVerifier, partnerCenterWebhookRoute, type WebhookVerifierOptions } from "../../relay/src/webhooks";

export interface TestRelay {
  app: FastifyInstance;
  url: string;
  hookUrl: string;
  received: { event: PartnerCenterEvent; headers: Record<string, unknown> }[];
  logs: string[];
  stop(): Promise<void>;
}

/** Trusts the emulator's certificate host over http on loopback and its test root, as a local sandbox would. */
export async function startTestRelay(emulator: PartnerCenterEmulator, options: WebhookVerifierOptions = {}): Promise<TestRelay> {
  const received: TestRelay["received"] = [];
  const logs: string[] = [];
  const app = Fastify({ logger: { level: "warn", stream: { write: (line: string) => logs.push(line) } } });
  const verifier = createWebhookVerifier({
    trustedHosts: [new URL(emulator.url).host],
    allowHttpForLoopback: true,
    trustedRoots: [new X509Certificate(emulator.rootCertificatePem)],
    ...options,
  });
  await app.register(partnerCenterWebhookRoute({ verifier, onEvent: (event, request) => void received.push({ event, headers: { ...request.headers } }) }));
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, url, hookUrl: `${url}/hooks/partner-center`, received, logs, stop: () => app.close() };
}
