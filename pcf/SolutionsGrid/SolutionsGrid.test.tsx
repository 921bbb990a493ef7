import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { OpportunityTable, SolutionKindOptions, SolutionTable } from "@cosell/core";
import { SolutionsGrid } from "./index";
import { onSolutionsChanged } from "../shared/recordSignals";
import { createContext } from "../__mocks__/mock-context";
import { FakeWebApi } from "../__mocks__/fake-web-api";
import { MockDataSet, type DataRow } from "../__mocks__/mock-properties";
import type { IInputs } from "./manifest";

const OPPORTUNITY = "0b7d4c8e-1f2a-4c3b-9d8e-7f6a5b4c3d2e";

type Catalog = Record<"analytics" | "copilot" | "obrien" | "retired", string>;

function dataverse(): { webAPI: FakeWebApi; catalog: Catalog } {
  const webAPI = new FakeWebApi();
  webAPI.add(OpportunityTable.logicalName, { opportunityid: OPPORTUNITY, name: "Fabrikam expansion" });
  const solution = (name: string, identifier: string, kind: number, statecode = 0) =>
    webAPI.add(SolutionTable.logicalName, { cosell_name: name, cosell_solutionidentifier: identifier, cosell_kind: kind, statecode });
  const catalog = {
    analytics: solution("Contoso Analytics Suite", "SOL-15974-MQF", SolutionKindOptions.CoSellReadyPartnerSolution),
    copilot: solution("Microsoft 365 Copilot", "SOL-00042-MSFT", SolutionKindOptions.MicrosoftSolution),
    obrien: solution("O'Brien Field Analytics", "SOL-31337-OBR", SolutionKindOptions.CoSellReadyPartnerSolution),
    retired: solution("Contoso Analytics Classic", "SOL-10000-OLD", SolutionKindOptions.CoSellReadyPartnerSolution, 1),
  };
  return { webAPI, catalog };
}

/** The subgrid's rows: the catalog solutions associated with the opportunity, as the platform loads them. */
const attachedRows = (webAPI: FakeWebApi) => (): DataRow[] =>
  webAPI.solutionIdsOf(OPPORTUNITY).map((id) => {
    const row = webAPI.row(SolutionTable.logicalName, id);
    return {
      id,
      [SolutionTable.name]: row[SolutionTable.name] as string,
      [SolutionTable.solutionIdentifier]: row[SolutionTable.solutionIdentifier] as string,
      [SolutionTable.kind]: row[SolutionTable.kind] as number,
    };
  });

interface Options {
  attach?: (catalog: Catalog) => string[];
  disabled?: boolean;
  saved?: boolean;
  languageId?: number;
  allocatedWidth?: number;
}

function setup(options: Options = {}) {
  const { webAPI, catalog } = dataverse();
  for (const id of options.attach?.(catalog) ?? []) webAPI.associate(OPPORTUNITY, id);
  const dataset = new MockDataSet(SolutionTable.logicalName, [SolutionTable.name, SolutionTable.solutionIdentifier, SolutionTable.kind], attachedRows(webAPI));
  const context = createContext<IInputs>(
    { solutions: dataset },
    {
      control: "SolutionsGrid",
      webAPI,
      disabled: options.disabled,
      languageId: options.languageId,
      allocatedWidth: options.allocatedWidth,
      record: options.saved === false ? undefined : { entityName: "opportunity", id: OPPORTUNITY },
    },
  );
  // The $ref calls go to the Web API of the organization the form runs in.
  globalThis.fetch = webAPI.send as unknown as typeof fetch;
  const control = new SolutionsGrid();
  control.init(context);
  const view = render(control.updateView(context));
  dataset.onLoaded = () => {
    context.updatedProperties = ["dataset"];
    view.rerender(control.updateView(context));
  };
  return { webAPI, catalog, dataset, context, control, view };
}

const grid = () => screen.getByRole("grid", { name: "Attached solutions" });
const searchBox = () => screen.getByRole("searchbox", { name: "Add a solution" });
const rowNames = () => within(grid()).getAllByRole("rowheader").map((cell) => cell.textContent);

