import fs from "node:fs";
import path from "node:path";
import { HelpNeededOptions, OpportunityColumns } from "@cosell/core";
import { PackError, packSolution } from "./pack";
import { readProductVersion } from "./version";
import { repoRoot } from "./paths";
import { copySolutionSource, editFile, packWithFixtureBuilds } from "./test-support/packed";
import { controlManifest, writeFixtureBuilds } from "./test-support/fixture-builds";
import { child, childText, descendants, parseXml } from "./xml";
import { readZip } from "./zip";

const version = readProductVersion(repoRoot);
const text = (bytes: Uint8Array | undefined): string => new TextDecoder().decode(bytes);

describe("packing the solution source", () => {
  const [managed, unmanaged] = packWithFixtureBuilds();

  it("produces a managed and an unmanaged zip named after the solution and its version", () => {
    const tag = version.solution.replace(/\./g, "_");
    expect(managed.fileName).toBe(`CoSellConnector_${tag}_managed.zip`);
    expect(unmanaged.fileName).toBe(`CoSellConnector_${tag}.zip`);
  });

  it("marks each package managed or unmanaged and stamps the product version", () => {
    for (const pkg of [managed, unmanaged]) {
      const manifest = child(parseXml(text(readZip(pkg.bytes, pkg.fileName).get("solution.xml")), "solution.xml"), "SolutionManifest")!;
      expect(childText(manifest, "Managed")).toBe(pkg.managed ? "1" : "0");
      expect(childText(manifest, "Version")).toBe(version.solution);
    }
  });

  it("is deterministic: packing the same source twice gives byte-identical zips", () => {
    const [managedAgain, unmanagedAgain] = packWithFixtureBuilds();
    expect(Buffer.from(managedAgain.bytes).equals(Buffer.from(managed.bytes))).toBe(true);
    expect(Buffer.from(unmanagedAgain.bytes).equals(Buffer.from(unmanaged.bytes))).toBe(true);
  });

  it("carries the Opportunity columns, the built controls and web resources into the package", () => {
    const entries = readZip(managed.bytes, managed.fileName);
    const customizations = parseXml(text(entries.get("customizations.xml")), "customizations.xml");
    const columns = descendants(customizations, "attribute").map((a) => childText(a, "LogicalName"));
    expect(columns).toEqual(expect.arrayContaining(Object.values(OpportunityColumns)));
    const helpNeeded = descendants(customizations, "optionset").find((o) => o.attrs.Name === "cosell_opportunity_cosell_helpneeded")!;
    expect(descendants(helpNeeded, "option").map((o) => Number(o.attrs.value))).toEqual(Object.values(HelpNeededOptions));
    expect(text(entries.get("Controls/cosell_CoSell.HelpNeeded/bundle.js"))).toContain("HelpNeeded");
    const script = descendants(customizations, "WebResource").find((w) => childText(w, "Name") === "cosell_/js/OpportunityForm.js")!;
    expect(entries.has(childText(script, "FileName")!.slice(1))).toBe(true);
  });
});

describe("refusing to pack", () => {
  const pack = (sourceDir: string, builds = writeFixtureBuilds(version.control)): PackError => {
    try {
      packSolution({ sourceDir, controlsDir: builds.controlsDir, webResourcesDir: builds.webResourcesDir, version });
    } catch (error) {
      if (error instanceof PackError) return error;
      throw error;
    } finally {
      builds.cleanup();
    }
    throw new Error("packing succeeded");
  };

  it("names every control and web resource whose build is missing, with the command that builds it", () => {
    const builds = writeFixtureBuilds(version.control);
    fs.rmSync(path.join(builds.controlsDir, "Visibility"), { recursive: true });
    fs.rmSync(path.join(builds.webResourcesDir, "webresources.json"));
    const error = pack(path.join(repoRoot, "solution"), builds);
    expect(error.problems).toEqual([
      expect.stringMatching(/cosell_CoSell\.Visibility: no built control .* run "npm run build -w pcf"/),
      expect.stringMatching(/no web resources build .* run "npm run build -w webresources"/),
    ]);
  });

  it("names a web resources list that is not JSON instead of failing with a bare parse error", () => {
    const builds = writeFixtureBuilds(version.control);
    fs.writeFileSync(path.join(builds.webResourcesDir, "webresources.json"), "[{ truncated");
    expect(pack(path.join(repoRoot, "solution"), builds).problems).toEqual([
      expect.stringMatching(/webresources\.json is not valid JSON \(.+\) — rebuild with "npm run build -w webresources"$/),
    ]);
  });

  it("rejects a control built with another version than the product", () => {
    const builds = writeFixtureBuilds(version.control);
    fs.writeFileSync(path.join(builds.controlsDir, "HelpNeeded", "ControlManifest.xml"), controlManifest("HelpNeeded", "0.0.1"));
    expect(pack(path.join(repoRoot, "solution"), builds).message).toMatch(/HelpNeeded.*built as version 0\.0\.1, expected/);
  });

  it("rejects source whose names or option values drift from core's schema.ts", () => {
    const copy = copySolutionSource();
    try {
      editFile(path.join(copy.dir, "Entities/Opportunity/Entity.xml"), (t) => t.replace('<option value="645210003"', '<option value="645210009"'));
      editFile(path.join(copy.dir, "Entities/Lead/Entity.xml"), (t) => t.replace(/<Name>cosell_declinereason<\/Name>/, "<Name>cosell_reason</Name>").replace(/<LogicalName>cosell_declinereason</, "<LogicalName>cosell_reason<"));
      const problems = pack(copy.dir).problems.join("\n");
      expect(problems).toMatch(/Opportunity\/Entity\.xml: cosell_helpneeded options are \[.*645210009.*\] but schema\.ts has/);
      expect(problems).toMatch(/Lead\/Entity\.xml: custom columns are \[.*cosell_reason.*\] but schema\.ts expects/);
    } finally {
      copy.cleanup();
    }
  });

  it("rejects a label that is not in all six product languages", () => {
    const copy = copySolutionSource();
    try {
      editFile(path.join(copy.dir, "environmentvariabledefinitions/cosell_RelayUrl/environmentvariabledefinition.xml"), (t) => t.replace(/\s*<label description="[^"]*" languagecode="1045" \/>/, ""));
      expect(pack(copy.dir).message).toMatch(/cosell_RelayUrl.*has languages \[1033, 1053, 2052, 1043, 1040\], expected \[1033, 1053, 2052, 1043, 1040, 1045\]/);
    } finally {
      copy.cleanup();
    }
  });

  it("rejects source whose Solution.xml version was not stamped", () => {
    const copy = copySolutionSource();
    try {
      editFile(path.join(copy.dir, "Other/Solution.xml"), (t) => t.replace(/<Version>[^<]*<\/Version>/, "<Version>9.9.9.9</Version>"));
      expect(pack(copy.dir).message).toContain(`<Version>9.9.9.9</Version> differs from package.json (${version.solution}) — run "npm run version:stamp"`);
    } finally {
      copy.cleanup();
    }
  });
});
