/**
 * `cosell-relay doctor`: checks everything the relay depends on and prints one line per check —
 * ok, warn, fail or skip — with the fix beside anything that is not ok. Exits non-zero when a check
 * fails, so it can gate a deployment.
 */
import { DEFAULT_SYNC_CONFIG, EnvironmentVariables, parseSyncConfig, ReferralEventNames, SolutionTable, TestEventName } from "@cosell/core";
import { Command } from "commander";
import { decodeJwt } from "jose";
import { DataDirBusyError } from "../composition/data-dir-lock";
import { dataverseConnection, deviceCodeTokenProvider, openStorage, partnerCenterClient, type RelayDependencies } from "../composition/parts";
import type { RelayConfig } from "../config/schema";
import type { DataverseConnection } from "../dataverse/connection";
import { DataverseRepository } from "../dataverse/repository";
import { listWebhooks, supportsStep } from "../dataverse/webhooks";
import { startQueue } from "../jobs/queue";
import type { PartnerCenterClient } from "../partner-center/client";
import { REFERRALS_AUDIENCE } from "../partner-center/tokens";
import { dataversePort } from "../sync/adapters/dataverse";
import { describeStep, missingWebhookSteps, relayWebhookSteps } from "../sync/webhook-steps";
import { DATAVERSE_HOOK_PATH } from "../http/dataverse-hook";
import { PARTNER_CENTER_HOOK_PATH } from "../webhooks/fastify";
import { CliFailure, type CliContext } from "./context";
import { relayConfigFor, relayDependenciesFor } from "./relay-config";
import { sameUrl } from "./urls";

export type CheckStatus = "ok" | "warn" | "fail" | "skip";

export interface CheckResult {
  status: CheckStatus;
  check: string;
  detail: string;
  fix?: string;
}

/** Entra ID refresh tokens lapse after 90 days unused; warn well before. */
const REFRESH_TOKEN_WARNING_DAYS = 14;

export function doctorCommand(context: CliContext): Command {
  return new Command("doctor")
    .description("Check credentials, Dataverse access and settings, webhook registrations and the job queue; exits 1 when a check fails.")
    .action(async (_options, command: Command) => {
      const config = relayConfigFor(command, context);
      const results = await runDoctor(config, relayDependenciesFor(context), (result) => context.io.out(formatResult(result)));
      const failed = results.filter((r) => r.status === "fail").length;
      const warned = results.filter((r) => r.status === "warn").length;
      if (failed) throw new CliFailure(`${failed} check${failed === 1 ? "" : "s"} failed${warned ? `, ${warned} warning${warned === 1 ? "" : "s"}` : ""}.`);
      context.io.out(warned ? `All checks passed, with ${warned} warning${warned === 1 ? "" : "s"}.` : "All checks passed.");
    });
}

export function formatResult(result: CheckResult): string {
  const line = `${result.status.padEnd(4)}  ${result.check}: ${result.detail}`;
  return result.fix ? `${line}\n      fix: ${result.fix}` : line;
}

/** Runs every check, reporting each as it finishes; one failing check never stops the others. */
export async function runDoctor(config: RelayConfig, dependencies: RelayDependencies, report: (result: CheckResult) => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (result: CheckResult) => {
    results.push(result);
    report(result);
  };
  const guarded = async (check: string, run: () => Promise<CheckResult[]>) => {
    try {
      for (const result of await run()) add(result);
    } catch (error) {
      add({ status: "fail", check, detail: message(error) });
    }
  };

  add({ status: "ok", check: "Configuration", detail: describeConfig(config) });

  if (config.partnerCenter.auth || dependencies.partnerCenterTokenProvider) {
    const partnerCenter = partnerCenterClient(config, dependencies);
    await guarded("Partner Center sign-in", () => partnerCenterSignIn(config, dependencies));
    await guarded("Partner Center Referrals API", () => referralsReachable(partnerCenter));
    await guarded("Partner Center webhook registration", () => webhookRegistration(config, partnerCenter));
  } else {
    add({
      status: "fail",
      check: "Partner Center sign-in",
      detail: "not configured",
      fix: 'set COSELL_PC_CLIENT_ID, COSELL_PC_TENANT_ID and COSELL_PC_TOKEN_CACHE_KEY, then run "cosell-relay auth login".',
    });
  }

  if (config.dataverse) {
    const connection = dataverseConnection(config.dataverse, dependencies);
    await guarded("Dataverse access", () => dataverseAccess(connection));
    await guarded("Dataverse environment variables", () => environmentVariables(config, connection));
    await guarded("Dataverse webhook", () => dataverseWebhook(config, connection));
  } else {
    add({ status: "fail", check: "Dataverse access", detail: "not configured", fix: "set COSELL_DATAVERSE_URL and the relay's app registration (COSELL_DATAVERSE_TENANT_ID, COSELL_DATAVERSE_CLIENT_ID, COSELL_DATAVERSE_CLIENT_SECRET)." });
  }

  if (!config.dataverseWebhook) {
    add({ status: "warn", check: "Dataverse webhook secret", detail: "not set: the relay refuses every Dataverse notification", fix: 'set COSELL_DATAVERSE_WEBHOOK_SECRET (openssl rand -base64 32), then run "cosell-relay dataverse register-webhook".' });
  }
  if (!config.api) {
    add({ status: "warn", check: "Seller sign-in", detail: "not configured: the form's Share/Sync now calls are refused", fix: "set COSELL_API_TENANT_ID and COSELL_API_CLIENT_ID to the app registration exposing the relay's API." });
  }

  await guarded("Job queue", () => jobQueue(config));
  return results;
}

