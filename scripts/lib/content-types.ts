import { withDeclaration } from "./export-text";

/**
 * `[Content_Types].xml` (Open Packaging Conventions) as Dataverse writes it: a `Default` per file
 * extension present, `xml` first, and an `Override` for every extension-less part (web resources are
 * stored without an extension). Dataverse marks every part application/octet-stream.
 */
export const PACKAGE_CONTENT_TYPE = "application/octet-stream";

export function extensionOf(partPath: string): string | undefined {
  const name = partPath.slice(partPath.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : undefined;
}

export function buildContentTypes(partPaths: readonly string[]): string {
  const extensions = [...new Set(partPaths.map(extensionOf).filter((e): e is string => e !== undefined))].sort((a, b) =>
    a === "xml" ? -1 : b === "xml" ? 1 : a.localeCompare(b),
  );
  const overrides = partPaths.filter((p) => extensionOf(p) === undefined).sort();
  const defaults = extensions.map((e) => `<Default Extension="${e}" ContentType="${PACKAGE_CONTENT_TYPE}" />`);
  const overrideTags = overrides.map((p) => `<Override PartName="/${p}" ContentType="${PACKAGE_CONTENT_TYPE}" />`);
  return withDeclaration(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">${defaults.join("")}${overrideTags.join("")}</Types>`);
}
