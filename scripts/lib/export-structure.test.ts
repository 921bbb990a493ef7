/**
 * Our packages against real Dataverse exports (../shared/reference/solutions/): same root parts,
 * same customizations.xml section order, same headers, byte order marks, line endings and content
 * types, same naming of web resource and control parts.
 */
import fs from "node:fs";
import path from "node:path";
import { defaultPaths } from "./paths";
import { packWithFixtureBuilds } from "./test-support/packed";
import { child, childText, children, descendants, parseXml } from "./xml";
import { readZip } from "./zip";

const referenceZips = ["contoso-envvar-managed", "columnlevelsecurity-pair", "codeinterpreter-sample-managed", "polymorphiclookup-managed"].flatMap((folder) =>
  fs
    .readdirSync(path.join(defaultPaths.referenceSolutions, folder))
    .filter((f) => f.endsWith(".zip"))
    .map((f) => ({ name: `${folder}/${f}`, entries: readZip(fs.readFileSync(path.join(defaultPaths.referenceSolutions, folder, f)), f) })),
);
/** Raw layouts are the files of an export zip (code payloads removed). */
const referenceRaw = ["dataverseify-integrationtests-managed", "secondaryrecordsource-account-managed-diff", "tactec-project-task-unmanaged"].map((folder) => {
  const dir = path.join(defaultPaths.referenceSolutions, folder);
  const root = ["customizations.xml", "solution.xml", "[Content_Types].xml"];
  return { name: folder, entries: new Map(root.map((f) => [f, new Uint8Array(fs.readFileSync(path.join(dir, f)))])) };
});
const references = [...referenceZips, ...referenceRaw];
const newest = referenceZips.find((r) => r.name.startsWith("polymorphiclookup-managed"))!;

const [managed, unmanaged] = packWithFixtureBuilds();
const ours = [managed, unmanaged].map((p) => ({ name: p.fileName, entries: readZip(p.bytes, p.fileName) }));

