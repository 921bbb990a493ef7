import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { defaultPaths, repoRoot } from "../paths";
import { editZip, packWithFixtureBuilds } from "../test-support/packed";
import { readZip } from "../zip";
import { checkSolutionPackage, formatReport } from "./check-package";
import { loadSchemaSet, validateCustomizations } from "./customizations-schema";
import { checkStructure, openPackage } from "./structure";

jest.setTimeout(120_000);

const schemas = loadSchemaSet(defaultPaths.customizationsSchemas);
const [managed, unmanaged] = packWithFixtureBuilds();

function structureProblems(bytes: Uint8Array): string[] {
  const { pkg, problems } = openPackage(readZip(bytes, "test"));
  return pkg ? checkStructure(pkg) : problems;
}

describe("our packages", () => {
  it.each([managed, unmanaged])("$fileName passes, with only the schema gaps real exports have", async ({ bytes, fileName }) => {
    const report = await checkSolutionPackage(bytes, fileName, schemas);
    expect(report.structureErrors).toEqual([]);
    expect(report.schemaErrors).toEqual([]);
    expect(report.knownGaps.map((g) => g.gap.id).sort()).toEqual(["export-version-attributes", "form-diff-markup", "newer-metadata-elements"]);
    expect(report.ok).toBe(true);
    expect(formatReport(report)).toMatch(/^✔ .*\n {2}structure: ok\n {2}customizations\.xml schema: ok apart from known schema gaps/);
  });
});

describe("known schema gaps are calibrated on real exports", () => {
  const files = fs
    .readdirSync(defaultPaths.referenceSolutions, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const dir = path.join(defaultPaths.referenceSolutions, d.name);
      const rawFile = path.join(dir, "customizations.xml");
      if (fs.existsSync(rawFile)) return [{ name: d.name, xml: fs.readFileSync(rawFile, "utf8") }];
      return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".zip"))
        .map((f) => ({ name: `${d.name}/${f}`, xml: new TextDecoder().decode(readZip(fs.readFileSync(path.join(dir, f)), f).get("customizations.xml")) }));
    });

  it("finds nothing but known gaps in every exported customizations.xml, even after stripping them", async () => {
    expect(files.length).toBeGreaterThanOrEqual(9);
    const unexplained: string[] = [];
    for (const { name, xml } of files) {
      for (const finding of await validateCustomizations(xml, schemas)) if (!finding.knownGap) unexplained.push(`${name}:${finding.line}: ${finding.message}`);
    }
    expect(unexplained).toEqual([]);
  });
});

describe("schema errors that are ours", () => {
  it("reports an element the schema does not allow, even where libxml2 stopped after a known gap", async () => {
    // <IsSearchable> is a known gap; libxml2 skips the rest of that attribute, so the bogus element is found on the second pass.
    const broken = editZip(managed.bytes, { "customizations.xml": (t) => t.replace("<IsFilterable>1</IsFilterable>", "<IsFilterable>1</IsFilterable><MaxLenght>5</MaxLenght>") });
    const report = await checkSolutionPackage(broken, "broken.zip", schemas);
    expect(report.ok).toBe(false);
    expect(report.schemaErrors).toEqual([expect.objectContaining({ hidden: true, message: expect.stringMatching(/Element 'MaxLenght': This element is not expected/) })]);
    expect(formatReport(report)).toMatch(/✖ customizations\.xml:\d+: Element 'MaxLenght'.*\(found after removing known gaps\)/);
  });

  it("reports a value the schema type does not allow", async () => {
    const broken = editZip(managed.bytes, { "customizations.xml": (t) => t.replace("<IsCustomizable>1</IsCustomizable>", "<IsCustomizable>sometimes</IsCustomizable>") });
    const report = await checkSolutionPackage(broken, "broken.zip", schemas);
    expect(report.schemaErrors.map((e) => e.message)).toEqual([expect.stringMatching(/^Element 'IsCustomizable': .*'sometimes'/)]);
  });
});

