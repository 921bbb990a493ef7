import { readFileSync } from "node:fs";
import path from "node:path";
import { strToU8, zipSync } from "fflate";
import { EnvironmentVariables, OpportunityColumns, OpportunitySolutionRelationship, SolutionTable } from "@cosell/core";
import { DataverseEnvironment } from "../environment";
import { applySolution } from "./apply";
import { INVALID_SOLUTION_FILE, readSolution, readSolutionZip, SolutionFormatError } from "./solution-loader";

const SOLUTIONS = path.resolve(__dirname, "../../../../../shared/reference/solutions");
const PRODUCT_SOLUTION = path.resolve(__dirname, "../../../../solution");
const exportPath = (...parts: string[]) => path.join(SOLUTIONS, ...parts);

describe("solution loader on Dataverse's own exports", () => {
  it("reads a managed zip with an environment variable definition and its shipped value", () => {
    const solution = readSolution(exportPath("contoso-envvar-managed", "Contoso_sample_1_0_0_1_managed.zip"));
    expect(solution).toMatchObject({ uniqueName: "Contoso_sample", version: "1.0.0.1", managed: true });
    expect(solution.environmentVariables).toEqual([
      {
        schemaName: "new_ContosoURL",
        displayName: "Contoso URL",
        description: "Contains the internet address of Contoso, Inc.",
        type: 100000000,
        defaultValue: undefined,
        isRequired: false,
        secretStore: undefined,
        currentValue: { id: "02b34632-9c07-ec11-94ef-00224826aa05", value: "https://contoso.com" },
      },
    ]);
  });

  it("reads an extracted export: custom columns on a system table, a new table, keys of column types and relationships", () => {
    const solution = readSolution(exportPath("dataverseify-integrationtests-unmanaged"));
    expect(solution.uniqueName).toBe("cdsifyintegrationtests");
    const account = solution.tables.find((t) => t.logicalName === "account")!;
    expect(account.isNew).toBe(false);
    expect(account.attributes.map((a) => [a.logicalName, a.type, a.schemaName])).toEqual([
      ["cdsify_account1", "Lookup", "cdsify_Account1"],
      ["cdsify_multiselect", "MultiSelectPicklist", "cdsify_MultiSelect"],
    ]);
    expect(account.attributes[1].optionSetName).toBe("socialprofile_community");
    const table = solution.tables.find((t) => t.logicalName === "cdsify_integrationtest")!;
    expect(table).toMatchObject({ isNew: true, entitySetName: "cdsify_integrationtests", primaryIdAttribute: "cdsify_integrationtestid", primaryNameAttribute: "cdsify_name", ownership: "UserOwned" });
    expect(table.attributes.find((a) => a.logicalName === "cdsify_bigint")?.type).toBe("BigInt");
    expect(table.attributes.find((a) => a.logicalName === "statecode")?.options).toEqual([
      { value: 0, label: "Active", defaultStatus: 1 },
      { value: 1, label: "Inactive", defaultStatus: 2 },
    ]);
    expect(solution.oneToMany.find((r) => r.schemaName === "cdsify_Account_Account1_Account")).toEqual({
      schemaName: "cdsify_Account_Account1_Account",
      referencingEntity: "account",
      referencedEntity: "account",
      referencingAttribute: "cdsify_Account1",
      singleNavigation: "cdsify_Account1",
      collectionNavigation: "cdsify_Account_Account1_Account",
      cascadeDelete: "RemoveLink",
    });
  });

  it("reads a SolutionPackager folder: N:N relationship files, global option sets and attribute maps", () => {
    const solution = readSolution(exportPath("isoqar-opportunity-unmanaged"));
    expect(solution.uniqueName).toBe("isoqarsolution");
    expect(solution.manyToMany).toContainEqual(
      expect.objectContaining({
        schemaName: "safe_consultantreferrals_ianconsultancies",
        entity1LogicalName: "safe_accountprofile",
        entity2LogicalName: "samar_consultantreferrals",
        entity1NavigationPropertyName: "safe_consultantreferrals_ianconsultancies",
      }),
    );
    const region = solution.optionSets.find((o) => o.name === "safe_region")!;
    expect(region.options.slice(0, 2)).toEqual([
      { value: 779150000, label: "London" },
      { value: 779150001, label: "South East" },
    ]);
    const leadToOpportunity = solution.entityMaps.find((m) => m.source === "lead" && m.target === "opportunity")!;
    expect(leadToOpportunity.maps).toContainEqual({ source: "leadsourcecode", target: "samar_leadsource" });
  });

  it("applies an export to an environment, skipping what refers to tables the environment lacks", () => {
    const env = new DataverseEnvironment("test");
    const summary = applySolution(env, readSolution(exportPath("dataverseify-integrationtests-unmanaged")));
    expect(summary.tables).toEqual(["account", "cdsify_integrationtest"]);
    expect(env.catalog.navigation("account", "cdsify_Account1")).toMatchObject({ kind: "single", attribute: "cdsify_account1" });
    expect(env.catalog.entityBySetName("cdsify_integrationtests")?.attributes.get("ownerid")?.type).toBe("Owner");
    expect(summary.warnings.some((w) => w.includes("FileAttachment") || w.includes("fileattachment"))).toBe(true);
    expect(env.findByKey("solution", { uniquename: "cdsifyintegrationtests" })).toBeDefined();
  });

  it("reads multi-table lookups of a managed zip as one column with several targets", () => {
    const env = new DataverseEnvironment("test");
    applySolution(env, readSolution(exportPath("polymorphiclookup-managed", "polymorphiclookupexamplesolution.zip")));
    const lookup = env.catalog.requireEntity("sample_media").attributes.get("sample_mediapolymorphiclookup");
    expect(lookup?.targets?.sort()).toEqual(["sample_audio", "sample_book", "sample_video"]);
    expect(env.catalog.navigationForLookup("sample_media", "sample_mediapolymorphiclookup", "sample_book")).toBe("sample_MediaPolymorphicLookup_sample_book");
  });

  it("refuses a file that is not a solution zip with the platform's message", () => {
    expect(() => readSolutionZip(strToU8("definitely not a zip"))).toThrow(new SolutionFormatError(INVALID_SOLUTION_FILE));
    const noCustomizations = zipSync({ "solution.xml": strToU8("<ImportExportXml/>"), "[Content_Types].xml": strToU8("<Types/>") });
    expect(() => readSolutionZip(noCustomizations)).toThrow(INVALID_SOLUTION_FILE);
    const broken = zipSync({
      "solution.xml": readFileSync(path.join(exportPath("dataverseify-integrationtests-unmanaged"), "solution.xml")),
      "customizations.xml": strToU8("<ImportExportXml><Entities>"),
      "[Content_Types].xml": strToU8("<Types/>"),
    });
    expect(() => readSolutionZip(broken)).toThrow(/customizations\.xml is not well-formed XML/);
  });
});

describe("solution loader on the product's solution source", () => {
  const solution = readSolution(PRODUCT_SOLUTION);

  it("declares every Opportunity column, the catalog table with its key, the N:N and the environment variables", () => {
    const opportunity = solution.tables.find((t) => t.logicalName === "opportunity")!;
    expect(opportunity.attributes.map((a) => a.logicalName)).toEqual(expect.arrayContaining(Object.values(OpportunityColumns)));
    const catalog = solution.tables.find((t) => t.logicalName === SolutionTable.logicalName)!;
    expect(catalog).toMatchObject({ isNew: true, entitySetName: SolutionTable.entitySetName, primaryNameAttribute: SolutionTable.name });
    expect(catalog.keys).toContainEqual(expect.objectContaining({ logicalName: SolutionTable.alternateKey, keyAttributes: [SolutionTable.solutionIdentifier] }));
    expect(solution.manyToMany.map((r) => r.schemaName)).toContain(OpportunitySolutionRelationship.schemaName);
    expect(solution.environmentVariables.map((v) => v.schemaName).sort()).toEqual(Object.values(EnvironmentVariables).map((v) => v.schemaName).sort());
  });
});
