import type { CreateRequest } from "dataverse-ify";
import { startDataverseHarness, type DataverseHarness } from "./dataverse-harness";

const ROWS = 10_050;
const BATCH = 1000;

describe("Dataverse access layer: paging over more than 10,000 rows", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
    // Loaded the way a backfill would: $batch requests of 1000 creates each, one change set per batch.
    for (let start = 0; start < ROWS; start += BATCH) {
      const requests: CreateRequest[] = [];
      for (let n = start; n < Math.min(start + BATCH, ROWS); n++) {
        requests.push({ logicalName: "Create", target: { logicalName: "opportunity", name: `Bulk ${n}`, cosell_syncwithpartnercenter: true, cosell_referralid: `bulk-${n}` } });
      }
      const created = await h.connection.client.executeMultiple<{ id: string }>([requests]);
      expect(created).toHaveLength(requests.length);
    }
  }, 120_000);
  afterAll(() => h.stop());

  it("follows nextLink until every row has been seen exactly once", async () => {
    const before = h.connection.counters.snapshot().calls;
    const seen = new Set<string>();
    let pages = 0;
    for await (const page of h.repository.opportunitiesModifiedSince(new Date(0), 5000)) {
      pages++;
      expect(page.length).toBeLessThanOrEqual(5000);
      for (const opportunity of page) {
        expect(seen.has(opportunity.opportunityid!)).toBe(false);
        seen.add(opportunity.opportunityid!);
      }
    }
    expect(seen.size).toBe(ROWS);
    expect(pages).toBe(3);
    expect(h.connection.counters.snapshot().calls - before).toBe(3);
  }, 60_000);

  it("honours a small page size with dataverse-ify's retrieveMultiple and the query part of nextLink", async () => {
    const first = await h.connection.client.retrieveMultiple("?$select=name&$filter=startswith(cosell_referralid,'bulk-100')&$orderby=cosell_referralid asc", { logicalName: "opportunity", maxPageSize: 4 });
    expect(first.entities).toHaveLength(4);
    expect(first.nextLink).toBeDefined();
    const second = await h.connection.client.retrieveMultiple(first.nextLink!.slice(first.nextLink!.indexOf("?")), { logicalName: "opportunity", maxPageSize: 4 });
    expect(second.entities.map((o) => o.name)).not.toContain(first.entities[0].name);
  });
});
