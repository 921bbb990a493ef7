/**
 * Settings › Environment variables: the connector's variables with their default and current
 * value, where an admin customises the connector (PRODUCT.md §6 scenario 6) — as in the maker
 * portal, by writing the current value row (dataverse-pcf.md §2.6).
 */
import { EnvironmentVariables } from "@cosell/core";
import { h } from "../dom";
import type { Platform } from "../platform/platform";
import { fill } from "../platform/texts";
import { errorText } from "../platform/webapi";

const VALUES = "environmentvariabledefinition_environmentvariablevalue";

interface Definition {
  id: string;
  schemaName: string;
  displayName: string;
  defaultValue: string | null;
  current?: { id: string; value: string | null };
}

export async function renderEnvironmentVariables(platform: Platform, main: HTMLElement): Promise<void> {
  const t = platform.texts;
  const status = h("p", { className: "list-status", role: "status" }, t.loading);
  const table = h("table", { className: "grid", "aria-label": t.environmentVariables });
  main.replaceChildren(h("div", { className: "command-bar", role: "toolbar", "aria-label": t.environmentVariables }), h("div", { className: "page" }, h("h1", { className: "page-title" }, t.environmentVariables), h("p", { className: "page-help" }, t.environmentVariablesHelp), status, table));
  document.title = `${t.environmentVariables} — Dynamics 365`;

  const names = Object.values(EnvironmentVariables).map((v) => v.schemaName);
  let definitions: Definition[];
  try {
    const { entities } = await platform.webApi.retrieveMultipleRecords(
      "environmentvariabledefinition",
      `?$select=schemaname,displayname,defaultvalue&$filter=${encodeURIComponent(names.map((n) => `schemaname eq '${n}'`).join(" or "))}&$expand=${VALUES}($select=environmentvariablevalueid,value)&$orderby=schemaname asc`,
    );
    definitions = entities.map((row) => {
      const current = (row[VALUES] as Array<Record<string, unknown>> | undefined)?.[0];
      return {
        id: String(row.environmentvariabledefinitionid),
        schemaName: String(row.schemaname),
        displayName: String(row.displayname ?? row.schemaname),
        defaultValue: typeof row.defaultvalue === "string" ? row.defaultvalue : null,
        ...(current ? { current: { id: String(current.environmentvariablevalueid), value: typeof current.value === "string" ? current.value : null } } : {}),
      };
    });
  } catch (error) {
    status.textContent = errorText(error);
    status.setAttribute("role", "alert");
    return;
  }
  status.textContent = "";
  table.append(
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t.variable), h("th", { scope: "col" }, t.defaultValue), h("th", { scope: "col" }, t.currentValue), h("th", { scope: "col" }, h("span", { className: "visually-hidden" }, t.saveValue)))),
    h("tbody", {}, ...definitions.map((d) => row(platform, d, status))),
  );
}

function row(platform: Platform, definition: Definition, status: HTMLElement): HTMLElement {
  const t = platform.texts;
  const inputId = `envvar-${definition.schemaName}`;
  const input = h("input", { id: inputId, className: "input", type: "text", value: definition.current?.value ?? "", placeholder: definition.defaultValue ?? "" });
  const save = h("button", { type: "button", className: "button primary", "data-variable": definition.schemaName }, t.saveValue);
  const reset = h("button", { type: "button", className: "button", hidden: !definition.current }, t.removeValue);
  const done = (message: string) => {
    status.setAttribute("role", "status");
    status.textContent = message;
  };
  save.addEventListener("click", async () => {
    try {
      if (definition.current) {
        await platform.webApi.updateRecord("environmentvariablevalue", definition.current.id, { value: input.value });
      } else {
        const created = await platform.webApi.createRecord("environmentvariablevalue", {
          schemaname: definition.schemaName,
          value: input.value,
          "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${definition.id})`,
        });
        definition.current = { id: created.id, value: input.value };
      }
      reset.hidden = false;
      done(fill(t.valueSaved, { name: definition.displayName }));
    } catch (error) {
      status.setAttribute("role", "alert");
      status.textContent = errorText(error);
    }
  });
  reset.addEventListener("click", async () => {
    if (!definition.current) return;
    try {
      await platform.webApi.deleteRecord("environmentvariablevalue", definition.current.id);
      definition.current = undefined;
      input.value = "";
      reset.hidden = true;
      done(fill(t.valueSaved, { name: definition.displayName }));
    } catch (error) {
      status.setAttribute("role", "alert");
      status.textContent = errorText(error);
    }
  });
  return h(
    "tr",
    { "data-variable": definition.schemaName },
    h("th", { scope: "row" }, h("label", { for: inputId }, definition.displayName), h("div", { className: "cell-hint" }, definition.schemaName)),
    h("td", {}, definition.defaultValue ?? "—"),
    h("td", {}, input),
    h("td", { className: "actions" }, save, reset),
  );
}
