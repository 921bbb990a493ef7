/**
 * `npm start -- [flags]`: where the sandbox listens and keeps its data. Every port has a fixed
 * default (so bookmarks keep working) that a flag or an environment variable overrides.
 */
import path from "node:path";
import { parseArgs } from "node:util";

export const SERVICES = ["harness", "partnerCenter", "dataverse", "relay", "identity"] as const;
export type Service = (typeof SERVICES)[number];

/** What each service is called in messages, its flag and its environment variable. */
export const SERVICE_INFO: Record<Service, { title: string; flag: string; env: string; defaultPort: number }> = {
  harness: { title: "form harness", flag: "harness-port", env: "COSELL_SANDBOX_HARNESS_PORT", defaultPort: 4400 },
  partnerCenter: { title: "Partner Center emulator", flag: "partner-center-port", env: "COSELL_SANDBOX_PARTNER_CENTER_PORT", defaultPort: 4401 },
  dataverse: { title: "Dataverse emulator", flag: "dataverse-port", env: "COSELL_SANDBOX_DATAVERSE_PORT", defaultPort: 4402 },
  relay: { title: "relay", flag: "relay-port", env: "COSELL_SANDBOX_RELAY_PORT", defaultPort: 4403 },
  identity: { title: "identity stand-in", flag: "identity-port", env: "COSELL_SANDBOX_IDENTITY_PORT", defaultPort: 4404 },
};

export interface SandboxOptions {
  /** Port per service; 0 picks a free one (tests). */
  ports: Record<Service, number>;
  /** Where the sandbox keeps its data between starts (the emulators' state, the relay's database). */
  dataDir: string;
  /** Delete the kept data first and start from the sample data. */
  reset: boolean;
  /** Build the solution first when the packed zip is missing or older than its sources. */
  build: boolean;
  /** Relay log level (pino); the sandbox prints its own summary lines regardless. */
  relayLogLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /**
   * Which Dynamics 365 environment to run: each has its own Dataverse and relay database, and all
   * share the one Partner Center emulator, as a partner's staging and production orgs share its
   * Partner Center account (PRODUCT.md §6 scenario 7).
   */
  environment: string;
}

export const DEFAULT_ENVIRONMENT = "sandbox";
/** Becomes part of the organization's name and a folder name, so it is kept to what both allow. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,23}$/;

export const USAGE = `Usage: npm start -- [options]

  --no-build                    use the built files as they are (do not run "npm run build")
  --reset                       delete the data kept from earlier starts and begin from the sample data
  --data-dir <dir>              where the sandbox keeps its data (default .data, env COSELL_SANDBOX_DATA_DIR)
  --environment <name>          the Dynamics 365 environment to run, e.g. staging or production: each has its
                                own Dataverse data and relay database, all share one Partner Center
                                (default ${DEFAULT_ENVIRONMENT}, env COSELL_SANDBOX_ENVIRONMENT)
${SERVICES.map((s) => `  --${SERVICE_INFO[s].flag} <port>`.padEnd(32) + `${SERVICE_INFO[s].title} (default ${SERVICE_INFO[s].defaultPort}, env ${SERVICE_INFO[s].env})`).join("\n")}
  --relay-log-level <level>     fatal, error, warn, info, debug, trace or silent (default warn)
  --help                        show this text`;

export class UsageError extends Error {
  override readonly name = "UsageError";
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

export function parseSandboxArguments(argv: string[], env: NodeJS.ProcessEnv, cwd: string): SandboxOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        "no-build": { type: "boolean", default: false },
        reset: { type: "boolean", default: false },
        "data-dir": { type: "string" },
        environment: { type: "string" },
        "relay-log-level": { type: "string" },
        help: { type: "boolean", default: false },
        ...Object.fromEntries(SERVICES.map((s) => [SERVICE_INFO[s].flag, { type: "string" as const }])),
      },
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${USAGE}`);
  }
  if (values.help) return "help";

  const ports = {} as Record<Service, number>;
  for (const service of SERVICES) {
    const info = SERVICE_INFO[service];
    const fromFlag = (values as Record<string, unknown>)[info.flag] as string | undefined;
    const raw = fromFlag ?? env[info.env];
    ports[service] = raw === undefined || raw.trim() === "" ? info.defaultPort : parsePort(raw, fromFlag !== undefined ? `--${info.flag}` : info.env);
  }
  const taken = new Map<number, Service>();
  for (const service of SERVICES) {
    const port = ports[service];
    const other = taken.get(port);
    if (port !== 0 && other) {
      throw new UsageError(`The ${SERVICE_INFO[service].title} and the ${SERVICE_INFO[other].title} cannot both use port ${port}; give one of them another port.`);
    }
    taken.set(port, service);
  }

  const level = (values["relay-log-level"] as string | undefined) ?? "warn";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(`--relay-log-level must be one of ${LOG_LEVELS.join(", ")}, not "${level}".`);
  }
  const dataDir = (values["data-dir"] as string | undefined) ?? env.COSELL_SANDBOX_DATA_DIR ?? ".data";
  const environment = (values.environment as string | undefined) ?? env.COSELL_SANDBOX_ENVIRONMENT ?? DEFAULT_ENVIRONMENT;
  if (!ENVIRONMENT_NAME.test(environment)) {
    throw new UsageError(`--environment must be a short name in lower-case letters, digits and hyphens that starts with a letter (such as staging or production), not "${environment}".`);
  }
  return {
    ports,
    dataDir: path.resolve(cwd, dataDir),
    reset: values.reset === true,
    build: values["no-build"] !== true,
    relayLogLevel: level as SandboxOptions["relayLogLevel"],
    environment,
  };
}

function parsePort(raw: string, where: string): number {
  const port = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${where} must be a port number from 1 to 65535 (or 0 for any free port), not "${raw}".`);
  }
  return port;
}
