/**
 * `startSandbox()`: the whole connector on one machine with no Microsoft account — the identity
 * stand-in, the Dataverse emulator with the packed managed solution imported, the Partner Center
 * emulator, the relay wired to both, and the form harness. Used by `npm start` and by the e2e tests.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import { EnvironmentVariables } from "@cosell/core";
import { startPartnerCenterEmulator, type PartnerCenterEmulator } from "../../emulators/partner-center/src";
import { lockDataDir } from "../../relay/src/composition/data-dir-lock";
import { ensureSolutionZip } from "./build";
import { startDataverse, type SandboxDataverse } from "./dataverse";
import { bundleHarness } from "./harness-bundle";
import { startHarnessServer, type HarnessLinks } from "./harness-server";
import { startIdentity, type SandboxIdentity } from "./identity";
import type { SandboxOptions } from "./options";
import { assertPortsFree, HOST, listenAs } from "./ports";
import { startRelay, type SandboxRelay } from "./relay";
import { SolutionZip } from "./solution-zip";

export interface SandboxUrls {
  harness: string;
  partnerCenter: string;
  dataverse: string;
  relay: string;
  identity: string;
}

export interface Sandbox {
  urls: SandboxUrls;
  solutionVersion: string;
  identity: SandboxIdentity;
  dataverse: SandboxDataverse;
  partnerCenter: PartnerCenterEmulator;
  relay: SandboxRelay;
  stop(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions, log: (line: string) => void = console.log): Promise<Sandbox> {
  await assertPortsFree(options.ports);
  const zipFile = await ensureSolutionZip(options.build, log);
  const zip = new SolutionZip(zipFile);
  await clearRelayData(options.dataDir);

  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`  (while stopping: ${error.message})`));
    stops.length = 0;
  };
  try {
    const identity = await startIdentity(options.ports.identity);
    stops.push(() => identity.stop());
    const dataverse = await startDataverse({ port: options.ports.dataverse, identity, zipFile, log });
    stops.push(() => dataverse.stop());
    const partnerCenter = await listenAs("partnerCenter", options.ports.partnerCenter, () =>
      startPartnerCenterEmulator({ host: HOST, port: options.ports.partnerCenter, identity: identity.identity, webhooks: { retryIntervalMs: 1000 } }),
    );
    stops.push(() => partnerCenter.stop());

    // Known once the relay listens; the page reads them on each load.
    const links: { current?: HarnessLinks } = {};
    const harness = await startHarnessServer({
      port: options.ports.harness,
      zip,
      assets: await bundleHarness(),
      dataverse: { url: dataverse.url, tokenFor: dataverse.tokenFor, userIds: dataverse.userIds },
      links: () => links.current,
    });
    stops.push(() => harness.stop());
    identity.allowOrigin(harness.url);

    const relay = await startRelay({
      port: options.ports.relay,
      dataDir: options.dataDir,
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

    return {
      urls: { harness: harness.url, partnerCenter: partnerCenter.url, dataverse: dataverse.url, relay: relay.url, identity: identity.url },
      solutionVersion: zip.version,
      identity,
      dataverse,
      partnerCenter,
      relay,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/**
 * The emulators keep their state in memory, so each start begins from the sample data; the relay's
 * database from an earlier run would point at records that no longer exist and goes too. The
 * relay's own lock keeps this from touching the data of a relay that is still running.
 */
async function clearRelayData(dataDir: string): Promise<void> {
  const relayDir = path.join(dataDir, "relay");
  const lock = await lockDataDir(relayDir, "npm start (clearing the previous run)");
  try {
    await rm(path.join(relayDir, "pglite"), { recursive: true, force: true });
  } finally {
    await lock.release();
  }
}
