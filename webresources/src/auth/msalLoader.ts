import { SolutionNames } from "@cosell/core";
import { importWebResource } from "../lazyImport";
import type { Msal } from "./msalToken";

/** MSAL Browser, fetched the first time a production token is needed. */
export function loadMsalWebResource(): Promise<Msal> {
  return importWebResource<Msal>(SolutionNames.msalLibrary);
}