function describeConfig(config: RelayConfig): string {
  const database = config.databaseUrl ? "PostgreSQL" : `PGlite in ${config.dataDir}`;
  return `public URL ${config.publicUrl ?? "(not set)"}, listening on ${config.host}:${config.port}, ${database}`;
}

async function partnerCenterSignIn(config: RelayConfig, dependencies: RelayDependencies): Promise<CheckResult[]> {
  const check = "Partner Center sign-in";
  const results: CheckResult[] = [];
  const auth = config.partnerCenter.auth;
  if (auth?.kind === "device-code" && !dependencies.partnerCenterTokenProvider) {
    const status = await deviceCodeTokenProvider(auth).status();
    if (!status.signedIn) return [{ status: "fail", check, detail: "nobody is signed in", fix: 'run "cosell-relay auth login" as a user with the Referrals Admin role.' }];
    const lapses = status.refreshTokenExpiresBy ? `; unused, the refresh token lapses on ${status.refreshTokenExpiresBy.toISOString().slice(0, 10)} (${status.daysLeft} days)` : "";
    const soon = status.daysLeft !== undefined && status.daysLeft < REFRESH_TOKEN_WARNING_DAYS;
    results.push({
      status: status.daysLeft !== undefined && status.daysLeft < 0 ? "fail" : soon ? "warn" : "ok",
      check,
      detail: `signed in as ${status.username}${lapses}`,
      ...(soon ? { fix: 'keep the relay running (it renews the token as it works) or run "cosell-relay auth login" again.' } : {}),
    });
  }

  // The token the Referrals API gets: is it still valid, and for the expected partner tenant?
  const token = await tokenFor(dependencies, config);
  const claims = token ? readClaims(token) : undefined;
  if (claims?.exp !== undefined && auth?.kind === "static" && !dependencies.partnerCenterTokenProvider) {
    const hours = (claims.exp * 1000 - Date.now()) / 3_600_000;
    results.push(
      hours <= 0
        ? { status: "fail", check, detail: "the configured access token has expired", fix: "set COSELL_PC_ACCESS_TOKEN to a fresh token, or configure device-code sign-in." }
        : { status: hours < 24 ? "warn" : "ok", check, detail: `access token valid until ${new Date(claims.exp * 1000).toISOString()}`, ...(hours < 24 ? { fix: "a static token cannot renew itself; configure device-code sign-in for a lasting relay." } : {}) },
    );
  }
  if (dependencies.partnerCenterTokenProvider) results.push({ status: "ok", check, detail: "a token was issued for the Referrals API" });
  const expected = config.partnerCenter.partnerId;
  if (!expected) {
    results.push({ status: "skip", check: "Partner Center account", detail: "no expected partner id set", fix: "set COSELL_PC_PARTNER_ID to the Partner Center account (tenant) id to have it checked." });
  } else if (typeof claims?.tid !== "string") {
    results.push({ status: "warn", check: "Partner Center account", detail: "the token does not say which account it belongs to, so the partner id cannot be checked" });
  } else if (claims.tid.toLowerCase() === expected.toLowerCase()) {
    results.push({ status: "ok", check: "Partner Center account", detail: `signed in to partner account ${expected}` });
  } else {
    results.push({
      status: "fail",
      check: "Partner Center account",
      detail: `signed in to account ${claims.tid}, but COSELL_PC_PARTNER_ID expects ${expected}`,
      fix: 'sign in with a user of the expected partner account ("cosell-relay auth login"), or correct COSELL_PC_PARTNER_ID.',
    });
  }
  return results;
}

