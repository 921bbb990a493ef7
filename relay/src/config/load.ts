/**
 * Reads the relay's settings from, lowest to highest precedence: the JSON config file
 * (`--config` / COSELL_CONFIG), the secrets file (COSELL_SECRETS_FILE), the environment, and
 * command-line flags. Every value is checked before anything starts, and all problems found are
 * reported together.
 */
import { readFileSync } from "node:fs";
import type { z } from "zod";
import { configSchema, type RelayConfig } from "./schema";
import { CONFIG_FILE_ENV, SECRETS_FILE_ENV, SETTINGS as TABLE, describeSetting, settingAt, type Setting } from "./settings";

const SETTINGS: readonly Setting[] = TABLE;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export interface ConfigSources {
  env?: NodeJS.ProcessEnv;
  /** Path of the JSON config file; default COSELL_CONFIG. */
  configFile?: string;
  /** Values from command-line flags, by setting path (e.g. `{ publicUrl: "https://…" }`). */
  overrides?: Record<string, unknown>;
}

type Nested = Record<string, unknown>;

export function loadConfig(sources: ConfigSources = {}): RelayConfig {
  const env = sources.env ?? process.env;
  const values = new Map<string, unknown>();

  const configFile = sources.configFile ?? nonEmpty(env[CONFIG_FILE_ENV]);
  if (configFile) {
    for (const [path, value] of readConfigFile(configFile)) values.set(path, value);
  }
  const secretsFile = nonEmpty(env[SECRETS_FILE_ENV]);
  if (secretsFile) {
    for (const [path, value] of readSecretsFile(secretsFile)) values.set(path, value);
  }
  for (const setting of SETTINGS) {
    const value = nonEmpty(env[setting.env]);
    if (value !== undefined) values.set(setting.path, value);
  }
  // The conventional PORT of container platforms, when the relay's own variable is not set.
  if (!values.has("port") && nonEmpty(env.PORT) !== undefined) values.set("port", nonEmpty(env.PORT));
  for (const [path, value] of Object.entries(sources.overrides ?? {})) {
    if (value === undefined) continue;
    if (!settingAt(path)) throw new Error(`No relay setting is called "${path}".`);
    values.set(path, value);
  }

  const result = configSchema.safeParse(nest(values));
  if (!result.success) throw new ConfigError(describeIssues(result.error.issues));
  return result.data;
}

function readConfigFile(file: string): [string, unknown][] {
  const json = readJsonObject(file, "config file");
  const entries: [string, unknown][] = [];
  const problems: string[] = [];
  const walk = (object: Nested, prefix: string) => {
    for (const [key, value] of Object.entries(object)) {
      const path = prefix ? `${prefix}.${key}` : key;
      const setting = settingAt(path);
      if (setting?.secret) {
        problems.push(`- ${path} is a secret and must not be in the config file: set ${setting.env} in the environment or in the secrets file (${SECRETS_FILE_ENV}).`);
      } else if (setting) {
        entries.push([path, value]);
      } else if (isObject(value) && SETTINGS.some((s) => s.path.startsWith(`${path}.`))) {
        walk(value, path);
      } else {
        problems.push(`- "${path}" is not a relay setting. Known settings: ${SETTINGS.filter((s) => !s.secret).map((s) => s.path).join(", ")}.`);
      }
    }
  };
  walk(json, "");
  if (problems.length) throw new ConfigError(`The config file ${file} has problems:\n${problems.join("\n")}`);
  return entries;
}

/** `{ "COSELL_DATAVERSE_CLIENT_SECRET": "…" }`: secrets only, named as in the environment. */
function readSecretsFile(file: string): [string, unknown][] {
  const json = readJsonObject(file, "secrets file");
  const secrets = new Map<string, Setting>(SETTINGS.filter((s) => s.secret).map((s) => [s.env, s]));
  const entries: [string, unknown][] = [];
  for (const [name, value] of Object.entries(json)) {
    const setting = secrets.get(name);
    if (!setting) {
      throw new ConfigError(`The secrets file ${file} names "${name}", which is not a secret setting. It may hold: ${[...secrets.keys()].join(", ")}.`);
    }
    if (typeof value !== "string") throw new ConfigError(`In the secrets file ${file}, ${name} must be a string.`);
    if (value.trim()) entries.push([setting.path, value]);
  }
  return entries;
}

function readJsonObject(file: string, what: string): Nested {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(`The ${what} ${file} cannot be read (${code === "ENOENT" ? "no such file" : (code ?? "unreadable")}). Check the path given with --config / ${what === "secrets file" ? SECRETS_FILE_ENV : CONFIG_FILE_ENV}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the text, which for a secrets file is a secret.
    const detail = what === "secrets file" ? "" : ` (${(error as Error).message})`;
    throw new ConfigError(`The ${what} ${file} is not valid JSON${detail}.`);
  }
  if (!isObject(json)) throw new ConfigError(`The ${what} ${file} must hold one JSON object.`);
  return json;
}

function nest(values: Map<string, unknown>): Nested {
  const root: Nested = {};
  for (const [path, value] of values) {
    const keys = path.split(".");
    let node = root;
    for (const key of keys.slice(0, -1)) node = (node[key] ??= {}) as Nested;
    node[keys.at(-1)!] = value;
  }
  return root;
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  const lines = issues.map((issue) => {
    const path = issue.path.map(String);
    // The longest prefix that names a setting: list items report against their list.
    let name = path.join(".");
    for (let length = path.length; length > 0; length--) {
      const candidate = path.slice(0, length).join(".");
      if (settingAt(candidate)) {
        name = describeSetting(candidate);
        break;
      }
    }
    return `- ${name} ${issue.message}.`.replace(/\.\.$/, ".");
  });
  return `The relay's configuration is not valid:\n${lines.join("\n")}`;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

function isObject(value: unknown): value is Nested {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
