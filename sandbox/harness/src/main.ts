/**
 * The form harness: a small Dynamics 365 web client for the sandbox. It signs in through the
 * sandbox session, reads the imported solution, installs `Xrm`, and shows a list, a record form
 * or the environment variables, chosen by the address as the web client does
 * (`/main.aspx?pagetype=entityrecord&etn=opportunity&id=…`).
 */
import { h } from "./dom";
import { renderEnvironmentVariables } from "./pages/envvars";
import { renderList } from "./pages/list";
import { renderRecord } from "./pages/record";
import { renderShell } from "./pages/shell";
import { Dialogs } from "./platform/dialogs";
import { MetadataStore } from "./platform/metadata";
import type { Platform } from "./platform/platform";
import { WebResources } from "./platform/resources";
import { LOCALES, loadSession } from "./platform/session";
import { SolutionCustomizations } from "./platform/solution";
import { fill, textsFor } from "./platform/texts";
import { HarnessWebApi, errorText } from "./platform/webapi";
import { installXrm } from "./platform/xrm";

async function start(): Promise<void> {
  const [session, solution] = await Promise.all([loadSession(), SolutionCustomizations.load()]);
  const languageId = session.languageId;
  const texts = textsFor(languageId);
  const metadata = new MetadataStore();
  const scriptErrors = h("div", { className: "script-errors", role: "alert" });
  const platform: Platform = {
    session,
    texts,
    locale: LOCALES[languageId] ?? "en-US",
    languageId,
    webApi: new HarnessWebApi(metadata),
    metadata,
    solution,
    resources: new WebResources(solution, session.solutionVersion.replace(/\D/g, ""), () => languageId),
    dialogs: new Dialogs(() => texts),
    leaveGuard: undefined,
    async navigate(path) {
      if (platform.leaveGuard && !(await platform.leaveGuard())) return false;
      platform.leaveGuard = undefined;
      location.assign(path);
      return true;
    },
    reportScriptError(functionName, error) {
      console.error(`Script error in ${functionName}:`, error);
      scriptErrors.appendChild(h("div", { className: "script-error" }, fill(texts.scriptError, { function: functionName, message: errorText(error) })));
    },
  };
  document.documentElement.lang = platform.locale;
  installXrm(platform);

  const query = new URLSearchParams(location.search);
  const pageType = query.get("pagetype") ?? "entitylist";
  const entityName = query.get("etn") ?? "opportunity";
  const current = pageType === "envvars" ? "envvars" : entityName;
  const { main } = renderShell(platform, current);
  document.body.appendChild(scriptErrors);
  main.appendChild(h("p", { className: "list-status", role: "status" }, texts.loading));
  if (pageType === "entityrecord") await renderRecord(platform, main, entityName, query.get("id") ?? undefined);
  else if (pageType === "envvars") await renderEnvironmentVariables(platform, main);
  else await renderList(platform, main, entityName);
  document.body.dataset.pageReady = "true";
}

start().catch((error: unknown) => {
  console.error(error);
  const app = document.getElementById("app");
  app?.replaceChildren(h("div", { className: "page" }, h("h1", {}, "The sandbox page could not start"), h("p", { role: "alert" }, errorText(error))));
});
