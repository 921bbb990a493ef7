/**
 * The relay's HTTP server with every collaborator replaced by a recording stand-in, plus what a
 * test needs to be Partner Center (a signing certificate) and Entra ID (a signing key).
 */
import { createSign } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT, type JWK } from "jose";
import type { ApiAuthConfig } from "../config/schema";
import { createLogger } from "../observability/logger";
import { createMetrics, type RelayMetrics } from "../observability/metrics";
import { issue, selfSigned, testKey } from "../webhooks/pki.test-support";
import { createWebhookVerifier } from "../webhooks/verifier";
import type { QueuedAnswer, SellerActions, SyncAnswer } from "./api";
import type { Inbox } from "./inbox";
import { buildHttpServer, type HttpServerOptions } from "./server";
import { createUserTokenVerifier, type SignedInUser } from "./user-token";

export const CERTIFICATE_URL = "https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer";
export const TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
export const API_CLIENT_ID = "6a1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";
export const ISSUER = `https://login.microsoftonline.com/${TENANT}/v2.0`;
export const SELLER_OID = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
export const WEBHOOK_SECRET = "a-long-enough-shared-secret-value";

/** A leaf for Partner Center's dispatch subject, issued by a test root named `O=Microsoft Corporation` that the verifier trusts. */
export function partnerCenterSigner() {
  const root = selfSigned({ commonName: "Test Root", ca: true });
  const leaf = issue(root, { commonName: "pcnotifications-dispatch.microsoft.com", notAfter: new Date(Date.now() + 30 * 86_400_000) });
  const sign = (body: Buffer, key = leaf.key.privateKeyPem) => createSign("sha256").update(body).sign(key, "base64");
  return {
    root: root.x509,
    /** Serves the certificate as if from Microsoft's host; nothing leaves the process. */
    fetch: (async () => new Response(new Uint8Array(leaf.der), { status: 200 })) as typeof fetch,
    headers: (body: Buffer, key?: string) => ({
      authorization: `Signature ${sign(body, key)}`,
      "x-ms-certificate-url": CERTIFICATE_URL,
      "x-ms-signature-algorithm": "rsa-sha256",
      "content-type": "application/json",
    }),
    otherKey: testKey().privateKeyPem,
  };
}

export async function entraStandIn() {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  const other = await generateKeyPair("RS256");
  return {
    keys: createLocalJWKSet({ keys: [jwk] }),
    async token(claims: Record<string, unknown> = {}, options: { audience?: string; issuer?: string; expiresIn?: string; foreignKey?: boolean } = {}) {
      return new SignJWT({ tid: TENANT, oid: SELLER_OID, scp: "user_impersonation", idtyp: "user", upn: "ana@contoso.example", ...claims })
        .setProtectedHeader({ alg: "RS256", kid: "k1" })
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? API_CLIENT_ID)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "1h")
        .sign(options.foreignKey ? other.privateKey : privateKey);
    },
  };
}

export const apiAuth: ApiAuthConfig = {
  tenantId: TENANT,
  clientId: API_CLIENT_ID,
  audiences: [API_CLIENT_ID, `api://${API_CLIENT_ID}`],
  issuers: [ISSUER],
  jwksUrl: `https://login.microsoftonline.com/${TENANT}/discovery/v2.0/keys`,
  authority: `https://login.microsoftonline.com/${TENANT}`,
  scopes: [`api://${API_CLIENT_ID}/user_impersonation`],
};

export interface RecordingInbox extends Inbox {
  pulls: { referralId: string; reason: string }[];
  pushes: { opportunityId: string; reason: string; actingUserObjectId?: string }[];
}

export function recordingInbox(): RecordingInbox {
  const inbox: RecordingInbox = {
    pulls: [],
    pushes: [],
    pullReferral: async (referralId, reason) => void inbox.pulls.push({ referralId, reason }),
    pushOpportunity: async (opportunityId, reason, actingUserObjectId) => void inbox.pushes.push({ opportunityId, reason, actingUserObjectId }),
  };
  return inbox;
}

export interface RecordingActions extends SellerActions {
  calls: { action: string; id: string; user: SignedInUser; reason?: string }[];
  syncAnswer: SyncAnswer | QueuedAnswer;
}

export function recordingActions(): RecordingActions {
  const actions: RecordingActions = {
    calls: [],
    syncAnswer: { outcome: "synced", message: "Shared with Microsoft.", referralId: "4111fffc-f9ee-4d53-bba6-569135228642" },
    async syncOpportunity(id, user) {
      actions.calls.push({ action: "sync", id, user });
      return actions.syncAnswer;
    },
    async acceptLead(id, user) {
      actions.calls.push({ action: "accept", id, user });
      return { opportunityId: "9d2b6a4c-0000-4000-8000-000000000001", message: "Accepted." };
    },
    async declineLead(id, reason, user) {
      actions.calls.push({ action: "decline", id, user, reason });
      return { message: "Declined." };
    },
  };
  return actions;
}

export interface TestServer {
  app: FastifyInstance;
  url: string;
  inbox: RecordingInbox;
  actions: RecordingActions;
  metrics: RelayMetrics;
  logs: string[];
  signer: ReturnType<typeof partnerCenterSigner>;
  entra: Awaited<ReturnType<typeof entraStandIn>>;
  leadLinks: Map<string, string>;
  close(): Promise<void>;
}

// Key generation is the slow part; one signer and one Entra stand-in serve every server of a test file.
let shared: { signer: ReturnType<typeof partnerCenterSigner>; entra: Promise<Awaited<ReturnType<typeof entraStandIn>>> } | undefined;

export async function startTestServer(overrides: Partial<HttpServerOptions> = {}): Promise<TestServer> {
  const logs: string[] = [];
  shared ??= { signer: partnerCenterSigner(), entra: entraStandIn() };
  const signer = shared.signer;
  const entra = await shared.entra;
  const inbox = recordingInbox();
  const actions = recordingActions();
  const metrics = createMetrics({ processMetrics: false });
  const leadLinks = new Map<string, string>();
  const app = await buildHttpServer({
    logger: createLogger({ level: "debug", secretHeaders: ["x-cosell-webhook-secret"], destination: { write: (line: string) => void logs.push(line) } }),
    metrics,
    inbox,
    partnerCenterVerifier: createWebhookVerifier({ fetch: signer.fetch, subjectCommonName: "pcnotifications-dispatch.microsoft.com", trustedRoots: [signer.root] }),
    dataverseWebhook: { header: "x-cosell-webhook-secret", secret: WEBHOOK_SECRET },
    referralForLead: async (leadId) => leadLinks.get(leadId),
    corsOrigins: ["https://contoso.crm.dynamics.com"],
    api: apiAuth,
    verifyUser: createUserTokenVerifier(apiAuth, { keys: entra.keys }),
    actions,
    readiness: async () => ({ database: { ok: true }, queue: { ok: true } }),
    ...overrides,
  });
  const url = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, url, inbox, actions, metrics, logs, signer, entra, leadLinks, close: () => app.close() };
}
