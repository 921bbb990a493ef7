/**
 * `cosell-relay webhooks show|register|test`: point the tenant's single Partner Center webhook
 * registration at this relay and prove that deliveries arrive (partner-center-api.md §4.1).
 */
import { ReferralEventNames, TestEventName } from "@cosell/core";
import { Command, InvalidArgumentError, Option } from "commander";
import type { RelayConfig } from "../config/schema";
import type { PartnerCenterClient } from "../partner-center/client";
import type { ValidationEventAttempt, WebhookRegistration } from "../partner-center/types";
import { PARTNER_CENTER_HOOK_PATH } from "../webhooks/fastify";
import { CliFailure, type CliContext } from "./context";
import { partnerCenterFor, relayConfigFor, requirePublicUrl } from "./relay-config";
import { sameUrl } from "./urls";

/** The events the relay acts on (§4.2), plus the one `webhooks test` needs. */
export const REFERRAL_EVENTS = ReferralEventNames;
export const TEST_EVENT = TestEventName;
export const RELAY_EVENTS: readonly string[] = [...REFERRAL_EVENTS, TEST_EVENT];

/** Status names Partner Center reports once a test event is done with; anything else is still going. */
const FINISHED_STATUSES = new Set(["completed", "complete", "succeeded", "failed", "error"]);
const SUCCESS_CODE_NAMES = new Set(["ok", "created", "accepted", "nocontent", "nonauthoritativeinformation", "resetcontent", "partialcontent"]);

export function webhookUrlFor(publicUrl: string): string {
  return publicUrl.replace(/\/+$/, "") + PARTNER_CENTER_HOOK_PATH;
}

export function webhooksCommand(context: CliContext): Command {
  const webhooks = new Command("webhooks").description("Show, register and test the Partner Center webhook registration that feeds this relay.");

  webhooks
    .command("show")
    .description("Print the tenant's current webhook registration.")
    .action(async (_options, command: Command) => {
      const config = relayConfigFor(command, context);
      const registration = await partnerCenterFor(config, context).webhooks.getRegistration();
      if (!registration) {
        context.io.out("No webhook registration exists for this Partner Center account.");
        context.io.out('Run "cosell-relay webhooks register" to send referral events to this relay.');
        return;
      }
      printRegistration(context, registration, config.publicUrl ? webhookUrlFor(config.publicUrl) : undefined);
    });

  webhooks
    .command("register")
    .description(`Register ${RELAY_EVENTS.join(", ")} for <public-url>${PARTNER_CENTER_HOOK_PATH}.`)
    .option("--overwrite", "replace a registration that sends events to another URL")
    .addOption(
      new Option("--signature-header <header>", "where Partner Center puts the signature").choices(["authorization", "x-ms-signature"]),
    )
    .action(async (options: { overwrite?: boolean; signatureHeader?: string }, command: Command) => {
      const config = relayConfigFor(command, context);
      await register(context, config, options);
    });

  webhooks
    .command("test")
    .description("Ask Partner Center to send a test event to the registered URL and follow its delivery.")
    .option("--timeout <seconds>", "how long to follow the delivery", positiveNumber, 120)
    .option("--interval <seconds>", "pause between status checks", positiveNumber, 5)
    .action(async (options: { timeout: number; interval: number }, command: Command) => {
      const config = relayConfigFor(command, context);
      await test(context, config, options);
    });

  return webhooks;
}

async function register(context: CliContext, config: RelayConfig, options: { overwrite?: boolean; signatureHeader?: string }) {
  const ours = webhookUrlFor(requirePublicUrl(config));
  const client = partnerCenterFor(config, context);

  const offered = new Set((await client.webhooks.listEventTypes()).map((name) => name.toLowerCase()));
  const unavailable = RELAY_EVENTS.filter((name) => !offered.has(name));
  if (unavailable.length) {
    throw new CliFailure(
      `Partner Center does not offer ${unavailable.join(", ")} to this account, so the relay cannot be told about referral changes. ` +
        "Check that the account has co-sell referrals enabled and that the signed-in user holds a Referrals role.",
    );
  }

  const current = await client.webhooks.getRegistration();
  const msHeader = options.signatureHeader === undefined ? current?.signatureTokenToMsSignatureHeader : options.signatureHeader === "x-ms-signature";

  if (!current) {
    const created = await client.webhooks.register({ webhookUrl: ours, webhookEvents: [...RELAY_EVENTS], signatureTokenToMsSignatureHeader: msHeader });
    context.io.out(`Registered ${ours} for ${created.webhookEvents.join(", ")}.`);
    return;
  }

  if (sameUrl(current.webhookUrl, ours)) {
    // Our own registration: add what is missing and keep events someone added on purpose.
    const events = union(current.webhookEvents, RELAY_EVENTS);
    if (events.length === current.webhookEvents.length && msHeader === current.signatureTokenToMsSignatureHeader) {
      context.io.out(`Already registered: ${ours} receives ${current.webhookEvents.join(", ")}. Nothing to change.`);
      return;
    }
    const updated = await client.webhooks.replaceRegistration({ webhookUrl: ours, webhookEvents: events, signatureTokenToMsSignatureHeader: msHeader });
    context.io.out(`Updated the registration of ${ours}: it now receives ${updated.webhookEvents.join(", ")}.`);
    return;
  }

  if (!options.overwrite) {
    throw new CliFailure(
      [
        `Partner Center already sends this account's webhook events to ${current.webhookUrl}`,
        `(events: ${current.webhookEvents.join(", ") || "none"}).`,
        "A Partner Center account has one webhook URL; registering this relay would stop deliveries there",
        "(for example to the Microsoft co-sell connector, or to another environment of this relay).",
        `If that URL is no longer in use, run "cosell-relay webhooks register --overwrite" to send the events to ${ours} instead.`,
      ].join("\n"),
    );
  }
  const replaced = await client.webhooks.replaceRegistration({ webhookUrl: ours, webhookEvents: [...RELAY_EVENTS], signatureTokenToMsSignatureHeader: msHeader });
  context.io.out(`Replaced the registration of ${current.webhookUrl} (events: ${current.webhookEvents.join(", ") || "none"}).`);
  context.io.out(`Registered ${ours} for ${replaced.webhookEvents.join(", ")}.`);
}

