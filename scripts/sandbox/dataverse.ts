/**
 * The sandbox's Dataverse: the emulator with the packed managed solution imported through the Web
 * API (`ImportSolution`, as `npm run deploy` does it), the sandbox users, and sample data — or, on a
 * later start, the emulator restored from the saved snapshot with the packed solution imported again
 * over it (an upgrade, as `npm run deploy` does it), so a rebuilt solution's schema is in place.
 */
import fs from "node:fs";
import { EnvironmentVariables } from "@cosell/core";
import { startDataverseEmulator, type DataverseEmulator, type DataverseSnapshot } from "../../emulators/dataverse/src";
import { importSolution } from "../lib/dataverse-import";
import { HOST, listenAs } from "./ports";
import { seedSampleData, type SampleData } from "./sample-data";
import type { SandboxIdentity } from "./identity";
import { ADMIN, fullName, SANDBOX_USERS, type SandboxUser } from "./users";

export interface SandboxDataverse {
  emulator: DataverseEmulator;
  /** Environment URL (token audience, `getClientUrl` of a real org). */
  url: string;
  /** Web API service root. */
  apiUrl: string;
  sample: SampleData;
  /** systemuserid per sign-in name. */
  userIds: ReadonlyMap<string, string>;
  /** A delegated Dataverse token for a sandbox user. */
  tokenFor(user: SandboxUser): Promise<string>;
  /** Sets an environment variable's current value (the admin's way to customise), as the admin. */
  setEnvironmentVariable(schemaName: string, value: string): Promise<void>;
  stop(): Promise<void>;
}

export interface DataverseStartOptions {
  port: number;
  identity: SandboxIdentity;
  zipFile: string;
  /** The org's unique name, which its environment URL is made from. */
  organizationName: string;
  /** A previous run's Dataverse and its sample record ids, instead of a fresh import and sample data. */
  restore?: { snapshot: DataverseSnapshot; sample: SampleData };
  log: (line: string) => void;
}

export async function startDataverse(options: DataverseStartOptions): Promise<SandboxDataverse> {
  const { identity } = options.identity;
  const emulator = await listenAs("dataverse", options.port, () =>
    startDataverseEmulator({
      host: HOST,
      port: options.port,
      identity,
      serveIdentity: false,
      organizationName: options.organizationName,
      applicationUsers: [{ clientId: options.identity.relayDataverseApp.clientId, name: "Co-sell relay (sandbox)" }],
      restore: options.restore?.snapshot,
    }),
  );
  const url = emulator.environmentUrl;
  const tokenFor = (user: SandboxUser) =>
    identity.issueToken({ audience: url, user: { upn: user.upn, name: fullName(user) }, expiresIn: 3600 });

  try {
    const userIds = new Map<string, string>();
    for (const user of SANDBOX_USERS) {
      // First sign-in provisions a user; doing it now lets the sample deals be theirs from the start.
      const id = emulator.users.ensureUser(identity.objectIdFor(user.upn), user.upn, fullName(user));
      userIds.set(user.upn, id);
    }

    const result = await importSolution({
      environmentUrl: url,
      accessToken: await tokenFor(ADMIN),
      zip: fs.readFileSync(options.zipFile),
      pollIntervalMs: 50,
      onProgress: (progress) => {
        if (progress.stage === "done") options.log(`  Dataverse: ${progress.message}`);
      },
    });
    for (const warning of result.warnings) options.log(`  Dataverse import warning: ${warning}`);

    const sample = options.restore?.sample ?? seedSampleData(emulator, userIds);
    const api = webApi(emulator.apiUrl, () => tokenFor(ADMIN));
    return {
      emulator,
      url,
      apiUrl: emulator.apiUrl,
      sample,
      userIds,
      tokenFor,
      setEnvironmentVariable: (schemaName, value) => setEnvironmentVariable(api, schemaName, value),
      stop: () => emulator.stop(),
    };
  } catch (error) {
    await emulator.stop();
    throw error;
  }
}

type WebApi = (method: string, path: string, body?: unknown) => Promise<unknown>;

/** A minimal Web API caller for the sandbox's own set-up calls; failures carry Dataverse's message. */
function webApi(apiUrl: string, token: () => Promise<string>): WebApi {
  return async (method, path, body) => {
    const response = await fetch(apiUrl + path, {
      method,
      headers: {
        Authorization: `Bearer ${await token()}`,
        Accept: "application/json",
        "OData-MaxVersion": "4.0",
        "OData-Version": "4.0",
        ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? text;
      } catch {
        // not JSON: keep the text
      }
      throw new Error(`Dataverse ${method} ${path} answered HTTP ${response.status}: ${message}`);
    }
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

/** dataverse-pcf.md §2.6: the current value is an environmentvariablevalue row of the definition. */
async function setEnvironmentVariable(api: WebApi, schemaName: string, value: string): Promise<void> {
  if (!Object.values(EnvironmentVariables).some((v) => v.schemaName === schemaName)) {
    throw new Error(`${schemaName} is not one of the connector's environment variables.`);
  }
  const quoted = schemaName.replace(/'/g, "''");
  const definitions = (await api(
    "GET",
    `environmentvariabledefinitions?$select=environmentvariabledefinitionid&$filter=schemaname eq '${quoted}'&$expand=environmentvariabledefinition_environmentvariablevalue($select=environmentvariablevalueid)`,
  )) as { value: Array<{ environmentvariabledefinitionid: string; environmentvariabledefinition_environmentvariablevalue: Array<{ environmentvariablevalueid: string }> }> };
  const definition = definitions.value[0];
  if (!definition) throw new Error(`The solution did not create the environment variable ${schemaName}.`);
  const current = definition.environmentvariabledefinition_environmentvariablevalue[0];
  if (current) {
    await api("PATCH", `environmentvariablevalues(${current.environmentvariablevalueid})`, { value });
  } else {
    await api("POST", "environmentvariablevalues", {
      schemaname: schemaName,
      value,
      "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${definition.environmentvariabledefinitionid})`,
    });
  }
}
