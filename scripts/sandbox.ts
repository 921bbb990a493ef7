/**
 * `npm start`: the co-sell connector working on one machine, no Microsoft account needed
 * (PRODUCT.md §5). Builds what is missing, starts the emulators, the relay and the form harness,
 * prints where they are, and runs until Ctrl+C.
 */
import { startSandbox } from "./sandbox/index";
import { parseSandboxArguments, USAGE, UsageError } from "./sandbox/options";
import { PortInUseError } from "./sandbox/ports";
import { fullName, SELLER } from "./sandbox/users";

async function main(): Promise<void> {
  const options = parseSandboxArguments(process.argv.slice(2), process.env, process.cwd());
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  console.log("Starting the co-sell connector sandbox …");
  const sandbox = await startSandbox(options);
  const { urls } = sandbox;
  const lines = [
    "",
    `The sandbox is running: environment ${sandbox.environment.organization}, solution CoSellConnector ${sandbox.solutionVersion} (managed).`,
    "",
    `  Form harness             ${urls.harness}/`,
    `  Partner Center emulator  ${urls.partnerCenter}/`,
    `  Relay health             ${urls.relay}/readyz`,
    `  Dataverse Web API        ${urls.dataverse}/api/data/v9.2/`,
    `  Identity (Entra ID)      ${urls.identity}/${sandbox.identity.identity.tenantId}/v2.0/.well-known/openid-configuration`,
    "",
    `You are ${fullName(SELLER)} (${SELLER.upn}), a seller. Open a deal in the harness, turn on "Sync with Partner Center",`,
    "and watch the referral appear on the Partner Center emulator's page; act as Microsoft there and watch the form update.",
    `Your changes are kept in ${options.dataDir} for the next start; "npm start -- --reset" begins again from the sample data.`,
    "",
    "Press Ctrl+C to stop.",
  ];
  console.log(lines.join("\n"));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the sandbox …`);
    sandbox.stop().then(
      () => {
        console.log("Stopped.");
        process.exit(0);
      },
      (error: Error) => {
        console.error(`The sandbox did not stop cleanly: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof PortInUseError) console.error(error.message);
  else console.error(`The sandbox could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
