/**
 * One Fastify server that stands in for both Partner Center hosts (partner-center-api.md §7.1):
 * the Referrals API under `/v1.0/engagements/referrals`, the Webhooks API under `/webhooks/v1`,
 * the signing certificate, a control API under `/_emulator` and a page for people at `/`.
 */
import Fastify from "fastify";
import { createTestIdentity, identityRoutes, type TestIdentity } from "../../identity/src";
import { issueEmulatorToken, REFERRALS_AUDIENCE, WEBHOOKS_AUDIENCE, type EmulatorTokenRequest } from "./auth";
import { createClock, type EmulatorClock } from "./clock";
import type { EmulatorContext, PartnerLocation, PartnerProfile } from "./context";
import { PAGE_HTML } from "./control/page";
import { controlRoutes } from "./control/routes";
import { RequestCounters } from "./counters";
import { counterpartyActions, type CounterpartyActions } from "./counterparty";
import { FaultController, type FaultOverrides } from "./faults";
import type { JsonObject } from "./referrals/normalize";
import { ReferralQuery } from "./referrals/odata";
import { renderReferral } from "./referrals/render";
import { REFERRALS_PATH, referralRoutes } from "./referrals/routes";
import { ReferralStore } from "./referrals/store";
import { checkSnapshot, SNAPSHOT_FORMAT, SNAPSHOT_VERSION, SnapshotError, type PartnerCenterSnapshot } from "./snapshot";
import { UserDirectory, type PartnerUser } from "./users";
import { WebhookDispatcher, type Delivery, type DeliveryAttempt, type DeliveryOptions } from "./webhooks/delivery";
import { referralEvent, type ReferralEventName } from "./webhooks/events";
import type { WebhookRegistration } from "./webhooks/registration";
import { WEBHOOKS_PATH, webhookRoutes } from "./webhooks/routes";
import { DISPATCH_SUBJECT, ISSUING_CA_PATH, ROOT_CA_PATH, sharedSigningAuthority, type SigningIdentity, type SigningOptions } from "./webhooks/signing";
import { ValidationEvents } from "./webhooks/validation-events";

export interface PartnerCenterEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Share one identity stand-in with other emulators; otherwise one is created and served here. */
  identity?: TestIdentity;
  /** The partner organization this Partner Center tenant belongs to. */
  partner?: { organizationId?: string; organizationName?: string; partnerId?: string; locations?: PartnerLocation[] };
  /** Seeded Partner Center users (default: an admin and a seller, see DEFAULT_USERS). */
  users?: PartnerUser[];
  /** A clock to share, or where a new one starts (default: real time). */
  clock?: EmulatorClock | { start: Date | string };
  webhooks?: DeliveryOptions & {
    /** Issuer of the signing certificates: "microsoft" (default), "foreign", or an authority of the test's own. */
    signing?: SigningOptions;
    /** Host name put in X-MS-Certificate-Url instead of the emulator's (e.g. "localhost"), to test host pinning. */
    certificateHost?: string;
  };
  faults?: FaultOverrides;
  /** Random source for fault injection, for reproducible runs. */
  random?: () => number;
  /** Base of ResourceUri in events (default https://api.partnercenter.microsoft.com, as documented). */
  resourceBaseUrl?: string;
  /** Fastify request logging (default off). */
  logger?: boolean;
  /**
   * Starts from a saved `snapshot()`: its partner, users, referrals (same ids and eTags), webhook
   * registration and clock offset. `partner`, `users` and `clock` cannot be combined with it.
   */
  restore?: PartnerCenterSnapshot;
}

