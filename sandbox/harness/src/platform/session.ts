/** Who is signed in to the harness and in which language (the server keeps both in cookies). */
export interface SessionUser {
  upn: string;
  fullName: string;
  systemUserId: string | null;
  title: string;
}

export interface Session {
  user: SessionUser;
  users: SessionUser[];
  languageId: number;
  languages: number[];
  /** Solution version: the cache token in web resource URLs. */
  solutionVersion: string;
  /** The environment's name (`npm start -- --environment`) and its organization's unique name. */
  environment: { name: string; organization: string };
  links: { partnerCenterUrl: string; relayUrl: string } | null;
}

export async function loadSession(): Promise<Session> {
  const response = await fetch("/sandbox/session", { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`The sandbox session could not be read (HTTP ${response.status}).`);
  const session = (await response.json()) as Session;
  // A ?lang= in the address wins for this page, as the server also remembers it.
  const lang = Number(new URLSearchParams(location.search).get("lang"));
  if (session.languages.includes(lang)) session.languageId = lang;
  return session;
}

export async function updateSession(change: { upn?: string; languageId?: number }): Promise<void> {
  const response = await fetch("/sandbox/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(change),
  });
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as { message?: string };
    throw new Error(body.message ?? `HTTP ${response.status}`);
  }
}

export const LANGUAGE_NAMES: Record<number, string> = {
  1033: "English",
  1053: "Svenska",
  2052: "中文(简体)",
  1043: "Nederlands",
  1040: "Italiano",
  1045: "Polski",
};

export const LOCALES: Record<number, string> = {
  1033: "en-US",
  1053: "sv-SE",
  2052: "zh-CN",
  1043: "nl-NL",
  1040: "it-IT",
  1045: "pl-PL",
};

/** Braced, upper-case GUID: how the client API hands out ids. */
export function clientGuid(id: string): string {
  return `{${id.replace(/[{}]/g, "").toUpperCase()}}`;
}

export function bareGuid(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}
