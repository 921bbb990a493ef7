/**
 * Stands in for `src/lazyImport.ts` under jest (mapped in jest.config.cjs): the platform would
 * import the ES-module web resource from its cached URL; here the same module is required from
 * source. Tests can make an import fail, as a missing or blocked web resource would.
 */
import { SolutionNames } from "@cosell/core";
import * as coSellLibrary from "../../src/library/index";

const modules = new Map<string, () => unknown>([
  [SolutionNames.coSellLibrary, () => coSellLibrary],
]);
const failures = new Map<string, Error>();

/** Names of the web resources imported, in order. */
export const imported: string[] = [];

export function provideWebResource(name: string, module: () => unknown): void {
  modules.set(name, module);
}

export function failWebResource(name: string, error: Error): void {
  failures.set(name, error);
}

export function resetWebResources(): void {
  failures.clear();
  imported.length = 0;
}

export async function importWebResource<T>(webResourceName: string): Promise<T> {
  imported.push(webResourceName);
  const failure = failures.get(webResourceName);
  if (failure) throw failure;
  const load = modules.get(webResourceName);
  if (!load) throw new TypeError(`Failed to fetch dynamically imported module: ${webResourceName}`);
  return (await load()) as T;
}
