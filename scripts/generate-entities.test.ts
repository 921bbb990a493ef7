import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { generateEntities, mismatchesWithCore, outdatedFiles } from "./generate-entities";
import { readSolutionTables } from "./entities/solution-source";

const repoRoot = path.resolve(__dirname, "..");

describe("generated Dataverse entity types", () => {
  it("are in step with the solution source: regenerating changes nothing", () => {
    const outdated = outdatedFiles(repoRoot, generateEntities(repoRoot));
    if (outdated.length > 0) throw new Error(`Out of date: ${outdated.join(", ")}. Run npm run generate:entities and commit the result.`);
  });

  it("cover every column core/src/crm/schema.ts names", () => {
    expect(mismatchesWithCore(repoRoot)).toEqual([]);
  });
});

describe("solution source reader", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "entities-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function entity(folder: string, attributes: string, settings = ""): void {
    fs.mkdirSync(path.join(dir, "Entities", folder), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "Entities", folder, "Entity.xml"),
      `\uFEFF<?xml version="1.0" encoding="utf-8"?><Entity><Name LocalizedName="${folder}">${folder}</Name><EntityInfo><entity Name="${folder}"><attributes>${attributes}</attributes>${settings}</entity></EntityInfo></Entity>`,
    );
  }
  const attribute = (schemaName: string, type: string, extra = "") =>
    `<attribute PhysicalName="${schemaName}"><Type>${type}</Type><LogicalName>${schemaName.toLowerCase()}</LogicalName><RequiredLevel>none</RequiredLevel>${extra}<displaynames><displayname description="${schemaName} label" languagecode="1033" /></displaynames></attribute>`;

  it("reads columns, date behaviour, local choices and lookup targets from the 1:N relationship", () => {
    entity(
      "cts_Thing",
      attribute("cts_ThingId", "primarykey") +
        attribute("cts_When", "datetime", "<Format>date</Format><Behavior>2</Behavior>") +
        attribute("cts_Stage", "picklist", '<optionset Name="cts_thing_cts_stage"><options><option value="712340000"><labels><label description="1. Qualify" languagecode="1033" /></labels></option></options></optionset>') +
        attribute("cts_AccountId", "lookup"),
      "<EntitySetName>cts_things</EntitySetName><OwnershipTypeMask>OrgOwned</OwnershipTypeMask>",
    );
    fs.mkdirSync(path.join(dir, "Other", "Relationships"), { recursive: true });
    fs.writeFileSync(
      path.join(dir, "Other", "Relationships", "cts_Thing.xml"),
      "<EntityRelationships><EntityRelationship Name=\"cts_account_thing\"><EntityRelationshipType>OneToMany</EntityRelationshipType><ReferencingEntityName>cts_Thing</ReferencingEntityName><ReferencedEntityName>Account</ReferencedEntityName><ReferencingAttributeName>cts_AccountId</ReferencingAttributeName></EntityRelationship></EntityRelationships>",
    );
    const [table] = readSolutionTables(dir);
    expect(table).toMatchObject({ logicalName: "cts_thing", entitySetName: "cts_things", primaryIdAttribute: "cts_thingid", userOwned: false });
    const columns = Object.fromEntries(table.columns.map((c) => [c.logicalName, c]));
    expect(columns.cts_when.dateFormat).toBe("DateOnly:DateOnly");
    expect(columns.cts_stage.optionSet).toEqual({ name: "cts_thing_cts_stage", global: false, options: [{ value: 712340000, label: "1. Qualify" }] });
    expect(columns.cts_accountid).toMatchObject({ kind: "lookup", targets: ["account"], navigationProperty: "cts_AccountId" });
  });

  it("names the file and column when it cannot type a column", () => {
    entity("cts_Thing", attribute("cts_Blob", "hologram"));
    expect(() => readSolutionTables(dir)).toThrow('Entities/cts_Thing/Entity.xml: column cts_blob has type "hologram"');
    entity("cts_Thing", attribute("cts_OtherId", "lookup"));
    expect(() => readSolutionTables(dir)).toThrow("lookup cts_otherid has no target");
  });
});
