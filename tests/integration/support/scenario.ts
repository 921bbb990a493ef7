/**
 * The set-up the scenario files share: one relay environment per describe block with both
 * platforms' webhooks registered, a seller Partner Center accepts as a team member and one catalog
 * solution; what the engine warned about is printed after the test that caused it.
 */
import { addCatalogSolution, completeSellerProfile } from "./deals";
import { availableDatabases, type DatabaseKind } from "./database";
import { startSyncHarness, type SyncHarness, type SyncHarnessOptions } from "./harness";

export interface Scenario {
  h: SyncHarness;
  sellerUserId: string;
  solutionRowId: string;
}

export async function startScenario(options: SyncHarnessOptions = {}): Promise<Scenario> {
  const h = await startSyncHarness(options);
  try {
    await h.registerWebhooks();
    const sellerUserId = await completeSellerProfile(h);
    const solutionRowId = await addCatalogSolution(h);
    return { h, sellerUserId, solutionRowId };
  } catch (error) {
    await h.stop();
    throw error;
  }
}

/** Prints the engine's warnings after each test and stops the harness after the block. */
export function reportAndStop(harness: () => SyncHarness | undefined): void {
  afterEach(() => {
    const logs = harness()?.logs;
    if (!logs?.length) return;
    console.log(logs.join("\n"));
    logs.length = 0;
  });
  afterAll(async () => {
    await harness()?.stop();
  });
}

/**
 * The acceptance scenarios run on every backend the relay supports that this run can reach: PGlite,
 * and PostgreSQL too when TEST_DATABASE_URL is set (as in CI), so neither goes untested.
 */
export const everyDatabase: DatabaseKind[] = availableDatabases();
