/**
 * The app around every page: a top bar (app name, the sandbox's other services, language and
 * user), the site map on the left, and the main area pages render into.
 */
import { h } from "../dom";
import type { Platform } from "../platform/platform";
import { pageUrl } from "../platform/platform";
import { LANGUAGE_NAMES, updateSession } from "../platform/session";

export interface Shell {
  main: HTMLElement;
}

export function renderShell(platform: Platform, current: string): Shell {
  const t = platform.texts;
  const session = platform.session;
  const app = document.getElementById("app")!;
  app.replaceChildren();
  app.removeAttribute("aria-busy");

  const language = h("select", { id: "shell-language", className: "shell-select", "aria-label": t.language }, ...session.languages.map((lcid) => h("option", { value: String(lcid), selected: lcid === platform.languageId }, LANGUAGE_NAMES[lcid] ?? String(lcid))));
  language.addEventListener("change", async () => {
    await updateSession({ languageId: Number(language.value) });
    const url = new URL(location.href);
    url.searchParams.set("lang", language.value);
    await platform.navigate(url.pathname + url.search);
  });
  const user = h("select", { id: "shell-user", className: "shell-select", "aria-label": t.signedInAs }, ...session.users.map((u) => h("option", { value: u.upn, selected: u.upn === session.user.upn }, `${u.fullName} (${u.title})`)));
  user.addEventListener("change", async () => {
    await updateSession({ upn: user.value });
    location.reload();
  });

  const links = session.links
    ? [
        h("a", { className: "shell-link", href: session.links.partnerCenterUrl, target: "_blank", rel: "noopener" }, t.partnerCenter, " ↗"),
        h("a", { className: "shell-link", href: `${session.links.relayUrl}/readyz`, target: "_blank", rel: "noopener" }, t.relayHealth, " ↗"),
      ]
    : [];

  const top = h(
    "header",
    { className: "shell-top" },
    h("span", { className: "waffle", "aria-hidden": "true" }, "⋮⋮⋮"),
    h("span", { className: "shell-product" }, "Dynamics 365"),
    h("span", { className: "shell-divider", "aria-hidden": "true" }, "|"),
    h("span", { className: "shell-app" }, t.appName),
    h("span", { className: "shell-badge" }, t.sandbox),
    h("span", { className: "shell-environment", title: `${t.environment}: ${session.environment.organization}` }, session.environment.organization),
    h("span", { className: "shell-spacer" }),
    ...links,
    h("label", { className: "shell-field", for: "shell-language" }, t.language),
    language,
    h("label", { className: "shell-field", for: "shell-user" }, t.signedInAs),
    user,
  );

  const item = (key: string, label: string, params: Record<string, string>) =>
    h("li", {}, h("a", { href: pageUrl(platform, params), className: key === current ? "nav-item current" : "nav-item", ...(key === current ? { "aria-current": "page" } : {}) }, label));
  const nav = h(
    "nav",
    { className: "shell-nav", "aria-label": t.appName },
    h("h2", { className: "nav-group" }, t.sales),
    h("ul", {}, item("opportunity", t.opportunities, { pagetype: "entitylist", etn: "opportunity" }), item("lead", t.leads, { pagetype: "entitylist", etn: "lead" }), item("cosell_solution", t.solutionCatalog, { pagetype: "entitylist", etn: "cosell_solution" })),
    h("h2", { className: "nav-group" }, t.settings),
    h("ul", {}, item("envvars", t.environmentVariables, { pagetype: "envvars" })),
  );
  const main = h("main", { className: "shell-main", id: "main" });
  app.append(top, h("div", { className: "shell-body" }, nav, main));

  // Links in the page go through the same unsaved-changes check as scripts' navigation.
  nav.addEventListener("click", (event) => {
    const link = (event.target as HTMLElement).closest("a");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    void platform.navigate(link.getAttribute("href") ?? "/");
  });
  return { main };
}
