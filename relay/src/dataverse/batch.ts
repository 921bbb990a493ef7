/**
 * The `$batch` wire format (OData 4.0 multipart/mixed; dataverse-pcf.md §5 and the request/response
 * samples in reference/dataverse/): a batch holds single requests and change sets; a change set is
 * atomic (all or nothing) and numbers its parts with `Content-ID`. Lines end in CRLF on the wire.
 */
import { randomUUID } from "node:crypto";
import type { HttpMethod } from "./http";

export interface BatchOperation {
  method: HttpMethod;
  /** Relative to the API root, e.g. `accounts(…)/cosell_x/$ref`. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One item of a batch: a single operation, or a change set that succeeds or fails as a whole. */
export type BatchItem = BatchOperation | BatchOperation[];

export interface BatchPartResponse {
  status: number;
  statusText: string;
  headers: Headers;
  body: string;
  contentId?: string;
}

/** Dataverse accepts at most 1000 operations in one batch (api-limits). */
export const MAX_BATCH_OPERATIONS = 1000;

const CRLF = "\r\n";
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function encodeBatch(items: BatchItem[], apiRoot: string): { contentType: string; body: string } {
  const operations = items.reduce((n, item) => n + (Array.isArray(item) ? item.length : 1), 0);
  if (operations === 0) throw new Error("A Dataverse $batch needs at least one operation.");
  if (operations > MAX_BATCH_OPERATIONS) throw new Error(`A Dataverse $batch holds at most ${MAX_BATCH_OPERATIONS} operations; got ${operations}. Split the work into several batches.`);
  const batch = `batch_${randomUUID()}`;
  const lines: string[] = [];
  for (const item of items) {
    lines.push(`--${batch}`);
    if (Array.isArray(item)) {
      const changeSet = `changeset_${randomUUID()}`;
      lines.push(`Content-Type: multipart/mixed;boundary=${changeSet}`, "");
      item.forEach((operation, index) => {
        lines.push(`--${changeSet}`, ...partHeaders(), `Content-ID: ${index + 1}`, "", ...requestLines(operation, apiRoot));
      });
      lines.push(`--${changeSet}--`, "");
    } else {
      lines.push(...partHeaders(), "", ...requestLines(item, apiRoot));
    }
  }
  lines.push(`--${batch}--`, "");
  return { contentType: `multipart/mixed;boundary=${batch}`, body: lines.join(CRLF) };
}

function partHeaders(): string[] {
  return ["Content-Type: application/http", "Content-Transfer-Encoding: binary"];
}

function requestLines(operation: BatchOperation, apiRoot: string): string[] {
  const lines = [`${operation.method} ${apiRoot}${operation.path.replace(/^\/+/, "")} HTTP/1.1`];
  const headers: Record<string, string> = { Accept: "application/json", ...operation.headers };
  if (operation.body !== undefined) headers["Content-Type"] ??= "application/json;type=entry";
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push("");
  if (operation.body !== undefined) lines.push(operation.body);
  return lines;
}

/** Every operation's response, change sets flattened, in the order the server returned them. */
export function decodeBatchResponse(body: string, contentType: string | null): BatchPartResponse[] {
  const boundary = boundaryOf(contentType) ?? sniffBoundary(body);
  if (!boundary) throw new Error("The Dataverse $batch response has no multipart boundary.");
  const responses: BatchPartResponse[] = [];
  for (const part of splitParts(body, boundary)) {
    const { headers, content } = splitHead(part);
    const partType = headers.get("content-type") ?? "";
    if (partType.toLowerCase().startsWith("multipart/mixed")) {
      const inner = boundaryOf(partType);
      if (!inner) throw new Error("A change set in the Dataverse $batch response has no boundary.");
      for (const changeSetPart of splitParts(content, inner)) responses.push(decodeHttpPart(changeSetPart));
    } else {
      responses.push(decodeHttpPart(part));
    }
  }
  return responses;
}

function decodeHttpPart(part: string): BatchPartResponse {
  const { headers: partHeaders, content } = splitHead(part);
  const lines = content.split(/\r?\n/);
  while (lines.length > 0 && lines[0].trim() === "") lines.shift();
  const statusLine = lines.shift() ?? "";
  const match = /^HTTP\/1\.[01]\s+(\d{3})\s*(.*)$/.exec(statusLine.trim());
  if (!match) throw new Error(`Unreadable status line in a Dataverse $batch response part: "${statusLine.slice(0, 80)}"`);
  const { headers, content: responseBody } = splitHead(lines.join("\n"));
  return {
    status: Number(match[1]),
    statusText: match[2],
    headers,
    body: responseBody.trim(),
    contentId: partHeaders.get("content-id") ?? undefined,
  };
}

/** The parts between `--boundary` delimiters, up to the closing `--boundary--`. */
function splitParts(body: string, boundary: string): string[] {
  const parts: string[] = [];
  const lines = body.split(/\r?\n/);
  let current: string[] | undefined;
  for (const line of lines) {
    const trimmed = line.trimEnd();
    if (trimmed === `--${boundary}--`) {
      if (current) parts.push(current.join("\n"));
      return parts;
    }
    if (trimmed === `--${boundary}`) {
      if (current) parts.push(current.join("\n"));
      current = [];
    } else if (current) {
      current.push(line);
    }
  }
  if (current) parts.push(current.join("\n"));
  return parts;
}

/** Headers up to the first blank line, and the rest. Tolerates `Name:value` without a space. */
function splitHead(text: string): { headers: Headers; content: string } {
  const lines = text.split(/\r?\n/);
  const headers = new Headers();
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index];
    if (line.trim() === "") {
      index++;
      break;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, Math.max(colon, 0)).trim();
    if (colon > 0 && HEADER_NAME.test(name)) headers.append(name, line.slice(colon + 1).trim());
  }
  return { headers, content: lines.slice(index).join("\n") };
}

function boundaryOf(contentType: string | null | undefined): string | undefined {
  const match = /boundary=("?)([^";]+)\1/i.exec(contentType ?? "");
  return match?.[2];
}

function sniffBoundary(body: string): string | undefined {
  const match = /^--(\S+)/m.exec(body);
  return match?.[1];
}
