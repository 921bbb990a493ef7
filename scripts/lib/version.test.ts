import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { controlManifestVersion, parseProductVersion, solutionXmlVersion, stampControlManifest, stampedManifestVersion } from "./version";
import { stampTargets, stampVersions } from "./version-stamp";

describe("product version", () => {
  it("maps package.json x.y.z to the control version and the four-part solution version", () => {
    expect(parseProductVersion("1.4.12", "package.json")).toEqual({ control: "1.4.12", solution: "1.4.12.0" });
  });

  it("rejects versions Dataverse cannot hold, saying why", () => {
    expect(() => parseProductVersion("1.0.0-beta.1", "package.json")).toThrow(/package\.json: version "1\.0\.0-beta\.1" must be three numbers .* cannot carry pre-release/);
    expect(() => parseProductVersion("1.0", "package.json")).toThrow(/must be three numbers/);
  });

  it("stamps the control and its resx/css resources, leaving platform library versions alone", () => {
    const manifest =
      '<manifest><control namespace="CoSell" constructor="HelpNeeded" version="0.0.1" display-name-key="x"><resources><code path="index.ts" order="1" />' +
      '<platform-library name="React" version="16.14.0" /><resx path="s.1033.resx" version="0.0.1" /><resx path="s.1053.resx" version="1.0.0" /><css path="c.css" version="1.0.0" /></resources></control></manifest>';
    expect(stampedManifestVersion(manifest)).toBe("mixed");
    const stamped = stampControlManifest(manifest, "2.3.4", "m");
    expect(controlManifestVersion(stamped)).toBe("2.3.4");
    expect(stampedManifestVersion(stamped)).toBe("2.3.4");
    expect(stamped).toContain('<platform-library name="React" version="16.14.0" /><resx path="s.1033.resx" version="2.3.4" /><resx path="s.1053.resx" version="2.3.4" /><css path="c.css" version="2.3.4" />');
    expect(() => stampControlManifest("<manifest />", "1.0.0", "ControlManifest.Input.xml")).toThrow("ControlManifest.Input.xml: no <control … version=\"…\"> to stamp");
  });
});

describe("npm run version:stamp", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "cosell-stamp-"));
    fs.mkdirSync(path.join(root, "solution", "Other"), { recursive: true });
    fs.writeFileSync(path.join(root, "solution", "Other", "Solution.xml"), "<ImportExportXml><SolutionManifest><Version>0.0.1.0</Version><Managed>2</Managed></SolutionManifest></ImportExportXml>");
    for (const control of ["HelpNeeded", "Visibility"]) {
      fs.mkdirSync(path.join(root, "pcf", control), { recursive: true });
      fs.writeFileSync(path.join(root, "pcf", control, "ControlManifest.Input.xml"), `<manifest><control namespace="CoSell" constructor="${control}" version="0.0.1" /></manifest>`);
    }
    fs.mkdirSync(path.join(root, "pcf", "out", "controls", "HelpNeeded"), { recursive: true });
    fs.writeFileSync(path.join(root, "pcf", "out", "controls", "HelpNeeded", "ControlManifest.Input.xml"), '<manifest><control version="0.0.1" /></manifest>');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("writes the product version into Solution.xml and every control manifest source, leaving build output alone", () => {
    const version = parseProductVersion("0.2.0", "package.json");
    const changed = stampVersions(root, version).map((t) => path.relative(root, t.file).split(path.sep).join("/"));
    expect(changed).toEqual(["solution/Other/Solution.xml", "pcf/HelpNeeded/ControlManifest.Input.xml", "pcf/Visibility/ControlManifest.Input.xml"]);
    expect(solutionXmlVersion(fs.readFileSync(path.join(root, "solution/Other/Solution.xml"), "utf8"))).toBe("0.2.0.0");
    expect(controlManifestVersion(fs.readFileSync(path.join(root, "pcf/Visibility/ControlManifest.Input.xml"), "utf8"))).toBe("0.2.0");
    expect(controlManifestVersion(fs.readFileSync(path.join(root, "pcf/out/controls/HelpNeeded/ControlManifest.Input.xml"), "utf8"))).toBe("0.0.1");
    expect(stampTargets(root, version).every((t) => t.current === t.wanted)).toBe(true);
    expect(stampVersions(root, version)).toEqual([]);
  });

  it("changes no file when one of them cannot be stamped", () => {
    const broken = path.join(root, "pcf", "Visibility", "ControlManifest.Input.xml");
    fs.writeFileSync(broken, '<manifest><control namespace="CoSell" constructor="Visibility" /></manifest>');
    expect(() => stampVersions(root, parseProductVersion("0.2.0", "package.json"))).toThrow(`${broken}: no <control … version="…"> to stamp`);
    expect(solutionXmlVersion(fs.readFileSync(path.join(root, "solution/Other/Solution.xml"), "utf8"))).toBe("0.0.1.0");
    expect(controlManifestVersion(fs.readFileSync(path.join(root, "pcf/HelpNeeded/ControlManifest.Input.xml"), "utf8"))).toBe("0.0.1");
  });
});
