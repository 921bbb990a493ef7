import { EntityReference, type CreateRequest, type UpdateRequest } from "dataverse-ify";
import { NotFoundError } from "../../relay/src/dataverse";
import { startDataverseHarness, unique, type DataverseHarness } from "./dataverse-harness";

describe("Dataverse access layer: $batch change sets", () => {
  let h: DataverseHarness;
  beforeAll(async () => {
    h = await startDataverseHarness();
  });
  afterAll(() => h.stop());

  const create = (target: Record<string, unknown> & { logicalName: string }): CreateRequest => ({ logicalName: "Create", target });
  const update = (target: Record<string, unknown> & { logicalName: string }): UpdateRequest => ({ logicalName: "Update", target }) as UpdateRequest;

  it("applies a change set and a single request in one round trip", async () => {
    const accountName = unique("Batch account");
    const before = h.connection.counters.snapshot().calls;
    const responses = (await h.connection.client.executeMultiple<{ id?: string }>([
      [create({ logicalName: "account", name: accountName }), create({ logicalName: "contact", lastname: unique("Batch contact") })],
      create({ logicalName: "lead", subject: "From batch", lastname: "Batch" }),
    ])) ?? [];
    expect(h.connection.counters.snapshot().calls - before).toBe(1);
    expect(responses).toHaveLength(3);
    expect(responses.every((r) => typeof r.id === "string")).toBe(true);
    expect((await h.repository.findAccount(accountName))?.accountid).toBe(responses[0].id);
  });

  it("rolls back the whole change set when one of its operations fails", async () => {
    const accountName = unique("Rolled back");
    const existing = await h.repository.createOpportunity({ name: unique("Untouched"), estimatedvalue: 10 });
    const error = await h.connection.client
      .executeMultiple([
        [
          create({ logicalName: "account", name: accountName }),
          update({ logicalName: "opportunity", opportunityid: existing, estimatedvalue: 99 }),
          update({ logicalName: "contact", contactid: "00000000-0000-4000-8000-00000000dead", lastname: "Ghost" }),
        ],
      ])
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(await h.repository.findAccount(accountName)).toBeUndefined();
    expect((await h.repository.getOpportunity(existing))!.record.estimatedvalue).toBe(10);
  });

  it("associates several solutions atomically through one change set", async () => {
    const opportunityId = await h.repository.createOpportunity({ name: unique("Many solutions") });
    const ids = await Promise.all([1, 2, 3].map((n) => h.repository.upsertSolution({ identifier: `SOL-${n}-${unique("k").slice(2)}`, name: `Solution ${n}` })));
    const before = h.connection.counters.snapshot().calls;
    await h.connection.client.associate("opportunity", opportunityId, "cosell_opportunity_cosell_solution", ids.map((id) => new EntityReference("cosell_solution", id)));
    expect(h.connection.counters.snapshot().calls - before).toBe(1);
    expect((await h.repository.getOpportunitySolutions(opportunityId)).map((s) => s.cosell_solutionid).sort()).toEqual([...ids].sort());
  });
});
