/**
 * The relay's HTTP contract as the form sees it. The relay implements the same shapes; anything
 * that does not match is reported as a relay fault rather than guessed at.
 */

export interface RelayViolation {
  code: string;
  field: string;
  messageKey: string;
  params?: Record<string, string | number>;
}

export type SyncOutcome = "synced" | "noop" | "error" | "invalid";

export interface SyncResponse {
  outcome: SyncOutcome;
  message: string;
  referralId?: string;
  referralLink?: string;
  violations?: RelayViolation[];
}

export interface AcceptResponse {
  outcome: "accepted";
  opportunityId: string;
  message: string;
}

/** RFC 9457 problem details, as the relay sends them for every error. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
}

export type ClientAuthConfig =
  | { kind: "msal"; clientId: string; authority: string; scopes: string[]; redirectUri?: string }
  | { kind: "sandbox"; tokenUrl: string };

const SYNC_OUTCOMES: readonly string[] = ["synced", "noop", "error", "invalid"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function parseViolations(value: unknown): RelayViolation[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(isRecord).map((v) => ({
    code: String(v.code ?? ""),
    field: String(v.field ?? ""),
    messageKey: String(v.messageKey ?? ""),
    params: isRecord(v.params) ? (v.params as Record<string, string | number>) : undefined,
  }));
}

export function parseSyncResponse(body: unknown): SyncResponse | undefined {
  if (!isRecord(body) || typeof body.outcome !== "string" || !SYNC_OUTCOMES.includes(body.outcome)) return undefined;
  return {
    outcome: body.outcome as SyncOutcome,
    message: typeof body.message === "string" ? body.message : "",
    referralId: optionalString(body.referralId),
    referralLink: optionalString(body.referralLink),
    violations: parseViolations(body.violations),
  };
}

export function parseQueuedMessage(body: unknown): string | undefined {
  if (!isRecord(body) || body.outcome !== "queued") return undefined;
  return typeof body.message === "string" ? body.message : "";
}

export function parseAcceptResponse(body: unknown): AcceptResponse | undefined {
  if (!isRecord(body) || body.outcome !== "accepted" || typeof body.opportunityId !== "string") return undefined;
  return { outcome: "accepted", opportunityId: body.opportunityId, message: String(body.message ?? "") };
}

export function parseProblem(body: unknown, status: number, statusText: string): Problem {
  const p = isRecord(body) ? body : {};
  return {
    type: typeof p.type === "string" ? p.type : "about:blank",
    title: typeof p.title === "string" && p.title !== "" ? p.title : statusText || `HTTP ${status}`,
    status: typeof p.status === "number" ? p.status : status,
    detail: typeof p.detail === "string" ? p.detail : "",
  };
}

/** `GET /api/v1/client-config` → how this page obtains a token for the relay. */
export function parseClientAuthConfig(body: unknown): ClientAuthConfig {
  const auth = isRecord(body) ? body.auth : undefined;
  if (!isRecord(auth)) throw new Error("the relay's client-config has no \"auth\" section");
  if (auth.kind === "sandbox") {
    if (typeof auth.tokenUrl !== "string" || auth.tokenUrl === "") {
      throw new Error("the relay's sandbox client-config has no tokenUrl");
    }
    return { kind: "sandbox", tokenUrl: auth.tokenUrl };
  }
  if (auth.kind === "msal") {
    const scopes = Array.isArray(auth.scopes) ? auth.scopes.filter((s): s is string => typeof s === "string") : [];
    if (typeof auth.clientId !== "string" || typeof auth.authority !== "string" || scopes.length === 0) {
      throw new Error("the relay's client-config needs clientId, authority and at least one scope");
    }
    return {
      kind: "msal",
      clientId: auth.clientId,
      authority: auth.authority,
      scopes,
      redirectUri: optionalString(auth.redirectUri),
    };
  }
  throw new Error(`the relay's client-config names an unknown auth kind "${String(auth.kind)}"`);
}
