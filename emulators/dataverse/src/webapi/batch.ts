/**
 * `POST $batch` (multipart/mixed): top-level requests and change sets, executed in order.
 * A change set is atomic — if any of its requests fails, everything it did is rolled back and
 * its response is that one error. Without `Prefer: odata.continue-on-error` processing stops at
 * the first failure and the batch takes that failure's status; with it the batch returns 200.
 * `Content-ID` values can be referenced as `$n` in later URLs and `@odata.bind` values.
 * Framing follows execute-batch-operations-using-web-api and reference/dataverse/webapi-batch-*.txt.
 */
import { badRequest } from "../errors";
import { newGuid } from "../ids";
import type { ApiRequest, ApiResponse, CallContext } from "./context";
import { errorResponse } from "./engine";
import { parsePrefer } from "./prefer";

const MAX_OPERATIONS = 1000;
const CRLF = "\r\n";

interface BatchPart {
  headers: Record<string, string>;
  content: string;
}

interface HttpPart {
  contentId?: string;
  request: ApiRequest;
}

type BatchItem = { kind: "request"; part: HttpPart } | { kind: "changeset"; parts: HttpPart[] };

export type Execute = (request: ApiRequest, context: CallContext) => Promise<ApiResponse>;

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  201: "Created",
  204: "No Content",
  304: "Not Modified",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  412: "Precondition Failed",
  413: "Payload Too Large",
  429: "Too Many Requests",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

export function boundaryOf(contentType: string | undefined): string | undefined {
  const match = /boundary="?([^";]+)"?/i.exec(contentType ?? "");
  return match?.[1];
}

function splitMultipart(body: string, boundary: string): BatchPart[] {
  const delimiter = `--${boundary}`;
  const parts: string[][] = [];
  let current: string[] | undefined;
  let closed = false;
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === `${delimiter}--`) {
      if (current) parts.push(current);
      current = undefined;
      closed = true;
      break;
    }
    if (trimmed === delimiter) {
      if (current) parts.push(current);
      current = [];
      continue;
    }
    current?.push(line);
  }
  if (!closed) throw badRequest(`The multipart body is not terminated by '${delimiter}--'.`);
  return parts.map((lines) => {
    const blank = lines.findIndex((l) => l.trim() === "");
    const headerLines = blank < 0 ? lines : lines.slice(0, blank);
    return { headers: parseHeaders(headerLines), content: (blank < 0 ? [] : lines.slice(blank + 1)).join(CRLF) };
  });
}

