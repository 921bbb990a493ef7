/**
 * A Dataverse emulator started from another one's `snapshot()` (saved as JSON, as the sandbox does
 * between starts) answers the same reads — rows, row versions, N:N links, the solution's schema,
 * users, service endpoints and environment variable values — and keeps counting row versions up.
 */
import { EnvironmentVariables, OpportunityColumns, OpportunitySolutionRelationship, SolutionTable } from "@cosell/core";
import { SnapshotError, type DataverseEmulator, type DataverseSnapshot } from "@cosell/emulators/dataverse/src";
import { Client, PRODUCT_SOLUTION, startDataverse, type Json } from "./dataverse-harness";

const nav = OpportunitySolutionRelationship.navigationProperty;
const versionOf = (row: Json) => Number(/^W\/"(\d+)"$/.exec(String(row["@odata.etag"]))![1]);

describe("Dataverse emulator snapshot and restore", () => {
  let before: DataverseEmulator;
  let after: DataverseEmulator | undefined;
  let saved: DataverseSnapshot;
  let opportunity: string;
  let solution: string;
  let endpoint: string;
  const reads = [
    () => `opportunities(${opportunity})?$select=name,estimatedvalue,${OpportunityColumns.syncWithPartnerCenter},${OpportunityColumns.referralId}&$expand=${nav}($select=${SolutionTable.name})`,
    () => `${SolutionTable.entitySetName}?$select=${SolutionTable.name},${SolutionTable.solutionIdentifier}&$orderby=${SolutionTable.name}`,
    () => `serviceendpoints(${endpoint})?$select=name,url,contract,authtype`,
    () => `systemusers?$select=fullname,azureactivedirectoryobjectid,domainname&$filter=domainname eq 'ana@contoso.example'`,
    () => `RetrieveEnvironmentVariableValue(DefinitionSchemaName='${EnvironmentVariables.relayUrl.schemaName}')`,
  ];

  beforeAll(async () => {
    before = await startDataverse({ solutions: [PRODUCT_SOLUTION], sampleData: true });
    const admin = await Client.app(before);
    const seller = await Client.user(before, "ana@contoso.example", "Ana Bowman");
    solution = await admin.create(SolutionTable.entitySetName, { [SolutionTable.name]: "Contoso Cloud Migration Accelerator", [SolutionTable.solutionIdentifier]: "SOL-15974-MQF" });
    opportunity = await seller.create("opportunities", { name: "Snapshot deal", estimatedvalue: 5000, [OpportunityColumns.syncWithPartnerCenter]: true });
    await seller.patch(`opportunities(${opportunity})`, { [OpportunityColumns.referralId]: "9f1a1b6e-7a4c-4c1e-9d0f-3f1f2b0c0a11" });
    expect((await seller.post(`opportunities(${opportunity})/${nav}/$ref`, { "@odata.id": `${before.apiUrl}${SolutionTable.entitySetName}(${solution})` })).status).toBe(204);
    endpoint = await admin.create("serviceendpoints", { name: "Co-sell relay", contract: 8, url: "http://127.0.0.1:1/hooks/dataverse", authtype: 5, authvalue: '<settings><setting name="x-cosell-secret" value="s"/></settings>', messageformat: 2, userclaim: 1 });
    const definition = (await admin.get<{ value: Json[] }>(`environmentvariabledefinitions?$select=environmentvariabledefinitionid&$filter=schemaname eq '${EnvironmentVariables.relayUrl.schemaName}'`)).body.value[0];
    await admin.create("environmentvariablevalues", {
      schemaname: EnvironmentVariables.relayUrl.schemaName,
      value: "http://127.0.0.1:4403",
      "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${String(definition.environmentvariabledefinitionid)})`,
    });
    // Through a file and back, as the sandbox keeps it.
    saved = JSON.parse(JSON.stringify(before.snapshot())) as DataverseSnapshot;
  });

  afterEach(async () => {
    await after?.stop();
    after = undefined;
  });
  afterAll(() => before.stop());

  it("answers the same reads, with the same row versions, after a restore", async () => {
    after = await startDataverse({ restore: saved });
    const [was, is] = [await Client.user(before, "ana@contoso.example"), await Client.user(after, "ana@contoso.example")];
    for (const read of reads) {
      const [expected, actual] = [await was.get(read()), await is.get(read())];
      expect(actual.status).toBe(200);
      expect(stripContext(actual.body)).toEqual(stripContext(expected.body));
    }
    const row = (await is.get(`opportunities(${opportunity})?$select=name`)).body;
    expect(versionOf(row)).toBe(versionOf((await was.get(`opportunities(${opportunity})?$select=name`)).body));
    expect((await is.get("WhoAmI()")).body.UserId).toBe((await was.get("WhoAmI()")).body.UserId);
  });

  it("keeps counting row versions upward and enforces the restored schema", async () => {
    after = await startDataverse({ restore: saved });
    const seller = await Client.user(after, "ana@contoso.example");
    const highest = Math.max(...Object.values(saved.tables).flat().map((row) => Number(row.versionnumber ?? 0)));
    const stale = `W/"${versionOf((await seller.get(`opportunities(${opportunity})?$select=name`)).body)}"`;
    expect((await seller.patch(`opportunities(${opportunity})`, { estimatedvalue: 6000 })).status).toBe(204);
    const updated = (await seller.get(`opportunities(${opportunity})?$select=estimatedvalue`)).body;
    expect(versionOf(updated)).toBeGreaterThan(highest);
    expect((await seller.patch(`opportunities(${opportunity})`, { estimatedvalue: 7000 }, { "If-Match": stale })).status).toBe(412);
    const duplicate = await seller.post(SolutionTable.entitySetName, { [SolutionTable.name]: "Copy", [SolutionTable.solutionIdentifier]: "SOL-15974-MQF" });
    expect(duplicate.status).toBe(412);
  });

  it("refuses sample data on top of a snapshot, and a damaged snapshot with what is wrong", async () => {
    await expect(startDataverse({ restore: saved, sampleData: true })).rejects.toThrow(SnapshotError);
    const { rowVersion: _dropped, ...damaged } = saved;
    await expect(startDataverse({ restore: damaged as DataverseSnapshot })).rejects.toThrow("damaged: rowVersion missing or malformed");
    await expect(startDataverse({ restore: { ...saved, version: 2 } as unknown as DataverseSnapshot })).rejects.toThrow("version 2 is not supported");
  });
});

function stripContext(body: Json): Json {
  const { "@odata.context": _context, ...rest } = body;
  return rest;
}
