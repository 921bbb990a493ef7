/**
 * A PCF data-set bound to a subgrid: the related rows of the form's record through the subgrid's
 * relationship, with the columns of its view, paged, and reloaded on `refresh()`.
 */
import type { Platform } from "../platform/platform";
import { bareGuid } from "../platform/session";
import type { Row } from "../platform/webapi";

const DEFAULT_PAGE_SIZE = 25;

export interface DataSetSource {
  /** The form's table and record id ("" while the record is not saved yet). */
  entityName: string;
  recordId(): string;
  /** Subgrid settings: TargetEntityType, ViewId, RelationshipName. */
  settings: Record<string, string>;
  /** Called after every (re)load so the control's updateView runs. */
  changed(): void;
}

class DataSetRecord {
  constructor(
    private readonly row: Row,
    private readonly primaryId: string,
    private readonly primaryName: string,
    private readonly entityType: string,
  ) {}

  getRecordId(): string {
    return bareGuid(String(this.row[this.primaryId]));
  }

  getValue(column: string): unknown {
    const lookup = this.row[`_${column}_value`];
    if (typeof lookup === "string") {
      return { id: { guid: lookup }, name: String(this.row[`_${column}_value@OData.Community.Display.V1.FormattedValue`] ?? ""), etn: String(this.row[`_${column}_value@Microsoft.Dynamics.CRM.lookuplogicalname`] ?? "") };
    }
    return this.row[column] ?? null;
  }

  getFormattedValue(column: string): string {
    const formatted = this.row[`${column}@OData.Community.Display.V1.FormattedValue`];
    if (typeof formatted === "string") return formatted;
    const value = this.row[column];
    return value === null || value === undefined ? "" : String(value);
  }

  getNamedReference(): ComponentFramework.EntityReference {
    return { id: { guid: this.getRecordId() }, name: String(this.row[this.primaryName] ?? ""), etn: this.entityType } as ComponentFramework.EntityReference;
  }
}

export class HarnessDataSet {
  loading = false;
  error = false;
  errorMessage = "";
  records: Record<string, DataSetRecord> = {};
  sortedRecordIds: string[] = [];
  columns: ComponentFramework.PropertyHelper.DataSetApi.Column[] = [];
  sorting: ComponentFramework.PropertyHelper.DataSetApi.SortStatus[] = [];
  private pageSize = DEFAULT_PAGE_SIZE;
  private nextLink: string | undefined;
  private total = 0;
  private selected: string[] = [];
  private version = 0;

  constructor(
    private readonly platform: Platform,
    private readonly source: DataSetSource,
  ) {}

  /** Changes each time the rows change, so the host can tell the control. */
  get revision(): number {
    return this.version;
  }

  readonly paging = {
    get pageSize() {
      return this.owner.pageSize;
    },
    get totalResultCount() {
      return this.owner.total;
    },
    get hasNextPage() {
      return this.owner.nextLink !== undefined;
    },
    hasPreviousPage: false,
    firstPageNumber: 1,
    lastPageNumber: 1,
    owner: this as HarnessDataSet,
    setPageSize(size: number) {
      this.owner.pageSize = size;
    },
    reset() {
      void this.owner.load();
    },
    loadNextPage() {
      void this.owner.load(true);
    },
    loadPreviousPage() {
      void this.owner.load();
    },
    loadExactPage() {
      void this.owner.load();
    },
    setPageNumber() {
      // One page holds everything the control asked for.
    },
  };

  readonly filtering = {
    getFilter: () => ({ conditions: [], filterOperator: 0 }),
    setFilter: () => undefined,
    clearFilter: () => undefined,
  };

  readonly linking = {
    getLinkedEntities: () => [],
    addLinkedEntity: () => undefined,
  };

  async load(append = false): Promise<void> {
    const id = this.source.recordId();
    const target = this.source.settings.TargetEntityType;
    this.loading = true;
    this.error = false;
    this.errorMessage = "";
    this.source.changed();
    try {
      const table = await this.platform.metadata.entity(target);
      const view = this.platform.solution.view(this.source.settings.ViewId ?? "");
      const columnNames = view?.columns.length ? view.columns : [table.primaryName];
      this.columns = columnNames.map((name, order) => ({
        name,
        displayName: table.attributes.get(name)?.displayName ?? name,
        dataType: table.attributes.get(name)?.type ?? "SingleLine.Text",
        alias: name,
        order,
        visualSizeFactor: 1,
        isPrimary: name === table.primaryName,
      })) as unknown as ComponentFramework.PropertyHelper.DataSetApi.Column[];
      if (!append) {
        this.records = {};
        this.sortedRecordIds = [];
      }
      if (id === "") {
        this.total = 0;
        this.nextLink = undefined;
      } else {
        const form = await this.platform.metadata.entity(this.source.entityName);
        const relationship = form.manyToMany.find((m) => m.schemaName === this.source.settings.RelationshipName);
        if (!relationship) throw new Error(`${this.source.entityName} has no relationship ${this.source.settings.RelationshipName}.`);
        const navigation = relationship.entity1 === this.source.entityName ? relationship.entity1Navigation : relationship.entity2Navigation;
        const select = [...new Set([table.primaryId, table.primaryName, ...columnNames])].join(",");
        const order = view?.order ? `&$orderby=${view.order.attribute} ${view.order.descending ? "desc" : "asc"}` : "";
        const path = append && this.nextLink ? this.nextLink : `${form.entitySetName}(${id})/${navigation}?$select=${select}${order}&$count=true`;
        const body = await this.platform.webApi.get(path, this.pageSize);
        const rows = (body.value as Row[] | undefined) ?? [];
        for (const row of rows) {
          const record = new DataSetRecord(row, table.primaryId, table.primaryName, target);
          this.records[record.getRecordId()] = record;
          this.sortedRecordIds.push(record.getRecordId());
        }
        this.total = typeof body["@odata.count"] === "number" ? body["@odata.count"] : this.sortedRecordIds.length;
        this.nextLink = typeof body["@odata.nextLink"] === "string" ? body["@odata.nextLink"] : undefined;
      }
    } catch (error) {
      this.error = true;
      this.errorMessage = (error as { message?: string }).message ?? String(error);
    } finally {
      this.loading = false;
      this.version += 1;
      this.source.changed();
    }
  }

  refresh(): void {
    void this.load();
  }

  openDatasetItem(reference: ComponentFramework.EntityReference): void {
    const entity = (reference as { etn?: string }).etn ?? this.source.settings.TargetEntityType;
    void this.platform.navigate(`/main.aspx?pagetype=entityrecord&etn=${encodeURIComponent(entity)}&id=${bareGuid(reference.id.guid)}`);
  }

  getTargetEntityType(): string {
    return this.source.settings.TargetEntityType;
  }

  getViewId(): string {
    return this.source.settings.ViewId ?? "";
  }

  getTitle(): string {
    return this.source.settings.TargetEntityType;
  }

  getSelectedRecordIds(): string[] {
    return [...this.selected];
  }

  setSelectedRecordIds(ids: string[]): void {
    this.selected = [...ids];
  }

  clearSelectedRecordIds(): void {
    this.selected = [];
  }
}
