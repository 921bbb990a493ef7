/**
 * Starts a Dataverse Web API emulator on 127.0.0.1: standard tables plus the schema of any
 * solutions given, an Entra ID stand-in (shared or its own, served on the same port), service
 * protection limits, webhooks, fault injection and request counters.
 */
import type { FastifyInstance } from "fastify";
import { createTestIdentity, identityRoutes, type TestIdentity } from "../../identity/src";
import { DataverseEnvironment } from "./environment";
import { newGuid } from "./ids";
import { Authenticator, UserDirectory } from "./http/auth";
import { RequestCounters } from "./http/counters";
import { FaultInjector } from "./http/faults";
import { buildServer } from "./http/server";
import { ServiceProtection, type ServiceProtectionLimits } from "./http/service-protection";
import { Seeder } from "./seed";
import { restoreEnvironment, snapshotEnvironment, SnapshotError, type DataverseSnapshot } from "./snapshot";
import { applySolution, type ImportSummary } from "./solution/apply";
import { readSolution } from "./solution/solution-loader";
import { WebApiEngine } from "./webapi/engine";
import { retrieveEnvironmentVariableValue } from "./webapi/operations/environment-variables";
import { importSolution, importSolutionAsync, runImport, stageAndUpgrade } from "./webapi/operations/import-solution";
import { loseOpportunity, winOpportunity } from "./webapi/operations/opportunity-close";
import { publishAllXml, publishXml } from "./webapi/operations/publish";
import { qualifyLead } from "./webapi/operations/qualify-lead";
import { whoAmI } from "./webapi/operations/who-am-i";
import { WebhookDispatcher, type WebhookOptions } from "./webhooks/dispatcher";

export interface ApplicationUserSpec {
  clientId: string;
  name?: string;
  /** Grants prvActOnBehalfOfAnotherUser (default true, as for an app given the System Administrator role). */
  canImpersonate?: boolean;
}

export interface DataverseEmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Share an Entra ID stand-in with other emulators; when omitted one is created and served on this port. */
  identity?: TestIdentity;
  /** Serve the identity's metadata, keys and token endpoint on this port (default: only for an identity created here). */
  serveIdentity?: boolean;
  /** The environment URL tokens must be issued for (audience); defaults to the emulator's own URL. */
  environmentUrl?: string;
  organizationName?: string;
  /** Solutions to import at start: SolutionPackager folders, solution zip paths or zip bytes. */
  solutions?: Array<string | Uint8Array>;
  /** Seeds sample accounts, contacts, opportunities, a lead and currencies. */
  sampleData?: boolean;
  /**
   * Starts from a saved `snapshot()` instead of an empty environment: the same rows, row versions,
   * users and schema. `solutions` are then imported on top of it (an upgrade); `sampleData` cannot
   * be combined with it.
   */
  restore?: DataverseSnapshot;
  /** Application users (app registrations allowed in); defaults to the identity's registered apps. */
  applicationUsers?: ApplicationUserSpec[];
  /**
   * Licensed users to provision before they first sign in (they are otherwise created on first
   * sign-in), e.g. to impersonate them with CallerObjectId straight away.
   */
  users?: Array<{ upn: string; name?: string; canImpersonate?: boolean }>;
  /** The platform clock (createdon, modifiedon…); defaults to the system time. */
  clock?: () => Date;
  limits?: Partial<ServiceProtectionLimits>;
  webhooks?: WebhookOptions;
  logger?: boolean;
}

