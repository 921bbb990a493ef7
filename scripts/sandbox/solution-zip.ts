/**
 * The packed solution as the harness serves it: web resources by their unique name, PCF control
 * files by control name, and customizations.xml (forms, ribbons, views) for the page to read —
 * what Dataverse would serve to a browser after importing the same zip.
 */
import fs from "node:fs";
import { strFromU8, unzipSync } from "fflate";
import { XMLParser } from "fast-xml-parser";

/** Dataverse web resource types (dataverse-pcf.md §2.7) → the content type it serves them with. */
const WEB_RESOURCE_CONTENT_TYPES: Record<number, string> = {
  1: "text/html; charset=utf-8",
  2: "text/css; charset=utf-8",
  3: "text/javascript; charset=utf-8",
  4: "application/xml; charset=utf-8",
  5: "image/png",
  6: "image/jpeg",
  7: "image/gif",
  9: "application/xml; charset=utf-8",
  10: "image/x-icon",
  11: "image/svg+xml",
  12: "application/xml; charset=utf-8",
};

const CONTROL_CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".resx": "application/xml; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".html": "text/html; charset=utf-8",
};

export interface ServedFile {
  bytes: Uint8Array;
  contentType: string;
}

export class SolutionZip {
  private readonly entries: Map<string, Uint8Array>;
  private readonly webResources = new Map<string, { file: string; type: number }>();
  /** Solution version, used as the cache token of web resource URLs as Dataverse does. */
  readonly version: string;

  constructor(readonly file: string) {
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(fs.readFileSync(file));
    } catch (error) {
      throw new Error(`${file} is not a readable solution zip: ${(error as Error).message}. Run "npm run build" again.`);
    }
    this.entries = new Map(Object.entries(entries));
    const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === "WebResource" });
    const customizations = parser.parse(this.text("customizations.xml")) as {
      ImportExportXml?: { WebResources?: { WebResource?: Array<{ Name?: string; FileName?: string; WebResourceType?: string }> } };
    };
    for (const resource of customizations.ImportExportXml?.WebResources?.WebResource ?? []) {
      if (!resource.Name || !resource.FileName) continue;
      this.webResources.set(resource.Name, { file: resource.FileName.replace(/^\//, ""), type: Number(resource.WebResourceType) });
    }
    const manifest = parser.parse(this.text("solution.xml")) as { ImportExportXml?: { SolutionManifest?: { Version?: string } } };
    this.version = manifest.ImportExportXml?.SolutionManifest?.Version ?? "0";
  }

  text(entry: string): string {
    const bytes = this.entries.get(entry);
    if (!bytes) throw new Error(`${this.file} has no ${entry}; it is not a complete solution package.`);
    return strFromU8(bytes);
  }

  customizations(): ServedFile {
    return { bytes: this.entries.get("customizations.xml")!, contentType: "application/xml; charset=utf-8" };
  }

  webResource(name: string): ServedFile | undefined {
    const resource = this.webResources.get(name);
    const bytes = resource && this.entries.get(resource.file);
    if (!resource || !bytes) return undefined;
    return { bytes, contentType: WEB_RESOURCE_CONTENT_TYPES[resource.type] ?? "application/octet-stream" };
  }

  /** A file of a PCF control: `Controls/<control name>/<path>` in the zip. */
  controlFile(control: string, file: string): ServedFile | undefined {
    if (file.split("/").some((part) => part === ".." || part === "")) return undefined;
    const bytes = this.entries.get(`Controls/${control}/${file}`);
    if (!bytes) return undefined;
    const extension = /\.[a-z]+$/i.exec(file)?.[0].toLowerCase() ?? "";
    return { bytes, contentType: CONTROL_CONTENT_TYPES[extension] ?? "application/octet-stream" };
  }
}
