/**
 * Text-level handling of solution XML in the layout Dataverse itself writes, so packed files read
 * like a real export: two-space indentation, CRLF line endings, no trailing newline, and
 * `<?xml?>` + byte order mark only on `[Content_Types].xml` (checked against the CrmLive zips in
 * ../shared/reference/solutions/: solution.xml and customizations.xml start directly with `<ImportExportXml`).
 */

const XSI_NAMESPACE = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"';

/** Removes the byte order mark and XML declaration that SolutionPackager-style source files carry; normalises to LF. */
export function stripProlog(text: string): string {
  return text
    .replace(/^\uFEFF/, "")
    .replace(/\r\n?/g, "\n")
    .replace(/^<\?xml[^?]*\?>\n?/, "")
    .replace(/\n+$/, "");
}

/** A source file's root element split into its start tag, its (de-indented) content lines and end tag. */
export interface RootSplit {
  /** Start tag as written, for a file that stays a document of its own. */
  documentOpen: string;
  /** Start tag with the `xmlns:xsi` declaration removed, for nesting (the document root declares it once). */
  open: string;
  /** Content lines, shifted left by the root's two-space child indentation. */
  inner: string[];
  close: string;
  /** The root is a single self-closing tag. */
  empty: boolean;
}

export function splitRoot(text: string, fileName: string): RootSplit {
  const lines = stripProlog(text).split("\n");
  const first = lines[0] ?? "";
  const rootName = /^<([A-Za-z_][\w.-]*)/.exec(first)?.[1];
  if (!rootName) throw new Error(`${fileName}: expected the root element on the first line, found "${first.slice(0, 60)}"`);
  const open = first.replace(XSI_NAMESPACE, "");
  if (lines.length === 1 && /\/>$/.test(first)) return { documentOpen: first, open, inner: [], close: "", empty: true };
  const close = lines[lines.length - 1];
  if (close !== `</${rootName}>`) throw new Error(`${fileName}: expected the last line to be </${rootName}>, found "${close}"`);
  const inner = lines.slice(1, -1).map((line, i) => {
    if (line === "") return line;
    if (!line.startsWith("  ")) throw new Error(`${fileName}:${i + 2}: content of <${rootName}> must be indented by two spaces`);
    return line.slice(2);
  });
  return { documentOpen: first, open, inner, close, empty: false };
}

export function indent(lines: readonly string[], spaces: number): string[] {
  const pad = " ".repeat(spaces);
  return lines.map((line) => (line === "" ? line : pad + line));
}

/** Joins lines the way Dataverse exports them: CRLF, no newline after the last line. */
export function exportText(lines: readonly string[]): string {
  return lines.join("\r\n");
}

/** `[Content_Types].xml` and similar parts: byte order mark, declaration, one line. */
export function withDeclaration(body: string): string {
  return `\uFEFF<?xml version="1.0" encoding="utf-8"?>${body}`;
}
