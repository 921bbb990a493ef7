/**
 * Runs the Dataverse emulator standalone:
 *   npm run emulator:dataverse -- [--port 5555] [--solution <folder|zip>]... [--sample-data]
 * With no --solution, the repository's solution/ folder is imported when it exists.
 * An app registration `cosell-relay-local` is allowed in as an application user; its client
 * secret is DATAVERSE_EMULATOR_CLIENT_SECRET (default "local-development-secret", local use only).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { startDataverseEmulator } from "./emulator";
import { createTestIdentity } from "../../identity/src";

const LOCAL_CLIENT_ID = "cosell-relay-local";
const LOCAL_CLIENT_SECRET = process.env.DATAVERSE_EMULATOR_CLIENT_SECRET ?? "local-development-secret";

function portNumber(raw: string, source: string): number {
  const port = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${source} must be a port number (0-65535), not '${raw}'.`);
  return port;
}

function parseArguments(argv: string[]) {
  const options = { port: portNumber(process.env.DATAVERSE_EMULATOR_PORT ?? "5555", "DATAVERSE_EMULATOR_PORT"), solutions: [] as string[], sampleData: false };
  const valueAfter = (flag: string, i: number): string => {
    const value = argv[i];
    if (value === undefined || value.startsWith("--")) throw new Error(`${flag} needs a value, e.g. ${flag === "--port" ? "--port 5555" : "--solution ./solution"}.`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--port") options.port = portNumber(valueAfter(argument, ++i), "--port");
    else if (argument === "--solution") options.solutions.push(path.resolve(valueAfter(argument, ++i)));
    else if (argument === "--sample-data") options.sampleData = true;
    else throw new Error(`Unknown argument '${argument}'. Use --port <n>, --solution <folder|zip> (repeatable), --sample-data.`);
  }
  const repositorySolution = path.resolve(__dirname, "../../../solution");
  if (options.solutions.length === 0 && existsSync(path.join(repositorySolution, "Other", "Solution.xml"))) options.solutions.push(repositorySolution);
  return options;
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const identity = await createTestIdentity({ apps: [{ clientId: LOCAL_CLIENT_ID, clientSecret: LOCAL_CLIENT_SECRET }] });
  // Created here (rather than by the emulator) so the local app registration can be added.
  const emulator = await startDataverseEmulator({ ...options, identity, serveIdentity: true, applicationUsers: [{ clientId: LOCAL_CLIENT_ID, name: "Co-sell relay (local)" }] });
  const lines = [
    `Dataverse Web API emulator listening on ${emulator.url}`,
    `  Service root:   ${emulator.apiUrl}`,
    `  Solutions:      ${options.solutions.length > 0 ? options.solutions.join(", ") : "(none)"}`,
    `  Sample data:    ${options.sampleData ? "yes" : "no (start with --sample-data)"}`,
    `Get an app-only token (client credentials):`,
    `  curl -s -X POST ${identity.tokenEndpoint} -d grant_type=client_credentials -d client_id=${LOCAL_CLIENT_ID} -d client_secret="$DATAVERSE_EMULATOR_CLIENT_SECRET" -d scope=${emulator.environmentUrl}/.default`,
    `  (client secret: DATAVERSE_EMULATOR_CLIENT_SECRET, default documented in emulators/dataverse/src/main.ts)`,
    `Then: curl -H "Authorization: Bearer <access_token>" "${emulator.apiUrl}WhoAmI()"`,
  ];
  console.log(lines.join("\n"));
  const shutdown = () => void emulator.stop().then(() => process.exit(0));
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