export interface PartnerCenterEmulator {
  /** e.g. http://127.0.0.1:43121 */
  url: string;
  /** `${url}/v1.0/engagements/referrals` */
  referralsUrl: string;
  /** `${url}/webhooks/v1` */
  webhooksUrl: string;
  /** What deliveries put in X-MS-Certificate-Url. */
  certificateUrl: string;
  /**
   * The emulator's Microsoft test root (PEM), served at `/cert/root.pem`: what a receiver configured
   * for this emulator trusts, as a real one trusts Microsoft's root. The same for every emulator in a
   * process, and across `rotateSigning()`.
   */
  rootCertificatePem: string;
  audiences: { referrals: string; webhooks: string };
  partner: PartnerProfile;
  identity: TestIdentity;
  clock: EmulatorClock;
  faults: FaultController;
  users: UserDirectory;
  counters: RequestCounters;
  /** Microsoft's (or another partner's) side of the deal. */
  microsoft: CounterpartyActions;
  deliveries: {
    list(): Delivery[];
    parked(): Delivery[];
    /** Resolves when no delivery is in flight or waiting to retry. */
    idle(): Promise<void>;
    clear(): void;
    onAttempt(listener: (delivery: Delivery, attempt: DeliveryAttempt) => void): () => void;
  };
  signing: SigningIdentity;
  /**
   * A new leaf key and certificate for the next deliveries, under the Microsoft test root unless
   * `options` name a foreign issuer or another authority (a chain the receiver does not trust).
   */
  rotateSigning(options?: SigningOptions): SigningIdentity;
  registration(): WebhookRegistration | undefined;
  referrals: {
    /** The partner's referrals as the API renders them. */
    list(): JsonObject[];
    get(id: string): JsonObject | undefined;
  };
  /**
   * A token for this emulator: App+User for the Referrals API (default user: the first Referrals
   * Admin), app-only for the Webhooks API unless `upn` is given.
   */
  issueToken(request?: EmulatorTokenRequest): Promise<string>;
  /** The tenant's state as JSON, for `restore` on a later start. */
  snapshot(): PartnerCenterSnapshot;
  /** Expires unanswered incoming referrals now (it also runs on every API call and clock change). */
  runExpiry(): string[];
  stop(): Promise<void>;
}

export const DEFAULT_USERS: PartnerUser[] = [
  { upn: "admin@contoso.example", role: "Referrals Admin", locations: "all" },
  { upn: "seller@contoso.example", role: "Referrals User", locations: "all" },
];

