import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Test fixtures standing in for the pcf-scripts and esbuild outputs, shaped like the real ones
 * (processed ControlManifest.xml with `api-version` and `built-by`, bundle.js, strings/*.resx) and
 * declaring the properties agreed with the controls. Only tests use them; `npm run build` packs the
 * real builds.
 */
export const CONTROL_CONTRACT: Record<string, string> = {
  HelpNeeded: '<property name="value" display-name-key="Value" of-type="OptionSet" usage="bound" required="true" />',
  Visibility: '<property name="value" display-name-key="Value" of-type="TwoOptions" usage="bound" required="true" />',
  SolutionsGrid: '<data-set name="solutions" display-name-key="Solutions" />',
  AuditTimeline: [
    '<property name="value" display-name-key="Audit" of-type="Multiple" usage="bound" required="true" />',
    '<property name="syncStatus" display-name-key="SyncStatus" of-type="OptionSet" usage="bound" />',
    '<property name="referralLink" display-name-key="ReferralLink" of-type="SingleLine.URL" usage="bound" />',
    '<property name="referralStatus" display-name-key="ReferralStatus" of-type="SingleLine.Text" usage="bound" />',
    '<property name="lastSyncedOn" display-name-key="LastSyncedOn" of-type="DateAndTime.DateAndTime" usage="bound" />',
  ].join(""),
};

export function controlManifest(constructorName: string, version: string, body = CONTROL_CONTRACT[constructorName]): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?><manifest><control namespace="CoSell" constructor="${constructorName}" version="${version}" ` +
    `display-name-key="${constructorName}" description-key="${constructorName}_Desc" control-type="virtual" api-version="1.3.18">` +
    `${body}<resources><code path="bundle.js" order="1" /><platform-library name="React" version="16.14.0" />` +
    `<platform-library name="Fluent" version="8.121.1" /><resx path="strings/${constructorName}.1033.resx" version="1.0.0" /></resources>` +
    `<feature-usage /><built-by name="pac" version="1.51.1" /></control></manifest>`
  );
}

export interface FixtureBuilds {
  controlsDir: string;
  webResourcesDir: string;
  cleanup(): void;
}

export function writeFixtureBuilds(version: string): FixtureBuilds {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "cosell-builds-"));
  const controlsDir = path.join(root, "controls");
  const webResourcesDir = path.join(root, "webresources");
  for (const name of Object.keys(CONTROL_CONTRACT)) {
    const dir = path.join(controlsDir, name);
    fs.mkdirSync(path.join(dir, "strings"), { recursive: true });
    fs.writeFileSync(path.join(dir, "ControlManifest.xml"), controlManifest(name, version));
    fs.writeFileSync(path.join(dir, "bundle.js"), `/* test fixture for ${name} */`);
    fs.writeFileSync(path.join(dir, "strings", `${name}.1033.resx`), `<?xml version="1.0" encoding="utf-8"?><root><data name="${name}"><value>${name}</value></data></root>`);
  }
  const strings = [1033, 1053, 2052, 1043, 1040, 1045].map((lcid) => ({
    file: `strings/FormScripts.${lcid}.resx`, name: `cosell_/strings/FormScripts.${lcid}.resx`, type: 12, languageCode: lcid,
  }));
  const dependencies = strings.map((s) => s.name);
  const list = [
    { file: "OpportunityForm.js", name: "cosell_/js/OpportunityForm.js", type: 3, dependencies },
    { file: "LeadForm.js", name: "cosell_/js/LeadForm.js", type: 3, dependencies },
    { file: "lib/CoSellLibrary.js", name: "cosell_/js/CoSellLibrary.js", type: 3, dependencies },
    { file: "lib/Msal.js", name: "cosell_/js/Msal.js", type: 3 },
    { file: "html/AuthRedirect.html", name: "cosell_/html/AuthRedirect.html", type: 1 },
    ...strings,
  ];
  for (const entry of list) {
    const file = path.join(webResourcesDir, entry.file);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `test fixture for ${entry.name}`);
  }
  fs.writeFileSync(path.join(webResourcesDir, "webresources.json"), JSON.stringify(list, null, 2));
  return { controlsDir, webResourcesDir, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}