async function test(context: CliContext, config: RelayConfig, options: { timeout: number; interval: number }) {
  const client = partnerCenterFor(config, context);
  const registration = await client.webhooks.getRegistration();
  if (!registration) throw new CliFailure('No webhook registration exists yet; run "cosell-relay webhooks register" first.');
  if (!registration.webhookEvents.some((name) => name.toLowerCase() === TEST_EVENT)) {
    throw new CliFailure(`The registration does not include ${TEST_EVENT}, which test events need; run "cosell-relay webhooks register" to add it.`);
  }
  if (config.publicUrl && !sameUrl(registration.webhookUrl, webhookUrlFor(config.publicUrl))) {
    context.io.out(`Note: the test event goes to ${registration.webhookUrl}, which is not this relay (${webhookUrlFor(config.publicUrl)}).`);
  }

  const { correlationId } = await client.webhooks.sendTestEvent();
  context.io.out(`Test event ${correlationId} sent to ${registration.webhookUrl}; following its delivery…`);
  const attempts = await followDelivery(context, client, correlationId, options);
  if (attempts.some(isSuccess)) {
    context.io.out("Delivered: the relay accepted the test event.");
    return;
  }
  const last = attempts.at(-1);
  throw new CliFailure(
    last
      ? `Partner Center could not deliver the test event: the last attempt got ${describeAttempt(last)}. Check that ${registration.webhookUrl} is reachable from the internet and that the relay is running.`
      : `Partner Center made no delivery attempt within ${options.timeout} s. Run "cosell-relay webhooks test" again later, or check the status of ${correlationId}.`,
  );
}

async function followDelivery(
  context: CliContext,
  client: PartnerCenterClient,
  correlationId: string,
  options: { timeout: number; interval: number },
): Promise<ValidationEventAttempt[]> {
  const polls = Math.max(1, Math.ceil(options.timeout / options.interval));
  let printed = 0;
  let attempts: ValidationEventAttempt[] = [];
  let status = "unknown";
  for (let poll = 0; poll < polls; poll++) {
    await context.sleep(options.interval * 1000);
    const current = await client.webhooks.getTestEventStatus(correlationId);
    attempts = current.results;
    status = current.status;
    for (; printed < attempts.length; printed++) context.io.out(`  attempt ${printed + 1}: ${describeAttempt(attempts[printed])}`);
    if (FINISHED_STATUSES.has(status.toLowerCase()) || attempts.some(isSuccess)) return attempts;
  }
  context.io.out(`The delivery is still "${status}" after ${options.timeout} s.`);
  return attempts;
}

function printRegistration(context: CliContext, registration: WebhookRegistration, ours: string | undefined) {
  const mine = ours === undefined ? "" : sameUrl(registration.webhookUrl, ours) ? " (this relay)" : ` (not this relay: ${ours})`;
  context.io.out(`Webhook registration${registration.subscriberId ? ` ${registration.subscriberId}` : ""}:`);
  context.io.out(`  URL:              ${registration.webhookUrl}${mine}`);
  context.io.out(`  Events:           ${registration.webhookEvents.join(", ") || "none"}`);
  context.io.out(`  Signature header: ${registration.signatureTokenToMsSignatureHeader ? "x-ms-signature" : "Authorization"}`);
  const missing = RELAY_EVENTS.filter((name) => !registration.webhookEvents.some((e) => e.toLowerCase() === name));
  if (missing.length) context.io.out(`  Missing for the relay: ${missing.join(", ")} (run "cosell-relay webhooks register").`);
}

function describeAttempt(attempt: ValidationEventAttempt): string {
  const parts = [attempt.responseCode || "no response"];
  if (attempt.responseMessage) parts.push(`"${attempt.responseMessage}"`);
  if (attempt.systemError) parts.push("(Partner Center system error)");
  if (attempt.dateTimeUtc) parts.push(`at ${attempt.dateTimeUtc}`);
  return parts.join(" ");
}

function isSuccess(attempt: ValidationEventAttempt): boolean {
  const code = attempt.responseCode.trim();
  return /^2\d\d$/.test(code) || SUCCESS_CODE_NAMES.has(code.toLowerCase());
}

function union(existing: string[], wanted: readonly string[]): string[] {
  const result = [...existing];
  for (const name of wanted) if (!result.some((e) => e.toLowerCase() === name)) result.push(name);
  return result;
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError("Expected a positive number of seconds.");
  return number;
}