describe("SolutionsGrid", () => {
  it("lists name, solution id and kind of every attached solution", () => {
    setup({ attach: (c) => [c.analytics, c.copilot] });
    expect(rowNames()).toEqual(["Contoso Analytics Suite", "Microsoft 365 Copilot"]);
    const row = within(grid()).getByRole("row", { name: /Contoso Analytics Suite/ });
    expect(row).toHaveTextContent("SOL-15974-MQF");
    expect(row).toHaveTextContent("Co-sell ready partner solution");
    expect(screen.queryByText(/Add at least one solution/)).not.toBeInTheDocument();
  });

  it("shows the at-least-one rule while nothing is attached", async () => {
    setup();
    expect(await screen.findByText("Add at least one solution: Microsoft requires one before the opportunity can be shared.")).toBeVisible();
    expect(screen.getByText("No solutions attached yet.")).toBeVisible();
    expect(screen.queryByRole("grid")).not.toBeInTheDocument();
  });

  it("searches the active catalog as the seller types and adds the chosen solution", async () => {
    const user = userEvent.setup();
    const { webAPI, catalog, dataset } = setup({ attach: (c) => [c.copilot] });
    const heard: string[] = [];
    const stop = onSolutionsChanged(OPPORTUNITY, () => heard.push("changed"));

    await user.type(searchBox(), "analytics");
    const results = await screen.findByRole("list", { name: "Matching solutions" });
    // Only active solutions, and never one already attached.
    expect(within(results).getAllByRole("listitem").map((item) => item.textContent)).toEqual([
      "Contoso Analytics SuiteSOL-15974-MQF · Co-sell ready partner solutionAdd",
      "O'Brien Field AnalyticsSOL-31337-OBR · Co-sell ready partner solutionAdd",
    ]);
    expect(webAPI.calls.filter((c) => c.operation === "retrieveMultipleRecords")).toHaveLength(1);

    await user.click(within(results).getByRole("button", { name: "Add Contoso Analytics Suite" }));

    await waitFor(() => expect(rowNames()).toEqual(["Microsoft 365 Copilot", "Contoso Analytics Suite"]));
    expect(webAPI.solutionIdsOf(OPPORTUNITY)).toEqual([catalog.copilot, catalog.analytics]);
    expect(dataset.refresh).toHaveBeenCalledTimes(1);
    stop();
    expect(heard).toEqual(["changed"]);
    expect(searchBox()).toHaveValue("");
    expect(searchBox()).toHaveFocus();
    expect(screen.getByText("Contoso Analytics Suite added.")).toBeInTheDocument();
  });

  it("finds solutions by solution id and with quotes in the search text", async () => {
    const user = userEvent.setup();
    setup();
    await user.type(searchBox(), "sol-31337");
    expect(await screen.findByRole("button", { name: "Add O'Brien Field Analytics" })).toBeVisible();
    await user.clear(searchBox());
    await user.type(searchBox(), "O'Brien");
    expect(await screen.findByRole("button", { name: "Add O'Brien Field Analytics" })).toBeVisible();
  });

  it("says when nothing matches", async () => {
    const user = userEvent.setup();
    setup();
    await user.type(searchBox(), "Northwind");
    expect(await screen.findByText('No active solution in the catalog matches "Northwind".', { selector: "span" })).toBeVisible();
  });

  it("removes a solution and refreshes the list", async () => {
    const user = userEvent.setup();
    const { webAPI, catalog } = setup({ attach: (c) => [c.analytics, c.copilot] });
    const heard: string[] = [];
    const stop = onSolutionsChanged(OPPORTUNITY, () => heard.push("changed"));

    await user.click(screen.getByRole("button", { name: "Remove Contoso Analytics Suite" }));

    await waitFor(() => expect(rowNames()).toEqual(["Microsoft 365 Copilot"]));
    stop();
    // The HelpNeeded control on the same form re-checks on this signal.
    expect(heard).toEqual(["changed"]);
    expect(webAPI.solutionIdsOf(OPPORTUNITY)).toEqual([catalog.copilot]);
    expect(screen.getByText("Contoso Analytics Suite removed.")).toBeInTheDocument();
  });

  it("explains a failed add and keeps the list as it was", async () => {
    const user = userEvent.setup();
    const { webAPI, dataset } = setup();
    webAPI.failNext("associate", { message: "Principal user is missing prvAppendTocosell_solution privilege." });

    await user.type(searchBox(), "copilot");
    await user.click(await screen.findByRole("button", { name: "Add Microsoft 365 Copilot" }));

    expect(await screen.findByText(/Microsoft 365 Copilot could not be added/)).toHaveTextContent(
      "Microsoft 365 Copilot could not be added. Principal user is missing prvAppendTocosell_solution privilege.",
    );
    expect(webAPI.solutionIdsOf(OPPORTUNITY)).toEqual([]);
    expect(dataset.refresh).not.toHaveBeenCalled();
    await user.click(screen.getByRole("button", { name: "Dismiss" }));
    expect(screen.queryByText(/could not be added/)).not.toBeInTheDocument();
  });

  it("reports a solution that no longer exists in the catalog", async () => {
    const user = userEvent.setup();
    const { webAPI, catalog } = setup();
    await user.type(searchBox(), "copilot");
    const add = await screen.findByRole("button", { name: "Add Microsoft 365 Copilot" });
    await webAPI.deleteRecord(SolutionTable.logicalName, catalog.copilot);
    await user.click(add);
    expect(await screen.findByText(/could not be added/)).toHaveTextContent(`cosell_solution With Id = ${catalog.copilot} Does Not Exist`);
  });

  it("explains a failed search", async () => {
    const user = userEvent.setup();
    const { webAPI } = setup();
    webAPI.failNext("retrieveMultipleRecords", { message: "The server is busy." });
    await user.type(searchBox(), "co");
    expect(await screen.findByText(/could not be searched/)).toHaveTextContent("The solution catalog could not be searched. The server is busy.");
  });

  it("shows why the list could not be loaded", async () => {
    const { dataset, context, control, view } = setup();
    dataset.failLoading("Access denied.");
    view.rerender(control.updateView(context));
    expect(await screen.findByText("The attached solutions could not be loaded. Access denied.")).toBeVisible();
    expect(screen.queryByText(/Add at least one solution/)).not.toBeInTheDocument();
  });

  it("keeps a read-only form read-only", () => {
    setup({ attach: (c) => [c.analytics], disabled: true });
    expect(rowNames()).toEqual(["Contoso Analytics Suite"]);
    expect(screen.getByRole("button", { name: "Remove Contoso Analytics Suite" })).toBeDisabled();
    expect(screen.queryByRole("searchbox")).not.toBeInTheDocument();
  });

  it("asks to save a new opportunity before adding solutions", () => {
    setup({ saved: false });
    expect(screen.getByText("Save the opportunity to add solutions.")).toBeVisible();
    expect(screen.queryByRole("searchbox")).not.toBeInTheDocument();
  });

  it("opens a solution from its name", async () => {
    const user = userEvent.setup();
    const { dataset, catalog } = setup({ attach: (c) => [c.analytics] });
    await user.click(screen.getByRole("button", { name: "Contoso Analytics Suite" }));
    expect(dataset.openDatasetItem).toHaveBeenCalledWith({ id: { guid: catalog.analytics }, etn: SolutionTable.logicalName, name: "Contoso Analytics Suite" });
  });

  it("drops the kind column in a narrow container and shows every solution on one page", () => {
    const { dataset, context } = setup({ attach: (c) => [c.analytics], allocatedWidth: 320 });
    expect(within(grid()).queryByText("Co-sell ready partner solution")).not.toBeInTheDocument();
    expect(within(grid()).getByText("SOL-15974-MQF")).toBeVisible();
    expect(context.mode.trackContainerResize).toHaveBeenCalledWith(true);
    expect(dataset.paging.setPageSize).toHaveBeenCalledWith(250);
  });

  it.each([
    [1033, "Add a solution"],
    [1053, "Lägg till en lösning"],
    [2052, "添加解决方案"],
    [1043, "Een oplossing toevoegen"],
    [1040, "Aggiungi una soluzione"],
    [1045, "Dodaj rozwiązanie"],
  ])("speaks the seller's language (%i)", (languageId, label) => {
    setup({ languageId });
    expect(screen.getByRole("searchbox", { name: label })).toBeVisible();
  });
});
