/**
 * `startSandbox()`: the whole connector on one machine with no Microsoft account — the identity
 * stand-in, the Dataverse emulator with the packed managed solution imported, the Partner Center
 * emulator, the relay wired to both, and the form harness. Used by `npm start` and by the e2e tests.
 * The emulators' state is saved under the data folder while it runs and when it stops, and the next
 * start continues from it with the relay's database (PRODUCT.md §5); `reset` starts from the sample data.
 * `environment` picks which Dynamics 365 environment runs against the data folder's one Partner Center.
 */
import path from "node:path";
import { EnvironmentVariables } from "@cosell/core";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../../emulators/partner-center/src";
import { ensureSolutionZip } from "./build";
import { startDataverse, type SandboxDataverse } from "./dataverse";
import { bundleHarness } from "./harness-bundle";
import { startHarnessServer, type HarnessLinks } from "./harness-server";
import { startIdentity, type SandboxIdentity } from "./identity";
import type { SandboxOptions } from "./options";
import { assertPortsFree, HOST, listenAs } from "./ports";
import { startRelay, type SandboxRelay } from "./relay";
import { SolutionZip } from "./solution-zip";
import { environmentDir, environmentState, forgetEnvironment, lockSandboxDataDir, partnerCenterState, readState, resetDataDir, StateSaver, withRelayDataDirLocked, writeState } from "./state";

/** How often the running sandbox saves its state (besides a last save when it stops). */
export const SAVE_INTERVAL_MS = 10_000;

export interface SandboxUrls {
  harness: string;
  partnerCenter: string;
  dataverse: string;
  relay: string;
  identity: string;
}

export interface Sandbox {
  urls: SandboxUrls;
  /** The Dynamics 365 environment this start runs (`--environment`) and its organization's name. */
  environment: { name: string; organization: string };
  solutionVersion: string;
  identity: SandboxIdentity;
  dataverse: SandboxDataverse;
  partnerCenter: PartnerCenterEmulator;
  relay: SandboxRelay;
  /** What this environment began from: the data an earlier run saved, or the sample data. */
  startedFrom: "saved data" | "sample data";
  /** Saves the emulators' state now (it is also saved every few seconds and when stopping). */
  save(): Promise<void>;
  /** Saves, then stops everything. */
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions, log: (line: string) => void = console.log): Promise<Sandbox> {
  await assertPortsFree(options.ports);
  const zipFile = await ensureSolutionZip(options.build, log);
  const zip = new SolutionZip(zipFile);
  const { dataDir, environment } = options;
  const organization = `contoso-${environment}`;
  const lock = await lockSandboxDataDir(dataDir, environment);
  const stops: Array<() => Promise<void>> = [() => lock.release()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`  (while stopping: ${error.message})`));
    stops.length = 0;
  };
  try {
    if (options.reset) await resetDataDir(dataDir);
    const saved = await withRelayDataDirLocked(dataDir, environment, "npm start (reading the saved data)", async () => {
      const state = await readState(dataDir, environment);
      // Without saved emulators the relay's links and watermarks would point at records that do not exist.
      if (!state.environment) await forgetEnvironment(dataDir, environment);
      return state;
    });

    const identity = await startIdentity(options.ports.identity);
    stops.push(() => identity.stop());
    const dataverse = await startDataverse({
      port: options.ports.dataverse,
      identity,
      zipFile,
      organizationName: organization,
      restore: saved.environment && { snapshot: saved.environment.dataverse, sample: saved.environment.sample },
      log,
    });
    stops.push(() => dataverse.stop());
    const partnerCenter = await listenAs("partnerCenter", options.ports.partnerCenter, () =>
      startPartnerCenterEmulator({
        host: HOST,
        port: options.ports.partnerCenter,
        identity: identity.identity,
        webhooks: { retryIntervalMs: 1000 },
        restore: saved.partnerCenter?.partnerCenter,
      }),
    );
    stops.push(() => partnerCenter.stop());
    const saver = new StateSaver(
      () =>
        writeState(dataDir, environment, {
          partnerCenter: partnerCenterState(partnerCenter.snapshot()),
          environment: environmentState({ sample: dataverse.sample, dataverse: dataverse.emulator.snapshot() }),
        }),
      log,
    );
    // Stopped after the relay and the harness, so the last save has what they wrote.
    stops.push(() => saver.stop());

    // Known once the relay listens; the page reads them on each load.
    const links: { current?: HarnessLinks } = {};
    const harness = await startHarnessServer({
      port: options.ports.harness,
      zip,
      assets: await bundleHarness(),
      dataverse: { url: dataverse.url, tokenFor: dataverse.tokenFor, userIds: dataverse.userIds },
      environment: { name: environment, organization },
      links: () => links.current,
    });
    stops.push(() => harness.stop());
    identity.allowOrigin(harness.url);

    const relay = await startRelay({
      port: options.ports.relay,
      dataDir: environmentDir(dataDir, environment),
      logLevel: options.relayLogLevel,
      identity,
      partnerCenter,
      dataverseUrl: dataverse.url,
      harnessOrigin: harness.url,
      log,
    });
    stops.push(() => relay.stop());
    await dataverse.setEnvironmentVariable(EnvironmentVariables.relayUrl.schemaName, relay.url);
    links.current = { partnerCenterUrl: partnerCenter.url, relayUrl: relay.url };

    await saver.save();
    saver.start(SAVE_INTERVAL_MS);
    const relative = path.relative(process.cwd(), dataDir);
    const where = relative === "" ? "." : relative.startsWith("..") ? dataDir : relative;
    const opportunities = count(dataverse.emulator.environment.store.count("opportunity"), "opportunity", "opportunities");
    const referrals = count(partnerCenter.referrals.list().length, "referral", "referrals");
    if (saved.environment) log(`Restored the ${environment} environment (${opportunities}) and Partner Center (${referrals}) from ${where}.`);
    else if (saved.partnerCenter) log(`Fresh ${environment} environment with sample data; Partner Center continues from ${where} (${referrals}).`);
    else log(`Fresh ${environment} environment and Partner Center with sample data.`);

    return {
      urls: { harness: harness.url, partnerCenter: partnerCenter.url, dataverse: dataverse.url, relay: relay.url, identity: identity.url },
      environment: { name: environment, organization },
      solutionVersion: zip.version,
      identity,
      dataverse,
      partnerCenter,
      relay,
      startedFrom: saved.environment ? "saved data" : "sample data",
      save: () => saver.save(),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

const count = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;
