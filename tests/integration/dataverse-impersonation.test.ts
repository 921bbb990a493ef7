import { randomUUID } from "node:crypto";
import { AuthorizationError, DataverseRepository, type entities } from "../../relay/src/dataverse";
import { RELAY_APP, startDataverseHarness, unique, type DataverseHarness } from "./dataverse-harness";

describe("Dataverse access layer: acting for a seller (CallerObjectId)", () => {
  let h: DataverseHarness;
  let sellerObjectId: string;
  let sellerUserId: string;
  let relayUserId: string;
  beforeAll(async () => {
    h = await startDataverseHarness();
    sellerObjectId = randomUUID();
    sellerUserId = h.dv.users.ensureUser(sellerObjectId, "ana@contoso.example", "Ana Bell");
    relayUserId = (await h.repository.whoAmI()).userId;
  });
  afterAll(() => h.stop());

  it("stamps the seller as modifiedby, and the relay as the delegate", async () => {
    const id = await h.repository.createOpportunity({ name: unique("Seller's deal") });
    await h.repository.actingAs(sellerObjectId).updateOpportunity(id, { cosell_syncwithpartnercenter: true });
    const row = await h.connection.client.retrieve<entities.Opportunity>("opportunity", id, ["modifiedby", "modifiedonbehalfby", "createdby"]);
    expect(row.modifiedby?.id).toBe(sellerUserId);
    expect(row.modifiedonbehalfby?.id).toBe(relayUserId);
    expect(row.createdby?.id).toBe(relayUserId);
  });

  it("answers WhoAmI as the seller for the whole connection, or per call", async () => {
    const perConnection = new DataverseRepository(h.connect({ callerObjectId: sellerObjectId }));
    expect((await perConnection.whoAmI()).userId).toBe(sellerUserId);
    expect((await h.repository.actingAs(sellerObjectId).whoAmI()).userId).toBe(sellerUserId);
    expect((await h.repository.whoAmI()).userId).toBe(relayUserId);
  });

  it("is refused when the application user may not act for others", async () => {
    const restricted = await startDataverseHarness({ emulator: { applicationUsers: [{ clientId: RELAY_APP.clientId, canImpersonate: false }] } });
    try {
      restricted.dv.users.ensureUser(sellerObjectId, "ana@contoso.example");
      await expect(restricted.repository.actingAs(sellerObjectId).whoAmI()).rejects.toBeInstanceOf(AuthorizationError);
    } finally {
      await restricted.stop();
    }
  });

  it("rejects something that is not an object id before calling", () => {
    expect(() => h.repository.actingAs("ana@contoso.example")).toThrow(/not an Entra ID object id/);
  });
});
