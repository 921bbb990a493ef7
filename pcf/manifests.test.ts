/**
 * The manifests are what the solution packer and Dataverse read: these checks keep them, the typed
 * declarations the code compiles against, and the six resx files of each control in step.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { HelpNeededOptions, Languages, SolutionKindOptions, SolutionNames, SyncStatusOptions } from "@cosell/core";
import { readResx } from "./__mocks__/resx";
import { declarations as auditTimeline } from "./AuditTimeline/manifest";
import { declarations as helpNeeded } from "./HelpNeeded/manifest";
import { declarations as solutionsGrid } from "./SolutionsGrid/manifest";
import { declarations as visibility } from "./Visibility/manifest";

const declared: Record<string, Record<string, string>> = {
  AuditTimeline: auditTimeline,
  HelpNeeded: helpNeeded,
  SolutionsGrid: solutionsGrid,
  Visibility: visibility,
};

type Attributes = Record<string, string>;

interface ParsedManifest {
  control: Attributes;
  property: Attributes[];
  dataSet: Attributes[];
  code: Attributes[];
  platformLibrary: Attributes[];
  resx: Attributes[];
}

// fast-xml-parser refuses an attribute named "constructor"; the DOM parser of jsdom reads it as XML.
function manifestOf(control: string): ParsedManifest {
  const xml = fs.readFileSync(path.join(__dirname, control, "ControlManifest.Input.xml"), "utf8");
  const document = new DOMParser().parseFromString(xml, "application/xml");
  const attributes = (element: Element): Attributes => Object.fromEntries([...element.attributes].map((a) => [a.name, a.value]));
  const all = (selector: string) => [...document.querySelectorAll(selector)].map(attributes);
  return {
    control: attributes(document.querySelector("manifest > control")!),
    property: all("control > property"),
    dataSet: all("control > data-set"),
    code: all("resources > code"),
    platformLibrary: all("resources > platform-library"),
    resx: all("resources > resx"),
  };
}

const controlFolders = fs
  .readdirSync(__dirname, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(__dirname, entry.name, "ControlManifest.Input.xml")))
  .map((entry) => entry.name)
  .sort();

/** Keys the code builds from option names, codes and outcomes. */
const builtKeys: Record<string, string[]> = {
  AuditTimeline: [
    ...Object.keys(SyncStatusOptions).map((status) => `Status_${status}`),
    ...["success", "error", "warning", "info"].map((outcome) => `Outcome_${outcome}`),
    ...["toPartnerCenter", "toCrm", "local"].map((direction) => `Direction_${direction}`),
  ],
  HelpNeeded: [
    ...Object.keys(HelpNeededOptions).flatMap((code) => [`Help_${code}`, `Help_${code}_Desc`]),
    ...["contact", "solution"].map((need) => `Need_${need}`),
    ...["contact-required", "contact-incomplete", "solution-required"].map((rule) => `Rule_${rule}`),
  ],
  SolutionsGrid: Object.keys(SolutionKindOptions).map((kind) => `Kind_${kind}`),
  Visibility: [],
};

/** String keys the control's code passes to the translator as literals. */
function literalKeys(control: string): string[] {
  const keys = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["generated", "strings"].includes(entry.name)) visit(file);
      } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
        for (const match of fs.readFileSync(file, "utf8").matchAll(/\bt\("([A-Za-z_]+)"/g)) keys.add(match[1]);
      }
    }
  };
  visit(path.join(__dirname, control));
  return [...keys];
}

describe("control manifests", () => {
  it("declare exactly the controls the solution ships", () => {
    expect(controlFolders).toEqual([...SolutionNames.controls].sort());
  });

  describe.each(controlFolders)("%s", (control) => {
    const manifest = manifestOf(control);
    const strings = new Map(Languages.map((lcid) => [lcid, readResx(control, lcid)]));

    it("is a virtual React control in the CoSell namespace on the platform libraries", () => {
      expect(manifest.control).toMatchObject({ namespace: SolutionNames.pcfNamespace, constructor: control, "control-type": "virtual" });
      expect(manifest.code).toEqual([{ path: "index.ts", order: "1" }]);
      expect(manifest.platformLibrary).toEqual([
        { name: "React", version: "16.14.0" },
        { name: "Fluent", version: "8.121.1" },
      ]);
    });

    it("declares the properties the code is typed against", () => {
      const properties = Object.fromEntries(manifest.property.map((p) => [p.name, p["of-type"]]));
      const dataSets = Object.fromEntries(manifest.dataSet.map((d) => [d.name, "DataSet"]));
      expect({ ...properties, ...dataSets }).toEqual(declared[control]);
    });

    it("lists a resx for every product language", () => {
      expect(manifest.resx.map((r) => r.path)).toEqual(Languages.map((lcid) => `strings/${control}.${lcid}.resx`));
    });

    it("has every string in every language, with the same placeholders", () => {
      const english = strings.get(1033)!;
      const placeholders = (text: string) => (text.match(/\{\d+\}/g) ?? []).sort();
      for (const [lcid, translated] of strings) {
        expect({ lcid, keys: [...translated.keys()].sort() }).toEqual({ lcid, keys: [...english.keys()].sort() });
        for (const [key, value] of translated) {
          expect({ lcid, key, empty: value.trim() === "" }).toEqual({ lcid, key, empty: false });
          expect({ lcid, key, placeholders: placeholders(value) }).toEqual({ lcid, key, placeholders: placeholders(english.get(key)!) });
        }
      }
    });

    it("has the strings its manifest and code refer to", () => {
      const english = strings.get(1033)!;
      const manifestKeys = [manifest.control, ...manifest.property, ...manifest.dataSet].flatMap((node) =>
        [node["display-name-key"], node["description-key"]].filter(Boolean),
      );
      const missing = [...manifestKeys, ...literalKeys(control), ...builtKeys[control]].filter((key) => !english.has(key));
      expect(missing).toEqual([]);
    });
  });
});