describe("structural checks", () => {
  const customizations = "customizations.xml";

  it("accepts our packages", () => {
    expect(structureProblems(managed.bytes)).toEqual([]);
  });

  it("finds a FileName that points at a missing part", () => {
    const part = [...readZip(managed.bytes, "m").keys()].find((p) => p.startsWith("WebResources/cosell_jsLeadFormjs"))!;
    expect(structureProblems(editZip(managed.bytes, { [part]: undefined }))).toEqual([`customizations.xml refers to /${part}, which is not in the zip`]);
  });

  it("finds parts without a content type", () => {
    const problems = structureProblems(editZip(managed.bytes, { "[Content_Types].xml": (t) => t.replace('<Default Extension="resx" ContentType="application/octet-stream" />', "") }));
    expect(problems.length).toBe(4);
    expect(problems[0]).toMatch(/^Controls\/cosell_CoSell\.\w+\/strings\/\w+\.1033\.resx has no content type/);
  });

  it("finds a root component without its component, and the reverse", () => {
    const problems = structureProblems(editZip(managed.bytes, { "solution.xml": (t) => t.replace(/\s*<RootComponent type="61" schemaName="cosell_\/js\/Msal\.js" behavior="0" \/>/, "") }));
    expect(problems).toEqual(["customizations.xml <WebResources> has cosell_/js/msal.js, but solution.xml has no RootComponent type=\"61\" for it"]);
  });

  it("finds an id used twice", () => {
    const problems = structureProblems(
      editZip(managed.bytes, { [customizations]: (t) => t.replace(/(<cell id=")\{[^}]+\}(" showlabel="true" locklevel="0" ordinalvalue="10001")/, (_m, a: string, b: string) => `${a}${/<cell id="(\{[^}]+\})" showlabel="true" locklevel="0" ordinalvalue="10000"/.exec(t)![1]}${b}`) }),
    );
    expect(problems).toEqual([expect.stringMatching(/^id \{[0-9a-f-]+\} is used 2 times: cell in form \{[0-9a-f-]+\}; cell in form \{[0-9a-f-]+\}$/)]);
  });

  it("finds names without the publisher prefix and option values without the option value prefix", () => {
    const problems = structureProblems(
      editZip(managed.bytes, {
        [customizations]: (t) => t.replace("<LogicalName>cosell_products</LogicalName>", "<LogicalName>new_products</LogicalName>").replace('<option value="645210002"', '<option value="100000002"'),
      }),
    );
    expect(problems).toContain('column of Opportunity "new_products" does not start with the publisher prefix cosell_');
    expect(problems).toContainEqual(expect.stringMatching(/^(Lead|Opportunity)\.cosell_helpneeded: option value 100000002 does not use the option value prefix 64521/));
  });

  it("finds a handler whose library is not on the form, and a command bar library not in the solution", () => {
    const problems = structureProblems(
      editZip(managed.bytes, {
        [customizations]: (t) =>
          t.replace('functionName="CoSell.OpportunityForm.onSave" libraryName="cosell_/js/OpportunityForm.js"', 'functionName="CoSell.OpportunityForm.onSave" libraryName="cosell_/js/Opportunity.js"')
            .replace('Library="$webresource:cosell_/js/LeadForm.js"', 'Library="$webresource:cosell_/js/Lead.js"'),
      }),
    );
    expect(problems).toEqual([
      "form {a837e4a7-01b8-4f82-a475-be9abd67e667} (Opportunity): handler CoSell.OpportunityForm.onSave uses library cosell_/js/Opportunity.js, which is not in the form's <formLibraries>",
      "command bar of Lead uses $webresource:cosell_/js/Lead.js, which is not a web resource in this solution",
    ]);
  });

  it("finds control descriptions and PCF controls that do not resolve", () => {
    const problems = structureProblems(
      editZip(managed.bytes, {
        [customizations]: (t) =>
          t.replace(/name="cosell_CoSell\.Visibility"/g, 'name="cosell_CoSell.Visible"').replace(/<syncStatus type="OptionSet">/g, '<syncState type="OptionSet">').replace(/(<syncState[^>]*>[^<]*<\/)syncStatus>/g, "$1syncState>"),
      }),
    );
    expect(problems).toContainEqual(expect.stringMatching(/Opportunity\): customControl cosell_CoSell\.Visible is not a <CustomControl> in this solution$/));
    expect(problems).toContainEqual(expect.stringMatching(/cosell_CoSell\.AuditTimeline: parameter "syncState" is not a property of the control \(it has value, syncStatus/));
  });

  it("finds a PCF property bound with a type the manifest does not declare", () => {
    const problems = structureProblems(editZip(managed.bytes, { [customizations]: (t) => t.replace(/<value type="OptionSet">cosell_helpneeded/g, '<value type="SingleLine.Text">cosell_helpneeded') }));
    expect(problems).toContainEqual(expect.stringMatching(/cosell_CoSell\.HelpNeeded: parameter "value" is typed SingleLine\.Text, the control declares OptionSet/));
  });

  it("finds an environment variable default that does not fit its type", () => {
    const part = "environmentvariabledefinitions/cosell_DisplayCheckMark/environmentvariabledefinition.xml";
    expect(structureProblems(editZip(managed.bytes, { [part]: (t) => t.replace("<defaultvalue>yes</defaultvalue>", "<defaultvalue>true</defaultvalue>") }))).toEqual([
      `${part}: a Boolean default must be "yes" or "no", not "true"`,
    ]);
  });

  it("rejects a zip that is not a solution", () => {
    expect(structureProblems(editZip(managed.bytes, { "solution.xml": undefined }))).toEqual(["solution.xml is missing at the zip root — not a solution package"]);
  });
});

describe("npm run solution:check", () => {
  const run = (...zips: string[]) =>
    spawnSync(process.execPath, [path.join(repoRoot, "node_modules/tsx/dist/cli.mjs"), path.join(repoRoot, "scripts/solution-check.ts"), ...zips], { encoding: "utf8", cwd: repoRoot });

  it("exits 0 for good packages and 1, with the reason, when one is broken", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cosell-check-"));
    try {
      const good = path.join(dir, managed.fileName);
      const bad = path.join(dir, "broken.zip");
      fs.writeFileSync(good, managed.bytes);
      fs.writeFileSync(bad, editZip(managed.bytes, { "solution.xml": (t) => t.replace("<Managed>1</Managed>", "<Managed>2</Managed>") }));
      const passed = run(good);
      expect(passed.status).toBe(0);
      expect(passed.stdout).toMatch(/1 package\(s\) passed/);
      const failed = run(good, bad);
      expect(failed.status).toBe(1);
      expect(failed.stdout).toMatch(/✖ solution\.xml: <Managed>2<\/Managed> must be 0 \(unmanaged\) or 1 \(managed\) in a zip/);
      expect(failed.stdout).toMatch(/1 of 2 package\(s\) failed/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
