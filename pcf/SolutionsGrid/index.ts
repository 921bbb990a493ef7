import * as React from "react";
import { OpportunityTable, SolutionTable } from "@cosell/core";
import { SolutionsGridView } from "./components/SolutionsGridView";
import { SolutionLinks, type CatalogSolution } from "./solutionLinks";
import { hostRecord } from "../shared/hostRecord";
import { announceSolutionsChanged } from "../shared/recordSignals";
import { COMPACT_WIDTH } from "../shared/layout";
import { translator } from "../shared/localization";
import type { IInputs, IOutputs } from "./manifest";

/** More than an opportunity ever carries, so the subgrid shows every attached solution on one page. */
const PAGE_SIZE = 250;

/**
 * `CoSell.SolutionsGrid`, on the Opportunity ⇄ cosell_solution N:N subgrid ("Microsoft Partner
 * Center Solutions"). The subgrid's view must include cosell_name, cosell_solutionidentifier and
 * cosell_kind.
 */
export class SolutionsGrid implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private context!: ComponentFramework.Context<IInputs>;
  private links!: SolutionLinks;
  private solutions: CatalogSolution[] = [];

  public init(context: ComponentFramework.Context<IInputs>): void {
    this.context = context;
    this.links = new SolutionLinks(context.webAPI);
    context.mode.trackContainerResize(true);
    const { paging } = context.parameters.solutions;
    if (paging.pageSize < PAGE_SIZE) {
      paging.setPageSize(PAGE_SIZE);
      paging.reset();
    }
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    this.context = context;
    const dataset = context.parameters.solutions;
    // While the platform reloads the data-set its records are stale; keep the last complete list.
    if (!dataset.loading) this.solutions = attachedSolutions(dataset);
    const record = hostRecord(context);
    const opportunity = record?.entityName === OpportunityTable.logicalName ? record : undefined;
    return React.createElement(SolutionsGridView, {
      solutions: this.solutions,
      loading: dataset.loading,
      loadError: dataset.error ? dataset.errorMessage : undefined,
      canEdit: !!opportunity && !context.mode.isControlDisabled,
      unsaved: !opportunity,
      compact: context.mode.allocatedWidth > 0 && context.mode.allocatedWidth < COMPACT_WIDTH,
      t: translator(context.resources),
      search: this.search,
      add: this.add,
      remove: this.remove,
      open: this.open,
    });
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    this.solutions = [];
  }

  private readonly search = (term: string): Promise<CatalogSolution[]> =>
    this.links.search(
      term,
      this.solutions.map((s) => s.id),
    );

  private readonly add = async (solution: CatalogSolution): Promise<void> => {
    const opportunityId = this.opportunityId();
    await this.links.attach(opportunityId, solution.id);
    this.context.parameters.solutions.refresh();
    announceSolutionsChanged(opportunityId);
  };

  private readonly remove = async (solution: CatalogSolution): Promise<void> => {
    const opportunityId = this.opportunityId();
    await this.links.detach(opportunityId, solution.id);
    this.context.parameters.solutions.refresh();
    announceSolutionsChanged(opportunityId);
  };

  private readonly open = (solution: CatalogSolution): void => {
    const record = this.context.parameters.solutions.records[solution.id];
    if (record) this.context.parameters.solutions.openDatasetItem(record.getNamedReference());
  };

  private opportunityId(): string {
    const record = hostRecord(this.context);
    if (!record) throw new Error(translator(this.context.resources)("Save_First"));
    return record.id;
  }
}

function attachedSolutions(dataset: ComponentFramework.PropertyTypes.DataSet): CatalogSolution[] {
  return dataset.sortedRecordIds.map((id) => {
    const record = dataset.records[id];
    const kind = Number(record.getValue(SolutionTable.kind) ?? Number.NaN);
    return {
      id: record.getRecordId(),
      name: record.getFormattedValue(SolutionTable.name) || String(record.getValue(SolutionTable.name) ?? ""),
      solutionIdentifier: String(record.getValue(SolutionTable.solutionIdentifier) ?? ""),
      kind: Number.isInteger(kind) ? kind : null,
    };
  });
}
