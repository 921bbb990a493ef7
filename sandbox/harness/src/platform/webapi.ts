/**
 * `Xrm.WebApi` (and PCF `context.webAPI`) over fetch to the org's own `/api/data/v9.2/`, the way
 * the web client does it: same origin, the session's sign-in, OData JSON, errors rejected as
 * `{ errorCode, message, code }` objects (dataverse-pcf.md §5).
 */
import type { MetadataStore } from "./metadata";

export const API_ROOT = "/api/data/v9.2/";

export interface WebApiError {
  errorCode: number;
  message: string;
  code?: string;
  /** HTTP status, to tell "not found" from "forbidden" in the page. */
  status: number;
}

export type Row = Record<string, unknown>;

const JSON_HEADERS = {
  Accept: "application/json",
  "OData-MaxVersion": "4.0",
  "OData-Version": "4.0",
};

export class HarnessWebApi {
  constructor(private readonly metadata: MetadataStore) {}

  async createRecord(entityLogicalName: string, data: Row): Promise<{ entityType: string; id: string }> {
    const set = await this.metadata.entitySetName(entityLogicalName);
    const response = await send("POST", set, data);
    const location = response.headers.get("OData-EntityId") ?? "";
    const id = /\(([0-9a-f-]{36})\)\s*$/i.exec(location)?.[1];
    if (!id) throw apiError(0, `The Web API created the ${entityLogicalName} but did not say its id.`, response.status);
    return { entityType: entityLogicalName, id };
  }

  async retrieveRecord(entityLogicalName: string, id: string, options = ""): Promise<Row> {
    const set = await this.metadata.entitySetName(entityLogicalName);
    const response = await send("GET", `${set}(${bare(id)})${query(options)}`);
    return withoutContext((await response.json()) as Row);
  }

  async retrieveMultipleRecords(entityLogicalName: string, options = "", maxPageSize?: number): Promise<{ entities: Row[]; nextLink?: string }> {
    const set = await this.metadata.entitySetName(entityLogicalName);
    // A nextLink from an earlier page is followed as it is.
    const path = /^https?:/i.test(options) ? options : `${set}${query(options)}`;
    const response = await send("GET", path, undefined, maxPageSize ? { Prefer: `odata.include-annotations="*",odata.maxpagesize=${maxPageSize}` } : {});
    const body = (await response.json()) as { value?: Row[]; "@odata.nextLink"?: string };
    return { entities: body.value ?? [], ...(body["@odata.nextLink"] ? { nextLink: body["@odata.nextLink"] } : {}) };
  }

  async updateRecord(entityLogicalName: string, id: string, data: Row): Promise<{ entityType: string; id: string }> {
    const set = await this.metadata.entitySetName(entityLogicalName);
    await send("PATCH", `${set}(${bare(id)})`, data, { "If-Match": "*" });
    return { entityType: entityLogicalName, id: bare(id) };
  }

  async deleteRecord(entityLogicalName: string, id: string): Promise<{ entityType: string; id: string }> {
    const set = await this.metadata.entitySetName(entityLogicalName);
    await send("DELETE", `${set}(${bare(id)})`);
    return { entityType: entityLogicalName, id: bare(id) };
  }

  /** A GET of any Web API path (a related collection, a function), for the platform's own components. */
  async get(path: string, maxPageSize?: number): Promise<Row> {
    const response = await send("GET", path, undefined, maxPageSize ? { Prefer: `odata.include-annotations="*",odata.maxpagesize=${maxPageSize}` } : {});
    return (await response.json()) as Row;
  }

  /** An unbound action (e.g. WinOpportunity), as the platform's own commands call them. */
  async action(name: string, body: Row): Promise<Row | undefined> {
    const response = await send("POST", name, body);
    const text = await response.text();
    return text ? (JSON.parse(text) as Row) : undefined;
  }

  isAvailableOffline(): boolean {
    return false;
  }
}

async function send(method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<Response> {
  const url = /^https?:/i.test(path) ? path : API_ROOT + path;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: {
        ...JSON_HEADERS,
        Prefer: 'odata.include-annotations="*"',
        ...(body === undefined ? {} : { "Content-Type": "application/json; charset=utf-8" }),
        ...extraHeaders,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw apiError(0, `The Web API could not be reached: ${(error as Error).message}`, 0);
  }
  if (response.ok) return response;
  const text = await response.text();
  let code = "";
  let message = text || response.statusText;
  try {
    const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
    code = parsed.error?.code ?? "";
    message = parsed.error?.message || message;
  } catch {
    // not JSON: keep the text
  }
  if (response.status === 401) message = "Your session has no access to Dataverse (HTTP 401). Reload the page.";
  throw apiError(errorCodeOf(code), message, response.status, code);
}

/** Dataverse codes are hex strings such as "0x80040217"; the client API reports them as numbers. */
function errorCodeOf(code: string): number {
  if (!/^0x[0-9a-f]+$/i.test(code)) return 0;
  const value = parseInt(code, 16);
  return value > 0x7fffffff ? value - 0x100000000 : value;
}

function apiError(errorCode: number, message: string, status: number, code?: string): WebApiError {
  return { errorCode, message, status, ...(code ? { code } : {}) };
}

const query = (options: string): string => (options === "" ? "" : options.startsWith("?") ? options : `?${options}`);
const bare = (id: string): string => id.replace(/[{}]/g, "").toLowerCase();

function withoutContext(row: Row): Row {
  const { "@odata.context": _context, ...rest } = row;
  return rest;
}

export function errorText(error: unknown): string {
  if (typeof error === "object" && error !== null && "message" in error && typeof (error as { message: unknown }).message === "string") {
    return (error as { message: string }).message;
  }
  return String(error);
}
