/**
 * A table's list page ("Open opportunities", "Leads", "Solution catalog"): its rows through the
 * Web API with the columns a seller scans, each opening the record; "New" opens an empty form.
 */
import { h } from "../dom";
import type { Platform } from "../platform/platform";
import { recordUrl } from "../platform/platform";
import { fill } from "../platform/texts";
import { errorText, type Row } from "../platform/webapi";

interface ListDefinition {
  title: (platform: Platform) => string;
  columns: string[];
  filter?: string;
  orderBy: string;
  canCreate: boolean;
}

const LISTS: Record<string, ListDefinition> = {
  opportunity: {
    title: (p) => p.texts.myOpenOpportunities,
    columns: ["name", "parentaccountid", "estimatedvalue", "estimatedclosedate", "cosell_syncstatus", "cosell_referralid", "statecode"],
    orderBy: "modifiedon desc",
    canCreate: true,
  },
  lead: {
    title: (p) => p.texts.openLeads,
    columns: ["subject", "companyname", "budgetamount", "cosell_referralid", "cosell_referralstatus", "statecode"],
    orderBy: "createdon desc",
    canCreate: true,
  },
  cosell_solution: {
    title: (p) => p.texts.solutionCatalog,
    columns: ["cosell_name", "cosell_solutionidentifier", "cosell_kind", "cosell_publisher"],
    filter: "statecode eq 0",
    orderBy: "cosell_name asc",
    canCreate: true,
  },
};

export async function renderList(platform: Platform, main: HTMLElement, entityName: string): Promise<void> {
  const definition = LISTS[entityName] ?? LISTS.opportunity;
  const t = platform.texts;
  const table = await platform.metadata.entity(entityName);
  const columns = definition.columns.filter((c) => table.attributes.has(c));
  const select = [table.primaryId, ...columns.map((c) => (isLookup(table.attributes.get(c)?.type) ? `_${c}_value` : c))];
  const status = h("p", { className: "list-status", role: "status" }, t.loading);
  const newButton = h("button", { type: "button", className: "command" }, h("span", { "aria-hidden": "true" }, "+ "), t.new);
  newButton.addEventListener("click", () => void platform.navigate(recordUrl(platform, entityName)));
  const refreshButton = h("button", { type: "button", className: "command" }, t.refresh);
  refreshButton.addEventListener("click", () => void renderList(platform, main, entityName));
  const title = definition.title(platform);
  const grid = h("table", { className: "grid", "aria-label": title });
  main.replaceChildren(
    h("div", { className: "command-bar", role: "toolbar", "aria-label": title }, definition.canCreate ? newButton : null, refreshButton),
    h("div", { className: "page" }, h("h1", { className: "page-title" }, title), status, grid),
  );
  document.title = `${title} — Dynamics 365`;

  let rows: Row[];
  try {
    const query = `?$select=${select.join(",")}${definition.filter ? `&$filter=${encodeURIComponent(definition.filter)}` : ""}&$orderby=${definition.orderBy}`;
    rows = (await platform.webApi.retrieveMultipleRecords(entityName, query)).entities;
  } catch (error) {
    status.textContent = errorText(error);
    status.setAttribute("role", "alert");
    return;
  }
  status.textContent = rows.length === 0 ? t.noRecords : fill(t.recordCount, { count: rows.length });
  grid.append(
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { scope: "col" }, table.attributes.get(c)?.displayName ?? c)))),
    h(
      "tbody",
      {},
      ...rows.map((row) =>
        h(
          "tr",
          {},
          ...columns.map((column, index) => {
            const type = table.attributes.get(column)?.type;
            const text = formatted(row, column, isLookup(type));
            if (index > 0) return h("td", {}, text);
            const link = h("a", { href: recordUrl(platform, entityName, String(row[table.primaryId])) }, text || "(—)");
            link.addEventListener("click", (event) => {
              event.preventDefault();
              void platform.navigate(link.getAttribute("href")!);
            });
            return h("td", {}, link);
          }),
        ),
      ),
    ),
  );
}

const isLookup = (type: string | undefined) => type === "Lookup" || type === "Customer" || type === "Owner";

function formatted(row: Row, column: string, lookup: boolean): string {
  const key = lookup ? `_${column}_value` : column;
  const display = row[`${key}@OData.Community.Display.V1.FormattedValue`];
  if (typeof display === "string") return display;
  const value = row[key];
  return value === null || value === undefined ? "" : String(value);
}
