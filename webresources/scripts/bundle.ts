/**
 * Builds every web resource this package ships into one folder, plus `webresources.json` telling
 * the solution packer each file's web resource name, type, language and dependencies.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";
import { Languages, SolutionNames } from "@cosell/core";
import { resourceStrings } from "../src/strings";

/**
 * Budget for each form script and the co-sell library before gzip (MSAL excluded: it loads
 * separately, on demand).
 */
export const FORM_SCRIPT_BUDGET = 30 * 1024;

/** Web resource types (dataverse-pcf.md §2.7). */
const WebResourceType = { Html: 1, Script: 3, Resx: 12 } as const;

export interface WebResourceFile {
  /** Path relative to the output folder. */
  file: string;
  /** Web resource unique name in the solution. */
  name: string;
  type: (typeof WebResourceType)[keyof typeof WebResourceType];
  languageCode?: number;
  /** Web resources this one needs registered as its dependencies (DependencyXml). */
  dependencies?: string[];
  bytes: number;
  gzipBytes: number;
}

const root = path.resolve(__dirname, "..");
const common: BuildOptions = {
  bundle: true,
  minify: true,
  target: "es2020",
  platform: "browser",
  charset: "utf8",
  legalComments: "none",
  tsconfig: path.join(root, "tsconfig.json"),
  write: false,
  logLevel: "warning",
};

const resxName = (lcid: number) => `${SolutionNames.formScriptStrings}.${lcid}.resx`;

/**
 * Builds into a folder beside `outDir` and swaps it in at the end, so a failed build leaves the
 * previous output whole instead of a folder the packer would half-read.
 */
export async function buildWebResources(outDir: string): Promise<WebResourceFile[]> {
  const staging = `${outDir}.partial`;
  await rm(staging, { recursive: true, force: true });
  try {
    const files = await buildInto(staging);
    await rm(outDir, { recursive: true, force: true });
    await rename(staging, outDir);
    return files;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

async function buildInto(outDir: string): Promise<WebResourceFile[]> {
  const files: WebResourceFile[] = [];
  const emit = async (file: string, content: string | Uint8Array, entry: Omit<WebResourceFile, "file" | "bytes" | "gzipBytes">) => {
    const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : Buffer.from(content);
    await mkdir(path.dirname(path.join(outDir, file)), { recursive: true });
    await writeFile(path.join(outDir, file), bytes);
    files.push({ file, ...entry, bytes: bytes.length, gzipBytes: gzipSync(bytes).length });
  };

  const strings = Languages.map(resxName);
  for (const [form, name] of [
    ["OpportunityForm", SolutionNames.opportunityFormScript],
    ["LeadForm", SolutionNames.leadFormScript],
  ] as const) {
    // `CoSell.X` as a dotted global name compiles to `var CoSell; (CoSell ||= {}).X = …`, so both
    // form scripts can share the namespace on one page without clobbering each other.
    const script = await bundleText({
      ...common,
      entryPoints: [path.join(root, "src/Forms", `${form}.ts`)],
      format: "iife",
      globalName: `${SolutionNames.scriptNamespace}.${form}`,
    });
    await emit(`${form}.js`, script, { name, type: WebResourceType.Script, dependencies: strings });
  }

  const library = await bundleText({ ...common, entryPoints: [path.join(root, "src/library/index.ts")], format: "esm" });
  await emit("lib/CoSellLibrary.js", library, { name: SolutionNames.coSellLibrary, type: WebResourceType.Script, dependencies: strings });

  const msal = await bundleText({ ...common, entryPoints: [path.join(root, "src/auth/msalModule.ts")], format: "esm" });
  await emit("lib/Msal.js", msal, { name: SolutionNames.msalLibrary, type: WebResourceType.Script });

  const bridge = await bundleText({ ...common, entryPoints: [path.join(root, "src/auth/authRedirect.ts")], format: "iife" });
  await emit("html/AuthRedirect.html", authRedirectPage(bridge), { name: SolutionNames.authRedirectPage, type: WebResourceType.Html });

  for (const lcid of Languages) {
    await emit(`strings/FormScripts.${lcid}.resx`, resx(resourceStrings(lcid)), {
      name: resxName(lcid),
      type: WebResourceType.Resx,
      languageCode: lcid,
    });
  }

  await writeFile(path.join(outDir, "webresources.json"), `${JSON.stringify(files, null, 2)}\n`);
  return files;
}

async function bundleText(options: BuildOptions): Promise<string> {
  const result = await build(options);
  const output = result.outputFiles?.[0];
  if (!output) throw new Error(`esbuild produced no output for ${String(options.entryPoints)}`);
  return output.text;
}

function authRedirectPage(script: string): string {
  return [
    "<!DOCTYPE html>",
    '<html><head><meta charset="utf-8"><title>Signing in…</title></head>',
    `<body><script>${script.replace(/<\/script/gi, "<\\/script")}</script></body></html>`,
    "",
  ].join("\n");
}

/** A .NET RESX document: the format Dataverse expects for string web resources. */
export function resx(strings: Record<string, string>): string {
  const escape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const header = (name: string, value: string) => `  <resheader name="${name}">\n    <value>${value}</value>\n  </resheader>`;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    "<root>",
    header("resmimetype", "text/microsoft-resx"),
    header("version", "2.0"),
    header("reader", "System.Resources.ResXResourceReader, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"),
    header("writer", "System.Resources.ResXResourceWriter, System.Windows.Forms, Version=4.0.0.0, Culture=neutral, PublicKeyToken=b77a5c561934e089"),
    ...Object.entries(strings).map(
      ([key, value]) => `  <data name="${key}" xml:space="preserve">\n    <value>${escape(value)}</value>\n  </data>`,
    ),
    "</root>",
    "",
  ].join("\n");
}
