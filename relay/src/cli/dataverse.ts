/**
 * `cosell-relay dataverse register-webhook`: the service endpoint (HttpHeader authentication with
 * the relay's shared secret) and the steps that post opportunity and lead changes to the relay at
 * once, instead of at the next reconcile sweep. Running it again updates what it registered before.
 */
import { parseSyncConfig, type SyncConfig } from "@cosell/core";
import { Command } from "commander";
import { dataverseConnection } from "../composition/parts";
import { requireSections } from "../config/require";
import type { RelayConfig } from "../config/schema";
import type { DataverseConnection } from "../dataverse/connection";
import { DataverseRepository } from "../dataverse/repository";
import { listWebhooks, registerWebhook, type WebhookStep } from "../dataverse/webhooks";
import { DATAVERSE_HOOK_PATH } from "../http/dataverse-hook";
import { dataversePort } from "../sync/adapters/dataverse";
import { describeStep, RELAY_WEBHOOK_NAME, relayWebhookSteps } from "../sync/webhook-steps";
import { CliFailure, type CliContext } from "./context";
import { relayConfigFor, relayDependenciesFor, requirePublicUrl } from "./relay-config";
import { sameUrl } from "./urls";

interface RegisterOptions {
  name: string;
  overwrite?: boolean;
}

export function dataverseCommand(context: CliContext): Command {
  const dataverse = new Command("dataverse").description("Set up the Dataverse side of the relay.");

  dataverse
    .command("register-webhook")
    .description(`Register the service endpoint and steps that post opportunity and lead changes to <public-url>${DATAVERSE_HOOK_PATH}.`)
    .option("--name <name>", "name of the service endpoint (its steps are named after it)", RELAY_WEBHOOK_NAME)
    .option("--overwrite", "move an endpoint of that name that posts to another URL")
    .action(async (options: RegisterOptions, command: Command) => {
      const config = requireSections(relayConfigFor(command, context), ["dataverse", "dataverseWebhook"]);
      const url = `${requirePublicUrl(config)}${DATAVERSE_HOOK_PATH}`;
      const dependencies = relayDependenciesFor(context, config);
      const connection = dataverseConnection(config.dataverse, dependencies, dependencies.logger);

      const existing = (await listWebhooks(connection)).find((webhook) => webhook.name.toLowerCase() === options.name.toLowerCase());
      if (existing && !sameUrl(existing.url, url) && !options.overwrite) {
        throw new CliFailure(
          [
            `The service endpoint "${existing.name}" already posts to ${existing.url}, which is not this relay (${url}).`,
            "That may be another environment's relay: moving the endpoint would stop its notifications.",
            `Run "cosell-relay dataverse register-webhook --overwrite" to move it here, or pass --name to register a second endpoint.`,
          ].join("\n"),
        );
      }

      const steps = relayWebhookSteps(await syncConfig(connection));
      const result = await registerWebhook(connection, {
        name: options.name,
        url,
        secret: { header: config.dataverseWebhook.header, value: config.dataverseWebhook.secret },
        steps,
      });
      context.io.out(`Service endpoint "${options.name}" posts to ${url}, with the shared secret in the ${config.dataverseWebhook.header} header.`);
      if (result.previousUrl) context.io.out(`  It posted to ${result.previousUrl} before.`);
      const skipped = new Set((result.skipped ?? []).map((s) => s.step));
      for (const step of steps.filter((s) => !skipped.has(s))) context.io.out(`  Step: ${describeStepColumns(step)}`);
      for (const { step, reason } of result.skipped ?? []) {
        context.io.out(`  Not registered: ${describeStep(step)}. ${reason} ${reconcileNote(config)}`);
      }
    });

  return dataverse;
}

/** The environment's connector settings (the deal value column is one of the watched columns). */
async function syncConfig(connection: DataverseConnection): Promise<SyncConfig> {
  const parsed = parseSyncConfig(await dataversePort(new DataverseRepository(connection)).environmentValues());
  if (!parsed.ok) {
    const problems = parsed.errors.map((issue) => `  ${issue.variable}: ${issue.message} ${issue.fix}`);
    throw new CliFailure(`The co-sell environment variables have problems, so the columns to watch are unknown:\n${problems.join("\n")}\nFix them, then run this command again.`);
  }
  return parsed.config;
}

function describeStepColumns(step: WebhookStep): string {
  return step.filteringAttributes ? `${describeStep(step)}, when ${step.filteringAttributes.join(", ")} change` : describeStep(step);
}

function reconcileNote(config: RelayConfig): string {
  return config.queue.reconcileEveryMinutes > 0
    ? `Such changes reach Partner Center through the reconcile sweep instead (every ${config.queue.reconcileEveryMinutes} minutes).`
    : "Such changes reach Partner Center only through a reconcile sweep, which is switched off (COSELL_RECONCILE_MINUTES=0).";
}