const raw = (bytes: Uint8Array | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString("utf8");
const xmlOf = (entries: Map<string, Uint8Array>, part: string) => parseXml(raw(entries.get(part)), part);
const rootAttributeNames = (text: string): string[] => [.../^\uFEFF?<\w+([^>]*)>/.exec(text)![1].matchAll(/\s([\w:]+)="/g)].map((m) => m[1]);
const sectionOrder = (entries: Map<string, Uint8Array>): string[] => xmlOf(entries, "customizations.xml").children.map((c) => c.name);

describe.each(ours)("$name compared with real exports", ({ entries }) => {
  it("has the same files at the zip root as every real export", () => {
    const rootFiles = (e: Map<string, Uint8Array>) => [...e.keys()].filter((p) => !p.includes("/")).sort();
    for (const reference of referenceZips) expect(rootFiles(entries)).toEqual(rootFiles(reference.entries));
  });

  it("orders the customizations.xml sections as the exports do, with every section all exports share", () => {
    const order = sectionOrder(entries);
    for (const reference of references) {
      const theirs = sectionOrder(reference.entries);
      const shared = order.filter((s) => theirs.includes(s));
      expect(shared).toEqual(theirs.filter((s) => order.includes(s)));
    }
    const common = references.map((r) => sectionOrder(r.entries)).reduce((a, b) => a.filter((s) => b.includes(s)));
    expect(order).toEqual(expect.arrayContaining(common));
  });

  it("uses the root attributes of the newest export on solution.xml and customizations.xml", () => {
    for (const part of ["solution.xml", "customizations.xml"]) {
      expect(rootAttributeNames(raw(entries.get(part)))).toEqual(rootAttributeNames(raw(newest.entries.get(part))));
    }
    const solution = raw(entries.get("solution.xml"));
    expect(/generatedBy="CrmLive"/.test(solution) && /SolutionPackageVersion="9\.2"/.test(solution)).toBe(true);
  });

  it("writes byte order marks, declarations, line endings and file ends like the exports", () => {
    const shape = (text: string) => ({ bom: text.startsWith("\uFEFF"), declaration: /^\uFEFF?<\?xml/.test(text), crlfOnly: !/[^\r]\n/.test(text), trailingNewline: /\n$/.test(text) });
    for (const part of ["[Content_Types].xml", "solution.xml", "customizations.xml"]) {
      for (const reference of referenceZips) expect({ part, ...shape(raw(entries.get(part))) }).toEqual({ part, ...shape(raw(reference.entries.get(part))) });
    }
  });

  it("orders the solution manifest and publisher like the exports", () => {
    const manifest = (e: Map<string, Uint8Array>) => child(xmlOf(e, "solution.xml"), "SolutionManifest")!;
    const names = (el: { children: Array<{ name: string }> }) => el.children.map((c) => c.name);
    expect(names(manifest(entries))).toEqual(names(manifest(newest.entries)));
    expect(names(child(manifest(entries), "Publisher")!)).toEqual(names(child(manifest(newest.entries), "Publisher")!));
    const addresses = (e: Map<string, Uint8Array>) => descendants(manifest(e), "Address").map(names);
    expect(addresses(entries)).toEqual(addresses(newest.entries));
  });

  it("declares content types as CrmLive does: octet-stream defaults, an override per extension-less part", () => {
    const types = (e: Map<string, Uint8Array>) => xmlOf(e, "[Content_Types].xml");
    expect(types(entries).attrs.xmlns).toBe(types(newest.entries).attrs.xmlns);
    for (const reference of [...references, { name: "ours", entries }]) {
      expect(new Set(descendants(types(reference.entries), "Default").map((d) => d.attrs.ContentType))).toEqual(new Set(["application/octet-stream"]));
      expect(children(types(reference.entries), "Default")[0].attrs.Extension).toBe("xml");
    }
    const overrides = children(types(entries), "Override").map((o) => o.attrs.PartName);
    expect(overrides).toEqual([...entries.keys()].filter((p) => !/\.[^/]+$/.test(p)).map((p) => `/${p}`).sort());
  });

  it("names web resource parts like the exports: the name without separators, then the upper-case id", () => {
    const rule = (resource: ReturnType<typeof parseXml>) =>
      `/WebResources/${childText(resource, "Name")!.replace(/[^A-Za-z0-9_-]/g, "")}${childText(resource, "WebResourceId")!.replace(/[{}]/g, "").toUpperCase()}`;
    const exported = [...references, { name: "ours", entries }].flatMap((r) => descendants(xmlOf(r.entries, "customizations.xml"), "WebResource"));
    expect(exported.length).toBeGreaterThan(2);
    for (const resource of exported) expect(childText(resource, "FileName")).toBe(rule(resource));
  });

  it("stores environment variables in the export's folder layout and element order", () => {
    const contoso = referenceZips.find((r) => r.name.startsWith("contoso"))!;
    const theirs = [...contoso.entries.keys()].find((p) => p.endsWith("environmentvariabledefinition.xml"))!;
    const order = xmlOf(contoso.entries, theirs).children.map((c) => c.name);
    const variables = [...entries.keys()].filter((p) => p.startsWith("environmentvariabledefinitions/"));
    expect(variables).toHaveLength(5);
    for (const part of variables) {
      expect(part).toMatch(/^environmentvariabledefinitions\/cosell_\w+\/environmentvariabledefinition\.xml$/);
      expect(raw(entries.get(part)).startsWith("<environmentvariabledefinition ")).toBe(raw(contoso.entries.get(theirs)).startsWith("<environmentvariabledefinition "));
      const names = xmlOf(entries, part).children.map((c) => c.name).filter((n) => order.includes(n));
      expect(names).toEqual(order.filter((n) => names.includes(n)));
    }
  });

  it("places each control's built files under Controls/<name>/ as the CustomControl entry says", () => {
    const controls = descendants(xmlOf(entries, "customizations.xml"), "CustomControl");
    expect(controls.map((c) => childText(c, "Name"))).toEqual(["cosell_CoSell.AuditTimeline", "cosell_CoSell.HelpNeeded", "cosell_CoSell.SolutionsGrid", "cosell_CoSell.Visibility"]);
    for (const control of controls) {
      expect(childText(control, "FileName")).toBe(`/Controls/${childText(control, "Name")}/ControlManifest.xml`);
      expect(entries.has(`Controls/${childText(control, "Name")}/bundle.js`)).toBe(true);
    }
  });
});
