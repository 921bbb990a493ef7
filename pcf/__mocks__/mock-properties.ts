/** Bound-property and data-set mocks shaped like what model-driven forms pass to controls. */
type Metadata = ComponentFramework.PropertyHelper.FieldPropertyMetadata.Metadata;

const editable: ComponentFramework.PropertyHelper.SecurityValues = { editable: true, readable: true, secured: false };

function property<T>(type: string, raw: T, formatted = raw == null ? "" : String(raw)) {
  return { type, raw, formatted, error: false, errorMessage: "", security: { ...editable } };
}

export function twoOptions(raw: boolean, labels: [string, string] = ["No", "Yes"]): ComponentFramework.PropertyTypes.TwoOptionsProperty {
  const attributes = {
    ...baseMetadata("Boolean"),
    DefaultValue: false,
    Options: [
      { Label: labels[0], Value: 0, Color: "" },
      { Label: labels[1], Value: 1, Color: "" },
    ],
  } as ComponentFramework.PropertyHelper.FieldPropertyMetadata.TwoOptionMetadata;
  return { ...property("TwoOptions", raw, raw ? labels[1] : labels[0]), attributes };
}

export function optionSet(raw: number | null, options: { Label: string; Value: number }[] = []): ComponentFramework.PropertyTypes.OptionSetProperty {
  const attributes = {
    ...baseMetadata("OptionSet"),
    DefaultValue: -1,
    Options: options.map((option) => ({ ...option, Color: "" })),
  } as ComponentFramework.PropertyHelper.FieldPropertyMetadata.OptionSetMetadata;
  return { ...property("OptionSet", raw, options.find((o) => o.Value === raw)?.Label ?? ""), attributes };
}

export function text(raw: string | null, type = "SingleLine.Text"): ComponentFramework.PropertyTypes.StringProperty {
  return property(type, raw);
}

export function dateTime(raw: Date | null): ComponentFramework.PropertyTypes.DateTimeProperty {
  return property("DateAndTime.DateAndTime", raw, raw ? raw.toISOString() : "");
}

function baseMetadata(type: string): Metadata {
  return { DisplayName: "", LogicalName: "", RequiredLevel: 0, IsSecured: false, SourceType: 0, Description: "", Type: type } as Metadata;
}

export type DataRow = Record<string, string | number | null> & { id: string };

/**
 * A data-set over in-memory rows. `refresh()` re-reads the rows from `source`, asynchronously like
 * the platform, then calls `onLoaded` so the test can hand the control a new updateView.
 */
export class MockDataSet implements ComponentFramework.PropertyTypes.DataSet {
  public columns: ComponentFramework.PropertyHelper.DataSetApi.Column[];
  public error = false;
  public errorMessage = "";
  public loading = false;
  public records: Record<string, ComponentFramework.PropertyHelper.DataSetApi.EntityRecord> = {};
  public sortedRecordIds: string[] = [];
  public sorting: ComponentFramework.PropertyHelper.DataSetApi.SortStatus[] = [];
  public filtering = {} as ComponentFramework.PropertyHelper.DataSetApi.Filtering;
  public linking = {} as ComponentFramework.PropertyHelper.DataSetApi.Linking;
  public paging: ComponentFramework.PropertyHelper.DataSetApi.Paging;
  public readonly refresh = jest.fn(() => {
    this.loading = true;
    setTimeout(() => {
      this.load(this.source());
      this.onLoaded();
    }, 0);
  });
  public readonly openDatasetItem = jest.fn();
  public onLoaded: () => void = () => undefined;
  private selected: string[] = [];

  constructor(
    private readonly entityType: string,
    columnNames: string[],
    private readonly source: () => DataRow[],
    private readonly formatted: (column: string, value: string | number | null) => string = (_c, value) => (value == null ? "" : String(value)),
  ) {
    this.columns = columnNames.map((name, order) => ({ name, displayName: name, dataType: "SingleLine.Text", alias: name, order, visualSizeFactor: 1 }));
    this.paging = {
      totalResultCount: 0,
      firstPageNumber: 1,
      lastPageNumber: 1,
      pageSize: 25,
      hasNextPage: false,
      hasPreviousPage: false,
      loadNextPage: jest.fn(),
      loadPreviousPage: jest.fn(),
      reset: jest.fn(),
      setPageSize: jest.fn((size: number) => {
        this.paging.pageSize = size;
      }),
      loadExactPage: jest.fn(),
    };
    this.load(source());
  }

  public failLoading(message: string): void {
    this.error = true;
    this.errorMessage = message;
  }

  public getTargetEntityType(): string {
    return this.entityType;
  }
  public getTitle(): string {
    return this.entityType;
  }
  public getViewId(): string {
    return "00000000-0000-0000-0000-00000000a001";
  }
  public getSelectedRecordIds(): string[] {
    return this.selected;
  }
  public setSelectedRecordIds(ids: string[]): void {
    this.selected = ids;
  }
  public clearSelectedRecordIds(): void {
    this.selected = [];
  }

  private load(rows: DataRow[]): void {
    this.loading = false;
    this.records = Object.fromEntries(rows.map((row) => [row.id, this.record(row)]));
    this.sortedRecordIds = rows.map((row) => row.id);
    this.paging.totalResultCount = rows.length;
  }

  private record(row: DataRow): ComponentFramework.PropertyHelper.DataSetApi.EntityRecord {
    const entityType = this.entityType;
    const primaryName = this.columns[0]?.name ?? "";
    return {
      getRecordId: () => row.id,
      getValue: (column) => row[column] as string | number,
      getFormattedValue: (column) => this.formatted(column, row[column] ?? null),
      getNamedReference: () => ({ id: { guid: row.id }, etn: entityType, name: String(row[primaryName] ?? "") }),
    };
  }
}
