import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { runInNewContext } from "node:vm";
import { XMLParser } from "fast-xml-parser";
import { Languages, SolutionNames } from "@cosell/core";
import { resourceStrings } from "../src/strings";
import { FORM_SCRIPT_BUDGET, buildWebResources, type WebResourceFile } from "./bundle";

let outDir: string;
let files: WebResourceFile[];
beforeAll(async () => {
  outDir = await mkdtemp(path.join(tmpdir(), "cosell-webresources-"));
  files = await buildWebResources(outDir);
}, 60_000);
afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const read = (file: string) => readFile(path.join(outDir, file), "utf8");

test("every web resource the solution registers is built, and the manifest says what each one is", async () => {
  const manifest = JSON.parse(await read("webresources.json")) as WebResourceFile[];
  expect(manifest).toEqual(files);
  expect(Object.fromEntries(files.map((f) => [f.file, f.name]))).toEqual({
    "OpportunityForm.js": SolutionNames.opportunityFormScript,
    "LeadForm.js": SolutionNames.leadFormScript,
    "lib/CoSellLibrary.js": SolutionNames.coSellLibrary,
    "lib/Msal.js": SolutionNames.msalLibrary,
    "html/AuthRedirect.html": SolutionNames.authRedirectPage,
    ...Object.fromEntries(Languages.map((l) => [`strings/FormScripts.${l}.resx`, `${SolutionNames.formScriptStrings}.${l}.resx`])),
  });
  const strings = Languages.map((l) => `${SolutionNames.formScriptStrings}.${l}.resx`);
  expect(files.find((f) => f.file === "OpportunityForm.js")?.dependencies).toEqual(strings);
  expect(files.find((f) => f.file === "LeadForm.js")?.dependencies).toEqual(strings);
});

test("the form scripts and the co-sell library stay within budget", () => {
  for (const file of ["OpportunityForm.js", "LeadForm.js", "lib/CoSellLibrary.js"]) {
    expect([file, files.find((f) => f.file === file)!.bytes <= FORM_SCRIPT_BUDGET]).toEqual([file, true]);
  }
});

test("both form scripts share the CoSell namespace on one page without clobbering it", async () => {
  const page: Record<string, unknown> = { CoSell: { Existing: { keep: true } } };
  runInNewContext(await read("OpportunityForm.js"), page);
  runInNewContext(await read("LeadForm.js"), page);
  const ns = page.CoSell as Record<string, Record<string, unknown>>;
  expect(ns.Existing).toEqual({ keep: true });
  for (const name of ["onLoad", "onSave", "onCoSellFieldChange", "shareWithMicrosoft", "isShareEnabled"]) {
    expect([name, typeof ns.OpportunityForm[name]]).toEqual([name, "function"]);
  }
  for (const name of ["onLoad", "acceptReferral", "declineReferral", "isReferralPending"]) {
    expect([name, typeof ns.LeadForm[name]]).toEqual([name, "function"]);
  }
});

test("the lazily imported libraries are ES modules exporting what the scripts use", async () => {
  expect(await read("lib/CoSellLibrary.js")).toMatch(/export\{[^}]*\bcheckOpportunity\b[^}]*\}/);
  expect(await read("lib/CoSellLibrary.js")).toMatch(/export\{[^}]*\brelayClientFor\b[^}]*\}/);
  const msal = await read("lib/Msal.js");
  expect(msal).toMatch(/export\{[^}]*\bPublicClientApplication\b[^}]*\}/);
  expect(msal).toMatch(/export\{[^}]*\bInteractionRequiredAuthError\b[^}]*\}/);
});

test("the sign-in redirect page runs MSAL's redirect bridge inline", async () => {
  const html = await read("html/AuthRedirect.html");
  expect(html).toMatch(/^<!DOCTYPE html>/);
  const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? "";
  expect(script.length).toBeGreaterThan(1000);
  expect(script).not.toMatch(/<\/script/i);
});

test.each([...Languages])("the RESX for %i is a well-formed .NET resource file with every string", async (lcid) => {
  const xml = await read(`strings/FormScripts.${lcid}.resx`);
  const parsed = new XMLParser({ ignoreAttributes: false }).parse(xml) as {
    root: { resheader: { "@_name": string; value: string }[]; data: { "@_name": string; value: string }[] };
  };
  expect(parsed.root.resheader.find((h) => h["@_name"] === "resmimetype")?.value).toBe("text/microsoft-resx");
  const data = Object.fromEntries(parsed.root.data.map((d) => [d["@_name"], String(d.value)]));
  expect(data).toEqual(resourceStrings(lcid));
});
