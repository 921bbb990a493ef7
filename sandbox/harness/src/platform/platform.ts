/**
 * The services every page of the harness shares: the signed-in session, the Web API, metadata,
 * the imported solution, web resources, dialogs and navigation. `installXrm` exposes them to
 * scripts as the `Xrm` global.
 */
import type { Dialogs } from "./dialogs";
import type { MetadataStore } from "./metadata";
import type { WebResources } from "./resources";
import type { Session } from "./session";
import type { SolutionCustomizations } from "./solution";
import type { Texts } from "./texts";
import type { HarnessWebApi } from "./webapi";

export interface Platform {
  session: Session;
  texts: Texts;
  locale: string;
  languageId: number;
  webApi: HarnessWebApi;
  metadata: MetadataStore;
  solution: SolutionCustomizations;
  resources: WebResources;
  dialogs: Dialogs;
  /** Opens a page of the harness (list, record, settings), asking first if unsaved changes would be lost. */
  navigate(path: string): Promise<boolean>;
  /** The record page sets this to keep unsaved changes from being lost by a navigation. */
  leaveGuard: (() => Promise<boolean>) | undefined;
  /** Reports a failing form script handler the way the web client does (a visible script error). */
  reportScriptError(functionName: string, error: unknown): void;
}

/** `/main.aspx?…` with the page's language kept. */
export function pageUrl(platform: Pick<Platform, "languageId" | "session">, params: Record<string, string>): string {
  const query = new URLSearchParams(params);
  if (new URLSearchParams(location.search).has("lang")) query.set("lang", String(platform.languageId));
  return `/main.aspx?${query.toString()}`;
}

export function recordUrl(platform: Pick<Platform, "languageId" | "session">, entityName: string, id?: string): string {
  return pageUrl(platform, { pagetype: "entityrecord", etn: entityName, ...(id ? { id: id.replace(/[{}]/g, "").toLowerCase() } : {}) });
}
