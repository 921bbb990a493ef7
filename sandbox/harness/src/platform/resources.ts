/**
 * Web resources as the platform serves them: URLs with a cache token, classic scripts loaded in
 * order, and RESX string resources behind `Xrm.Utility.getResourceString`, resolved for the user's
 * language with the organization's base language (1033) as the fallback.
 */
import { loadScript } from "../dom";
import type { SolutionCustomizations } from "./solution";

export const ORG_LANGUAGE = 1033;

/** Parses a .NET RESX document into key → value. */
export function parseResx(xml: string, where: string): Map<string, string> {
  const document = new DOMParser().parseFromString(xml, "application/xml");
  if (document.querySelector("parsererror")) throw new Error(`${where} is not a well-formed RESX file.`);
  const strings = new Map<string, string>();
  for (const data of document.getElementsByTagName("data")) {
    const name = data.getAttribute("name");
    const value = data.getElementsByTagName("value")[0];
    if (name && value) strings.set(name, value.textContent ?? "");
  }
  return strings;
}

export class WebResources {
  /** RESX base name (without `.<lcid>.resx`) → lcid → strings. */
  private readonly strings = new Map<string, Map<number, Map<string, string>>>();
  private readonly loadedStrings = new Map<string, Promise<void>>();

  constructor(
    private readonly solution: SolutionCustomizations,
    private readonly cacheToken: string,
    private readonly languageId: () => number,
  ) {}

  /** `/%7B<token>%7D/webresources/<name>`, the shape getWebResourceUrl returns. */
  url(name: string): string {
    return `/%7B${this.cacheToken}%7D/webresources/${name}`;
  }

  /** Loads a script library after the RESX strings it depends on, so its first call can read them. */
  async loadLibrary(name: string): Promise<void> {
    await Promise.all(this.solution.dependencies(name).filter((d) => d.endsWith(".resx")).map((d) => this.loadStrings(d)));
    await loadScript(this.url(name));
  }

  private loadStrings(name: string): Promise<void> {
    let loading = this.loadedStrings.get(name);
    if (!loading) {
      loading = (async () => {
        const match = /^(.*)\.(\d+)\.resx$/.exec(name);
        if (!match) return;
        const response = await fetch(this.url(name));
        if (!response.ok) throw new Error(`The string resource ${name} could not be loaded (HTTP ${response.status}).`);
        const strings = parseResx(await response.text(), name);
        // Read the language map only after the last await: the other languages load at the same time.
        const byLanguage = this.strings.get(match[1]) ?? new Map<number, Map<string, string>>();
        byLanguage.set(Number(match[2]), strings);
        this.strings.set(match[1], byLanguage);
      })();
      loading.catch(() => this.loadedStrings.delete(name));
      this.loadedStrings.set(name, loading);
    }
    return loading;
  }

  /** `Xrm.Utility.getResourceString`: throws for a resource the page has not loaded, null for an unknown key. */
  resourceString(webResourceName: string, key: string): string | null {
    const byLanguage = this.strings.get(webResourceName.replace(/\.resx$/, ""));
    if (!byLanguage) throw new Error(`The string resource ${webResourceName} is not a dependency of any script on this page.`);
    const value = byLanguage.get(this.languageId())?.get(key) ?? byLanguage.get(ORG_LANGUAGE)?.get(key);
    return value ?? null;
  }
}

/** Finds `CoSell.OpportunityForm.onLoad` on the page's global object. */
export function resolveFunction(name: string): ((...args: unknown[]) => unknown) | undefined {
  let target: unknown = window;
  for (const part of name.split(".")) {
    if (target === null || target === undefined) return undefined;
    target = (target as Record<string, unknown>)[part];
  }
  return typeof target === "function" ? (target as (...args: unknown[]) => unknown) : undefined;
}
