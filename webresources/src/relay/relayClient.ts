/**
 * Calls the relay from the browser. Every call ends in a `RelayResult` the form can show; nothing
 * here throws for an HTTP or network failure, because each one needs its own plain message.
 */
import {
  parseAcceptResponse,
  parseProblem,
  parseQueuedMessage,
  parseSyncResponse,
  type AcceptResponse,
  type Problem,
  type SyncResponse,
} from "./contract";
import { bareGuid } from "../crm/ids";
import { errorText } from "../errorText";

/** Supplies the bearer token; `forceRefresh` after the relay answered 401 to a cached token. */
export type TokenSource = (forceRefresh: boolean) => Promise<string>;

/** Thrown by a token source that could not even reach the relay (e.g. for its client-config). */
export class RelayUnreachableError extends Error {
  override readonly name = "RelayUnreachableError";
}

export type RelayResult<T> =
  | { kind: "ok"; body: T }
  | { kind: "queued"; message: string }
  /** No answer at all: DNS, TLS, CORS, connection refused, timeout, or a gateway in front of it. */
  | { kind: "unreachable"; reason: string }
  | { kind: "unauthorized"; detail: string }
  | { kind: "signInFailed"; detail: string; code?: string }
  | { kind: "failed"; problem: Problem };

/** Long enough for a synchronous create in Partner Center; past it the background sync takes over. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** A gateway answering for a relay that is down is, for the seller, an unreachable relay. */
const GATEWAY_STATUSES = [502, 503, 504];

export interface RelayClientOptions {
  /** Base URL without trailing slash, as core's `parseSyncConfig` returns it. */
  relayUrl: string;
  token: TokenSource;
  timeoutMs?: number;
}

export class RelayClient {
  constructor(private readonly options: RelayClientOptions) {}

  syncOpportunity(opportunityId: string): Promise<RelayResult<SyncResponse>> {
    return this.post(`/api/v1/opportunities/${encodeURIComponent(bareGuid(opportunityId))}/sync`, {}, parseSyncResponse);
  }

  acceptLead(leadId: string): Promise<RelayResult<AcceptResponse>> {
    return this.post(`/api/v1/leads/${encodeURIComponent(bareGuid(leadId))}/accept`, {}, parseAcceptResponse);
  }

  declineLead(leadId: string, reason: string): Promise<RelayResult<{ message: string }>> {
    return this.post(`/api/v1/leads/${encodeURIComponent(bareGuid(leadId))}/decline`, { reason }, parseMessage);
  }

  private async post<T>(path: string, body: object, parse: (json: unknown) => T | undefined): Promise<RelayResult<T>> {
    let token = await this.token(false);
    if (typeof token !== "string") return token;
    let response = await this.send(path, body, token);
    if (!(response instanceof Response)) return response;
    if (response.status === 401) {
      // A cached token may have expired or been revoked since it was issued: one fresh try.
      token = await this.token(true);
      if (typeof token !== "string") return token;
      response = await this.send(path, body, token);
      if (!(response instanceof Response)) return response;
    }
    return interpret(response, parse);
  }

  private async token(forceRefresh: boolean): Promise<string | RelayResult<never>> {
    try {
      return await this.options.token(forceRefresh);
    } catch (e) {
      if (e instanceof RelayUnreachableError) return { kind: "unreachable", reason: e.message };
      const code = typeof e === "object" && e !== null && "errorCode" in e ? String(e.errorCode) : undefined;
      return { kind: "signInFailed", detail: errorText(e), code };
    }
  }

  private async send(path: string, body: object, token: string): Promise<Response | RelayResult<never>> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    try {
      return await fetch(this.options.relayUrl + path, {
        method: "POST",
        headers: {
          Accept: "application/json, application/problem+json",
          "Content-Type": "application/json",
          Authorization: `Bearer ${token}`,
        },
        body: JSON.stringify(body),
        signal: abort.signal,
      });
    } catch (e) {
      const reason = abort.signal.aborted ? "no answer in time" : errorText(e);
      return { kind: "unreachable", reason };
    } finally {
      clearTimeout(timer);
    }
  }
}

async function interpret<T>(response: Response, parse: (json: unknown) => T | undefined): Promise<RelayResult<T>> {
  const json = await readJson(response);
  if (response.status === 200) {
    const body = parse(json);
    if (body !== undefined) return { kind: "ok", body };
    return unexpected(response, "the relay's answer does not match its contract");
  }
  if (response.status === 202) {
    return { kind: "queued", message: parseQueuedMessage(json) ?? "" };
  }
  if (response.status === 401) {
    return { kind: "unauthorized", detail: parseProblem(json, 401, response.statusText).detail };
  }
  if (GATEWAY_STATUSES.includes(response.status) && !isProblem(response)) {
    return { kind: "unreachable", reason: `HTTP ${response.status} from a gateway` };
  }
  return { kind: "failed", problem: parseProblem(json, response.status, response.statusText) };
}

function unexpected<T>(response: Response, detail: string): RelayResult<T> {
  return {
    kind: "failed",
    problem: { type: "about:blank", title: "Unexpected answer", status: response.status, detail },
  };
}

function isProblem(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").includes("application/problem+json");
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return await response.json();
  } catch {
    return undefined;
  }
}

function parseMessage(json: unknown): { message: string } | undefined {
  if (typeof json !== "object" || json === null) return undefined;
  const message = (json as { message?: unknown }).message;
  return { message: typeof message === "string" ? message : "" };
}