export async function startPartnerCenterEmulator(options: PartnerCenterEmulatorOptions = {}): Promise<PartnerCenterEmulator> {
  const restore = options.restore && checkSnapshot(options.restore);
  if (restore) {
    const conflicting = (["partner", "users", "clock"] as const).filter((name) => options[name] !== undefined);
    if (conflicting.length > 0) throw new SnapshotError(`A restored emulator takes ${conflicting.join(", ")} from the snapshot; leave ${conflicting.length > 1 ? "them" : "it"} out.`);
  }
  const ownIdentity = !options.identity;
  const identity = options.identity ?? (await createTestIdentity());
  const clock = options.clock && "now" in options.clock ? options.clock : createClock(restore ? new Date(Date.now() + restore.clockOffsetMs) : options.clock?.start);
  const partner: PartnerProfile = restore ? structuredClone(restore.partner) : {
    // The organization of the documented samples.
    organizationId: options.partner?.organizationId ?? "7d23e5ca-19dc-4eaa-aac8-5e6b559f0d1d",
    organizationName: options.partner?.organizationName ?? "Contoso Company",
    partnerId: options.partner?.partnerId ?? identity.tenantId,
    locations: options.partner?.locations?.length ? options.partner.locations : [{ id: "01e2abcd-52b0-4af3-a3ae-1fd1530b3563", name: "Contoso Company (Redmond)" }],
  };
  const faults = new FaultController(options.faults, options.random);
  const authorityFor = (signingOptions: SigningOptions = {}) => signingOptions.authority ?? sharedSigningAuthority(signingOptions.issuer);
  // Issued right after listen, before any request or delivery: the certificates name the routes
  // (on this emulator's address) that serve their issuers.
  let signing!: SigningIdentity;
  const currentSigning = () => signing;
  let base = "";
  const certificatePath = `/cert/${DISPATCH_SUBJECT}.cer`;
  const certificateUrl = () => {
    const url = new URL(`${base}${certificatePath}`);
    if (options.webhooks?.certificateHost) url.hostname = options.webhooks.certificateHost;
    return url.toString();
  };

  const store = new ReferralStore(clock);
  if (restore) store.replaceContents(restore);
  const ctx: EmulatorContext = {
    partner,
    identity,
    clock,
    store,
    query: new ReferralQuery(),
    users: new UserDirectory(restore?.users ?? options.users ?? DEFAULT_USERS),
    faults,
    counters: new RequestCounters(),
    dispatcher: new WebhookDispatcher(currentSigning, certificateUrl, faults, options.webhooks),
    validationEvents: new ValidationEvents(clock, partner.partnerId),
    signing: currentSigning,
    registration: restore?.registration ? { current: structuredClone(restore.registration) } : {},
    resourceBaseUrl: options.resourceBaseUrl ?? "https://api.partnercenter.microsoft.com",
    urls: () => ({ base, referrals: `${base}${REFERRALS_PATH}`, webhooks: `${base}${WEBHOOKS_PATH}`, certificate: certificateUrl() }),
  };
  routeEventsToWebhooks(ctx);
  ctx.dispatcher.onAttempt((delivery, attempt) => ctx.validationEvents.recordAttempt(delivery, attempt));
  const unsubscribeClock = clock.onChange(() => store.expireDue());
  const microsoft = counterpartyActions(ctx);

  const app = Fastify({ logger: options.logger ?? false, routerOptions: { ignoreTrailingSlash: true } });
  app.addHook("onResponse", async (request, reply) => {
    ctx.counters.record(request.method, request.routeOptions.url ?? "(no route)", reply.statusCode);
  });
  if (ownIdentity) await app.register(identityRoutes(identity));
  await app.register(referralRoutes(ctx), { prefix: REFERRALS_PATH });
  await app.register(webhookRoutes(ctx), { prefix: WEBHOOKS_PATH });
  app.get(certificatePath, async (_request, reply) => reply.type("application/pkix-cert").send(signing.certificateDer));
  app.get(ISSUING_CA_PATH, async (_request, reply) => reply.type("application/pkix-cert").send(signing.issuingCertificateDer));
  app.get(ROOT_CA_PATH, async (_request, reply) => reply.type("application/pkix-cert").send(signing.rootCertificateDer));
  app.get("/cert/root.pem", async (_request, reply) => reply.type("application/x-pem-file").send(sharedSigningAuthority().rootCertificatePem));
  await app.register(controlRoutes(ctx, microsoft), { prefix: "/_emulator" });
  app.get("/", async (_request, reply) => reply.type("text/html; charset=utf-8").send(PAGE_HTML));

  base = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  if (ownIdentity) identity.baseUrl = base;
  signing = authorityFor(options.webhooks?.signing).issue(base);

  return {
    url: base,
    referralsUrl: ctx.urls().referrals,
    webhooksUrl: ctx.urls().webhooks,
    get certificateUrl() {
      return certificateUrl();
    },
    rootCertificatePem: sharedSigningAuthority().rootCertificatePem,
    audiences: { referrals: REFERRALS_AUDIENCE, webhooks: WEBHOOKS_AUDIENCE },
    partner,
    identity,
    clock,
    faults,
    users: ctx.users,
    counters: ctx.counters,
    microsoft,
    deliveries: {
      list: () => ctx.dispatcher.list(),
      parked: () => ctx.dispatcher.parked(),
      idle: () => ctx.dispatcher.idle(),
      clear: () => ctx.dispatcher.clear(),
      onAttempt: (listener) => ctx.dispatcher.onAttempt(listener),
    },
    get signing() {
      return signing;
    },
    rotateSigning(signingOptions) {
      signing = authorityFor(signingOptions).issue(base, { newKey: true });
      return signing;
    },
    registration: () => ctx.registration.current,
    referrals: {
      list: () => store.all().filter((r) => r.owner === partner.organizationId).map((r) => renderReferral(r.doc, ctx.urls().referrals)),
      get: (id) => {
        const found = store.get(id);
        return found && found.owner === partner.organizationId ? renderReferral(found.doc, ctx.urls().referrals) : undefined;
      },
    },
    issueToken: (request) => issueEmulatorToken(identity, ctx.users, request),
    snapshot: () => ({
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      partner: structuredClone(partner),
      users: ctx.users.list().map((user) => structuredClone(user)),
      clockOffsetMs: clock.now().getTime() - Date.now(),
      registration: ctx.registration.current ? structuredClone(ctx.registration.current) : null,
      ...store.contents(),
    }),
    runExpiry: () => store.expireDue(),
    async stop() {
      unsubscribeClock();
      ctx.dispatcher.stop();
      await app.close();
    },
  };
}

/**
 * §7.10, §7.16: a change to one of the partner's referrals is `referral-*`; a change to the other
 * party's half of a shared engagement is `related-referral-*`, naming the partner's referral in that
 * engagement so the receiver can read it.
 */
function routeEventsToWebhooks(ctx: EmulatorContext): void {
  ctx.store.onChange((change) => {
    const registration = ctx.registration.current;
    if (!registration) return;
    const at = String(change.referral.doc.updatedDateTime);
    const fire = (name: ReferralEventName, referralId: string) => {
      if (registration.webhookEvents.includes(name)) ctx.dispatcher.send(registration, referralEvent(name, ctx.resourceBaseUrl, referralId, at));
    };
    if (change.referral.owner === ctx.partner.organizationId) {
      fire(change.kind === "created" ? "referral-created" : "referral-updated", String(change.referral.doc.id));
      return;
    }
    for (const mine of ctx.store.inEngagement(String(change.referral.doc.engagementId))) {
      if (mine.owner === ctx.partner.organizationId) {
        fire(change.kind === "created" ? "related-referral-created" : "related-referral-updated", String(mine.doc.id));
      }
    }
  });
}
