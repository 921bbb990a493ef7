/**
 * The `cosell-relay` command. Each command group lives in its own file and is added here.
 */
import { Command, CommanderError } from "commander";
import { authCommand } from "./auth";
import { backfillCommand } from "./backfill";
import { catalogCommand } from "./catalog";
import { CatalogFileError } from "./catalog-file";
import { CliFailure, consoleIo, type CliContext, type CliDependencies } from "./context";
import { dataverseCommand } from "./dataverse";
import { deadLetterCommand } from "./dead-letter";
import { doctorCommand } from "./doctor";
import { startCommand } from "./start";
import { syncCommand } from "./sync";
import { webhooksCommand } from "./webhooks";
import { ConfigError } from "../config/load";
import { DataDirBusyError } from "../composition/data-dir-lock";
import { DataverseError } from "../dataverse/errors";
import { InvalidWebhookError } from "../dataverse/webhooks";
import { sleep } from "../partner-center/retry";
import { PartnerCenterError } from "../partner-center/errors";
import { SignInRequiredError } from "../partner-center/device-code-token-provider";
import { TokenCacheError } from "../partner-center/token-cache";

export function buildProgram(dependencies: CliDependencies = {}): Command {
  const context: CliContext = {
    io: dependencies.io ?? consoleIo,
    env: dependencies.env ?? process.env,
    sleep: dependencies.sleep ?? ((ms) => sleep(ms)),
    dependencies,
  };
  const program = new Command("cosell-relay")
    .description("Keeps Partner Center referrals and Dynamics 365 opportunities in sync.")
    .option("--config <file>", "JSON config file (default: COSELL_CONFIG); secrets stay in the environment or COSELL_SECRETS_FILE")
    .option("--partner-center-url <url>", "one origin serving both Partner Center APIs (e.g. the emulator)")
    .option("--public-url <url>", "the relay's public https address, e.g. https://relay.contoso.com")
    .option("--client-id <id>", "Entra ID application (client) id used to sign in to Partner Center")
    .option("--tenant-id <id>", "Entra ID tenant of the Partner Center account")
    .exitOverride()
    .configureOutput({ writeOut: (text) => context.io.out(text.trimEnd()), writeErr: (text) => context.io.err(text.trimEnd()) });

  const groups = [
    startCommand(context),
    doctorCommand(context),
    webhooksCommand(context),
    authCommand(context),
    dataverseCommand(context),
    backfillCommand(context),
    catalogCommand(context),
    syncCommand(context),
    deadLetterCommand(context),
  ];
  for (const group of groups) {
    program.addCommand(group.exitOverride());
  }
  return program;
}

/** Runs one command line (without the node and script arguments) and returns the exit code. */
export async function runCli(args: string[], dependencies: CliDependencies = {}): Promise<number> {
  const io = dependencies.io ?? consoleIo;
  try {
    await buildProgram({ ...dependencies, io }).parseAsync(args, { from: "user" });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof CliFailure) {
      io.err(error.message);
      return error.exitCode;
    }
    if (
      error instanceof ConfigError ||
      error instanceof CatalogFileError ||
      error instanceof DataDirBusyError ||
      error instanceof DataverseError ||
      error instanceof InvalidWebhookError ||
      error instanceof PartnerCenterError ||
      error instanceof SignInRequiredError ||
      error instanceof TokenCacheError
    ) {
      io.err(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = 1;
    },
  );
}
