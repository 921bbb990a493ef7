/**
 * `cosell-relay start`: runs the relay until SIGINT or SIGTERM, then stops gracefully (no new
 * requests, running jobs finish, the database is closed). A second Ctrl+C quits at once.
 */
import { Command } from "commander";
import { createRelay } from "../app";
import { DATAVERSE_HOOK_PATH } from "../http/dataverse-hook";
import { PARTNER_CENTER_HOOK_PATH } from "../webhooks/fastify";
import type { CliContext } from "./context";
import { relayConfigFor, relayDependenciesFor } from "./relay-config";

export function startCommand(context: CliContext): Command {
  return new Command("start").description("Run the relay: webhooks in, sync jobs, the form's API, health and metrics.").action(async (_options, command: Command) => {
    const config = relayConfigFor(command, context);
    const relay = await createRelay(config, relayDependenciesFor(context));
    const url = await relay.start();
    const base = config.publicUrl ?? url;
    context.io.out(`Relay listening on ${url}`);
    context.io.out(`  Partner Center webhook: ${base}${PARTNER_CENTER_HOOK_PATH}`);
    context.io.out(`  Dataverse webhook:      ${base}${DATAVERSE_HOOK_PATH}`);
    context.io.out(`  Form API:               ${base}/api/v1`);
    context.io.out(`  Health and metrics:     ${url}/healthz, ${url}/readyz, ${url}/metrics`);

    const signal = await untilStopSignal();
    context.io.out(`${signal} received: stopping after the running jobs finish (press Ctrl+C again to quit at once).`);
    await relay.stop();
    context.io.out("Relay stopped.");
  });
}

function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve(signal);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