export interface DataverseEmulator {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** The environment URL (token audience). */
  readonly environmentUrl: string;
  /** Web API service root, e.g. http://127.0.0.1:41234/api/data/v9.2/ */
  readonly apiUrl: string;
  readonly identity: TestIdentity;
  readonly environment: DataverseEnvironment;
  readonly users: UserDirectory;
  readonly seed: Seeder;
  readonly limits: ServiceProtection;
  readonly counters: RequestCounters;
  readonly faults: FaultInjector;
  readonly webhooks: WebhookDispatcher;
  /** An access token for this environment: delegated when `upn` is given, app-only otherwise. */
  tokenFor(principal?: { upn?: string; name?: string; clientId?: string; expiresIn?: number }): Promise<string>;
  /** Imports a solution (folder, zip path or zip bytes) as ImportSolution does, recording an import job. */
  importSolution(source: string | Uint8Array): Promise<ImportSummary>;
  /** The environment's state as JSON, for `restore` on a later start. */
  snapshot(): DataverseSnapshot;
  stop(): Promise<void>;
}

export const DEFAULT_CLIENT_ID = "00000000-0000-0000-0000-00000000c11e";

export async function startDataverseEmulator(options: DataverseEmulatorOptions = {}): Promise<DataverseEmulator> {
  const identity = options.identity ?? (await createTestIdentity());
  const hostsIdentity = options.serveIdentity ?? options.identity === undefined;
  if (options.restore && options.sampleData) throw new SnapshotError("Start from a snapshot or with sample data, not both: the snapshot already holds its data.");
  const env = new DataverseEnvironment(options.organizationName ?? options.restore?.organizationName ?? "emulator", { clock: options.clock });
  if (options.restore) restoreEnvironment(env, options.restore);
  let url = "";
  const environmentUrl = () => (options.environmentUrl ?? url).replace(/\/$/, "");
  const users = new UserDirectory(env);
  const applicationUsers = options.applicationUsers ?? [{ clientId: DEFAULT_CLIENT_ID }, ...identity.apps.map((app) => ({ clientId: app.clientId }))];
  for (const user of applicationUsers) users.addApplicationUser(user.clientId, { name: user.name, canImpersonate: user.canImpersonate });
  for (const user of options.users ?? []) {
    const id = users.ensureUser(identity.objectIdFor(user.upn), user.upn, user.name);
    if (user.canImpersonate) users.grantImpersonation(id);
  }
  const seed = new Seeder(env, () => `${environmentUrl()}/api/data/v9.2/`);
  seed.currencies(["USD"]);
  for (const source of options.solutions ?? []) applySolution(env, readSolution(source));
  if (options.sampleData) seed.sampleData();

  const limits = new ServiceProtection(options.limits);
  const counters = new RequestCounters();
  const faults = new FaultInjector();
  const webhooks = new WebhookDispatcher(env, environmentUrl, options.webhooks);
  const engine = new WebApiEngine(env, [whoAmI, retrieveEnvironmentVariableValue, winOpportunity, loseOpportunity, qualifyLead, importSolution, importSolutionAsync, stageAndUpgrade, publishAllXml, publishXml]);
  const authenticator = new Authenticator(env, identity, users, environmentUrl);
  const app: FastifyInstance = buildServer({ env, engine, authenticator, limits, faults, counters, environmentUrl }, { logger: options.logger });
  if (hostsIdentity) await app.register(identityRoutes(identity));
  url = await app.listen({ host: options.host ?? "127.0.0.1", port: options.port ?? 0 });
  if (hostsIdentity) identity.baseUrl = url;

  return {
    url,
    get environmentUrl() {
      return environmentUrl();
    },
    get apiUrl() {
      return `${environmentUrl()}/api/data/v9.2/`;
    },
    identity,
    environment: env,
    users,
    seed,
    limits,
    counters,
    faults,
    webhooks,
    tokenFor: (principal = {}) =>
      identity.issueToken({
        audience: environmentUrl(),
        user: principal.upn ? { upn: principal.upn, name: principal.name } : undefined,
        clientId: principal.clientId,
        expiresIn: principal.expiresIn,
      }),
    importSolution: (source) => runImport(env, () => readSolution(source), newGuid()),
    snapshot: () => snapshotEnvironment(env),
    stop: async () => {
      faults.clear();
      await webhooks.idle();
      await app.close();
    },
  };
}