function parseHeaders(lines: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/** `POST /api/data/v9.2/tasks HTTP/1.1` + headers + body → ApiRequest. */
function parseHttpPart(part: BatchPart, serviceRoot: string): HttpPart {
  const lines = part.content.split(/\r?\n/);
  const first = lines.findIndex((l) => l.trim() !== "");
  // The documentation prints `POST[Organization URI]/…` without a space; accept either.
  const match = /^(GET|POST|PATCH|PUT|DELETE)\s*(\S+)(?:\s+HTTP\/1\.[01])?\s*$/i.exec(lines[first]?.trim() ?? "");
  if (!match) throw badRequest(`A batch part does not start with an HTTP request line: '${lines[first] ?? ""}'.`);
  const rest = lines.slice(first + 1);
  const blank = rest.findIndex((l) => l.trim() === "");
  const headers = parseHeaders(blank < 0 ? rest : rest.slice(0, blank));
  const body = blank < 0 ? "" : rest.slice(blank + 1).join("\n").trim();
  let target = match[2];
  if (target.startsWith(serviceRoot)) target = target.slice(serviceRoot.length);
  else if (/^https?:\/\//i.test(target)) target = target.replace(/^https?:\/\/[^/]+/i, "");
  target = target.replace(/^\/?api\/data\/v\d+\.\d+\//, "").replace(/^\//, "");
  const question = target.indexOf("?");
  return {
    contentId: part.headers["content-id"],
    request: {
      method: match[1].toUpperCase(),
      path: question < 0 ? target : target.slice(0, question),
      query: question < 0 ? "" : target.slice(question + 1),
      headers,
      body: body === "" ? undefined : body,
    },
  };
}

function parseBatch(body: string, boundary: string, serviceRoot: string): BatchItem[] {
  const items: BatchItem[] = [];
  for (const part of splitMultipart(body, boundary)) {
    const changesetBoundary = /multipart\/mixed/i.test(part.headers["content-type"] ?? "") ? boundaryOf(part.headers["content-type"]) : undefined;
    if (changesetBoundary) {
      const parts = splitMultipart(part.content, changesetBoundary).map((p) => parseHttpPart(p, serviceRoot));
      if (parts.some((p) => p.request.method === "GET")) throw badRequest("GET requests are not allowed within a change set.");
      items.push({ kind: "changeset", parts });
    } else {
      items.push({ kind: "request", part: parseHttpPart(part, serviceRoot) });
    }
  }
  const operations = items.reduce((n, item) => n + (item.kind === "request" ? 1 : item.parts.length), 0);
  if (operations > MAX_OPERATIONS) throw badRequest(`The number of requests in a batch (${operations}) exceeds the limit of ${MAX_OPERATIONS}.`);
  return items;
}

function serializeResponse(response: ApiResponse, contentId: string | undefined): string {
  const lines = ["Content-Type: application/http", "Content-Transfer-Encoding: binary"];
  if (contentId !== undefined) lines.push(`Content-ID: ${contentId}`);
  lines.push("", `HTTP/1.1 ${response.status} ${STATUS_TEXT[response.status] ?? ""}`.trimEnd());
  const { "OData-EntityId": entityId, ...headers } = response.headers;
  // Inside a batch the row's URL is also given as Location, before OData-EntityId (webapi-batch-response.txt).
  if (entityId) Object.assign(headers, { Location: entityId, "OData-EntityId": entityId });
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  lines.push("", response.body ?? "");
  return lines.join(CRLF);
}

export interface BatchResult {
  status: number;
  contentType: string;
  body: string;
  operations: number;
}

export class BatchFailure extends Error {
  constructor(readonly response: ApiResponse) {
    super("change set failed");
  }
}

/**
 * Runs a $batch. `transaction` wraps a change set so it is all-or-nothing; it must roll back
 * everything done inside when the callback throws.
 */
export async function runBatch(
  body: string,
  contentType: string | undefined,
  context: CallContext,
  execute: Execute,
  transaction: <T>(work: () => Promise<T>) => Promise<T>,
): Promise<BatchResult> {
  const boundary = boundaryOf(contentType);
  if (!boundary || !/multipart\/mixed/i.test(contentType ?? "")) throw badRequest("A $batch request needs 'Content-Type: multipart/mixed;boundary=batch_<id>'.");
  const items = parseBatch(body, boundary, context.serviceRoot);
  const responseBoundary = `batchresponse_${newGuid()}`;
  const chunks: string[] = [];
  let status = 200;
  let operations = 0;
  const partContext = (part: HttpPart, contentIds?: Map<string, string>): CallContext => ({
    ...context,
    preferences: parsePrefer(part.request.headers.prefer),
    contentIds,
  });
  for (const item of items) {
    if (item.kind === "request") {
      operations++;
      const response = await execute(item.part.request, partContext(item.part));
      chunks.push(`--${responseBoundary}${CRLF}${serializeResponse(response, item.part.contentId)}`);
      if (response.status >= 400 && !context.preferences.continueOnError) {
        status = response.status;
        break;
      }
      continue;
    }
    const contentIds = new Map<string, string>();
    const changesetBoundary = `changesetresponse_${newGuid()}`;
    try {
      const responses = await transaction(async () => {
        const done: string[] = [];
        for (const part of item.parts) {
          operations++;
          const unknownReference = referencedContentId(part.request, contentIds);
          const response = unknownReference
            ? errorResponse(badRequest(`Content-ID Reference: '$${unknownReference}' does not exist in the batch context.`))
            : await execute(part.request, partContext(part, contentIds));
          if (response.status >= 400) throw new BatchFailure(response);
          const entityId = response.headers["OData-EntityId"];
          if (part.contentId !== undefined && entityId) contentIds.set(part.contentId, entityId);
          done.push(`--${changesetBoundary}${CRLF}${serializeResponse(response, part.contentId)}`);
        }
        return done;
      });
      chunks.push(`--${responseBoundary}${CRLF}Content-Type: multipart/mixed; boundary=${changesetBoundary}${CRLF}${CRLF}${responses.join(CRLF)}${CRLF}--${changesetBoundary}--`);
    } catch (error) {
      if (!(error instanceof BatchFailure)) throw error;
      chunks.push(`--${responseBoundary}${CRLF}${serializeResponse(error.response, undefined)}`);
      if (!context.preferences.continueOnError) {
        status = error.response.status;
        break;
      }
    }
  }
  return {
    status,
    contentType: `multipart/mixed; boundary=${responseBoundary}`,
    body: `${chunks.join(CRLF)}${CRLF}--${responseBoundary}--${CRLF}`,
    operations,
  };
}

/** A `$n` reference (in the URL or an @odata.bind/@odata.id value) to a Content-ID not declared yet. */
function referencedContentId(request: ApiRequest, known: Map<string, string>): string | undefined {
  const candidates = [request.path.match(/^\$(\d+)/)?.[1], ...[...(request.body ?? "").matchAll(/"\$(\d+)"/g)].map((m) => m[1])];
  return candidates.find((id) => id !== undefined && !known.has(id));
}