async function tokenFor(dependencies: RelayDependencies, config: RelayConfig): Promise<string | undefined> {
  if (dependencies.partnerCenterTokenProvider) return dependencies.partnerCenterTokenProvider.getToken(REFERRALS_AUDIENCE);
  const auth = config.partnerCenter.auth;
  if (auth?.kind === "static") return auth.token;
  if (auth?.kind === "device-code") return deviceCodeTokenProvider(auth).getToken(REFERRALS_AUDIENCE);
  return undefined;
}

function readClaims(token: string): { exp?: number; tid?: unknown } | undefined {
  try {
    return decodeJwt(token);
  } catch {
    // An opaque token: nothing to read.
    return undefined;
  }
}

async function referralsReachable(client: PartnerCenterClient): Promise<CheckResult[]> {
  const page = await client.referrals.pages({ top: 1 }).next();
  const count = page.value?.["@odata.count"];
  return [{ status: "ok", check: "Partner Center Referrals API", detail: typeof count === "number" ? `reachable; ${count} referral(s) visible to the signed-in user` : "reachable" }];
}

async function webhookRegistration(config: RelayConfig, client: PartnerCenterClient): Promise<CheckResult[]> {
  const check = "Partner Center webhook registration";
  const registration = await client.webhooks.getRegistration();
  if (!registration) return [{ status: "fail", check, detail: "Partner Center sends referral events nowhere", fix: 'run "cosell-relay webhooks register".' }];
  const missing = [...ReferralEventNames, TestEventName].filter((name) => !registration.webhookEvents.some((e) => e.toLowerCase() === name));
  if (!config.publicUrl) {
    return [{ status: "warn", check, detail: `events go to ${registration.webhookUrl}; whether that is this relay is unknown`, fix: "set COSELL_PUBLIC_URL to the relay's public address." }];
  }
  const ours = `${config.publicUrl}${PARTNER_CENTER_HOOK_PATH}`;
  if (!sameUrl(registration.webhookUrl, ours)) {
    return [{ status: "fail", check, detail: `events go to ${registration.webhookUrl}, not to this relay (${ours})`, fix: 'run "cosell-relay webhooks register --overwrite" if that URL is no longer in use.' }];
  }
  if (missing.length) return [{ status: "warn", check, detail: `${ours} is registered but does not receive ${missing.join(", ")}`, fix: 'run "cosell-relay webhooks register".' }];
  return [{ status: "ok", check, detail: `${ours} receives ${registration.webhookEvents.join(", ")}` }];
}

async function dataverseAccess(connection: DataverseConnection): Promise<CheckResult[]> {
  const me = await new DataverseRepository(connection).whoAmI();
  // Reading the tables the sync touches proves the role grants at least read, and that the solution's table exists.
  for (const [table, key] of [["opportunity", "opportunityid"], ["lead", "leadid"], [SolutionTable.logicalName, SolutionTable.primaryId]]) {
    try {
      await connection.webApi.retrieveMultipleRecords(table, `?$select=${key}&$top=1`);
    } catch (error) {
      throw new Error(`the application user ${me.userId} cannot read ${table}: ${message(error)}`);
    }
  }
  const results: CheckResult[] = [{ status: "ok", check: "Dataverse access", detail: `signed in as application user ${me.userId}; reads opportunities, leads and the solution catalog` }];
  try {
    const user = await connection.webApi.retrieveRecord("systemuser", me.userId, "?$select=fullname&$expand=systemuserroles_association($select=name)");
    const roles = ((user.systemuserroles_association as { name?: string }[] | undefined) ?? []).map((role) => role.name).filter(Boolean);
    results.push(
      roles.length
        ? { status: "ok", check: "Dataverse security roles", detail: roles.join(", ") }
        : { status: "warn", check: "Dataverse security roles", detail: "the application user has no security role", fix: "give the relay's application user a role with read/write on opportunities, leads, accounts, contacts and co-sell solutions, and the Act on Behalf of Another User privilege." },
    );
  } catch (error) {
    results.push({ status: "warn", check: "Dataverse security roles", detail: `could not be read (${message(error)})` });
  }
  return results;
}

