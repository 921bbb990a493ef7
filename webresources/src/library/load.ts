import { SolutionNames } from "@cosell/core";
import { importWebResource } from "../lazyImport";

export type CoSellLibrary = typeof import("./index");

let library: Promise<CoSellLibrary> | undefined;

/** The shared co-sell library, imported once per page (a failed import is retried next time). */
export function loadCoSellLibrary(): Promise<CoSellLibrary> {
  library ??= importWebResource<CoSellLibrary>(SolutionNames.coSellLibrary).catch((e: unknown) => {
    library = undefined;
    throw e;
  });
  return library;
}
