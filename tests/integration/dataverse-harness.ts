/**
 * The relay's Dataverse access layer connected to a running Dataverse emulator that has imported
 * our solution: client-credentials tokens from the emulator's identity stand-in (a loopback
 * authority), and back-off waits recorded instead of slept unless a test wants real time to pass.
 */
import path from "node:path";
import { startDataverseEmulator, type DataverseEmulator, type DataverseEmulatorOptions } from "../../emulators/dataverse/src";
import { createTestIdentity } from "../../emulators/identity/src";
import { DataverseConnection, DataverseRepository, type DataverseConnectionOptions } from "../../relay/src/dataverse";

export const RELAY_APP = { clientId: "5a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d", clientSecret: "relay-secret" };
export const SOLUTION_FOLDER = path.resolve(__dirname, "../../solution");

export interface DataverseHarness {
  dv: DataverseEmulator;
  connection: DataverseConnection;
  repository: DataverseRepository;
  /** Every back-off wait the access layer asked for, in ms (when waits are recorded). */
  waits: number[];
  /** Another connection to the same environment, e.g. a second relay replica. */
  connect(overrides?: Partial<DataverseConnectionOptions>): DataverseConnection;
  stop(): Promise<void>;
}

export interface HarnessOptions {
  emulator?: Partial<DataverseEmulatorOptions>;
  connection?: Partial<DataverseConnectionOptions>;
  /** Sleep for real between retries (the emulator's own throttling window must pass). */
  realWaits?: boolean;
}

export async function startDataverseHarness(options: HarnessOptions = {}): Promise<DataverseHarness> {
  const identity = await createTestIdentity({ apps: [{ ...RELAY_APP }] });
  const dv = await startDataverseEmulator({ identity, serveIdentity: true, solutions: [SOLUTION_FOLDER], ...options.emulator });
  const waits: number[] = [];
  const connect = (overrides: Partial<DataverseConnectionOptions> = {}) =>
    DataverseConnection.connect({
      environmentUrl: dv.environmentUrl,
      credentials: { tenantId: identity.tenantId, ...RELAY_APP, authority: `${dv.url}/${identity.tenantId}` },
      ...(options.realWaits
        ? {}
        : {
            sleep: async (ms: number) => {
              waits.push(ms);
            },
          }),
      ...options.connection,
      ...overrides,
    });
  const connection = connect();
  return { dv, connection, repository: new DataverseRepository(connection), waits, connect, stop: () => dv.stop() };
}

/** A fresh, unique name per call, so tests sharing an emulator never match each other's rows. */
export function unique(prefix: string): string {
  return `${prefix} ${Math.random().toString(36).slice(2, 10)}`;
}