async function environmentVariables(config: RelayConfig, connection: DataverseConnection): Promise<CheckResult[]> {
  const check = "Dataverse environment variables";
  const values = await dataversePort(new DataverseRepository(connection)).environmentValues();
  const defined = new Set(Object.keys(values).map((key) => key.toLowerCase()));
  const missing = Object.values(EnvironmentVariables).filter((v) => !defined.has(v.schemaName.toLowerCase())).map((v) => v.schemaName);
  if (missing.length) {
    return [{ status: "fail", check, detail: `${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not defined in this environment`, fix: "import the co-sell solution into the environment." }];
  }
  const parsed = parseSyncConfig(values);
  if (!parsed.ok) return parsed.errors.map((issue) => ({ status: "fail" as const, check, detail: `${issue.variable}: ${issue.message}`, fix: issue.fix }));
  const results: CheckResult[] = [{ status: "ok", check, detail: `all ${Object.keys(EnvironmentVariables).length} valid (deal value field ${parsed.config.dealValueField}, country code field ${parsed.config.countryCodeField})` }];
  const relayUrl = EnvironmentVariables.relayUrl.schemaName;
  if (!parsed.config.relayUrl) {
    results.push({ status: "warn", check, detail: `${relayUrl} is empty, so the form cannot call the relay`, fix: `set its current value to ${config.publicUrl ?? "the relay's public address"}.` });
  } else if (config.publicUrl && !sameUrl(parsed.config.relayUrl, config.publicUrl)) {
    results.push({ status: "warn", check, detail: `${relayUrl} is ${parsed.config.relayUrl}, not this relay (${config.publicUrl})`, fix: `set its current value to ${config.publicUrl}, unless another relay serves this environment.` });
  }
  return results;
}

async function dataverseWebhook(config: RelayConfig, connection: DataverseConnection): Promise<CheckResult[]> {
  const check = "Dataverse webhook";
  const fix = 'run "cosell-relay dataverse register-webhook".';
  if (!config.publicUrl) return [{ status: "skip", check, detail: "COSELL_PUBLIC_URL is not set, so the registration cannot be matched" }];
  const ours = `${config.publicUrl}${DATAVERSE_HOOK_PATH}`;
  const webhook = (await listWebhooks(connection)).find((candidate) => sameUrl(candidate.url, ours));
  const later = `changes reach Partner Center only through the reconcile sweep (every ${config.queue.reconcileEveryMinutes} minutes)`;
  if (!webhook) return [{ status: "warn", check, detail: `no service endpoint posts to ${ours}; ${later}`, fix }];
  const endpoint = `service endpoint "${webhook.name}"`;
  if (!webhook.headerAuthentication) {
    return [{ status: "warn", check, detail: `${endpoint} posts to ${ours} without the shared secret in an HTTP header, so the relay refuses its notifications; ${later}`, fix }];
  }

  const parsed = parseSyncConfig(await dataversePort(new DataverseRepository(connection)).environmentValues());
  const wanted = relayWebhookSteps(parsed.ok ? parsed.config : DEFAULT_SYNC_CONFIG);
  const missing = missingWebhookSteps(wanted, webhook.steps);
  const results: CheckResult[] = [];
  const needed = missing.filter(({ step }) => !step.optional).map(({ problem }) => problem);
  const optional: string[] = [];
  const unsupported: string[] = [];
  for (const { step, problem } of missing.filter(({ step }) => step.optional)) {
    if (await supportsStep(connection, step)) optional.push(problem);
    else unsupported.push(describeStep(step));
  }
  const gaps = [...needed, ...optional];
  results.push(
    gaps.length
      ? { status: "warn", check, detail: `${endpoint} posts to ${ours}, but ${gaps.join("; ")}: those changes wait for the reconcile sweep`, fix }
      : { status: "ok", check, detail: `${endpoint} posts to ${ours} (${webhook.steps.filter((step) => step.enabled).length} steps)` },
  );
  if (unsupported.length) {
    results.push({ status: "skip", check, detail: `this environment runs no ${unsupported.join(" or ")} steps; won and lost opportunities sync at the next reconcile sweep` });
  }
  return results;
}

async function jobQueue(config: RelayConfig): Promise<CheckResult[]> {
  const check = "Job queue";
  let storage;
  try {
    storage = await openStorage(config, "cosell-relay doctor");
  } catch (error) {
    if (error instanceof DataDirBusyError) {
      return [{ status: "skip", check, detail: `the relay (process ${error.holder.pid}) has the database open; its /metrics shows cosell_dead_letters` }];
    }
    throw error;
  }
  try {
    const queue = await startQueue(storage.db, config.queue);
    try {
      const letters = await queue.deadLetters();
      return [
        letters.length
          ? { status: "warn", check, detail: `${letters.length} dead-lettered job(s) in ${storage.location}`, fix: 'see "cosell-relay dead-letter list", fix the cause, then "cosell-relay dead-letter retry --all".' }
          : { status: "ok", check, detail: `database reachable (${storage.location}); no dead letters` },
      ];
    } finally {
      await queue.stop();
    }
  } finally {
    await storage.close();
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
