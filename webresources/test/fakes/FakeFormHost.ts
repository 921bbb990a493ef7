/**
 * Plays the model-driven app around a form script: builds an xrm-mock form from a row of the
 * FakeDataverse, registers the handlers the way the solution's form XML does (execution context
 * passed), and does what the platform does on save (OnSave handlers with save mode, preventDefault,
 * write to Dataverse, PostSave), on `data.refresh`, for `getResourceString` (RESX strings in the
 * user's language, base-language fallback), progress indicators and dialogs.
 */
import { Languages, type Lcid } from "@cosell/core";
import { XrmMockGenerator } from "xrm-mock";
import * as XrmMock from "xrm-mock";
import { PostSaveEventArgumentsMock } from "xrm-mock/dist/xrm-mock/events/postsaveeventarguments.mock";
import { PostSaveEventContextMock } from "xrm-mock/dist/xrm-mock/events/postsaveeventcontext.mock";
import { SaveEventContextAsyncMock } from "xrm-mock/dist/xrm-mock/events/saveeventcontextasync.mock";
import { resourceStrings } from "../../src/strings";
import { CLIENT_URL } from "../fixtures/coSellOrg";
import type { FakeDataverse } from "./FakeDataverse";

export type ColumnType = "boolean" | "optionset" | "string" | "number" | "date" | "lookup";

export interface FormColumn {
  name: string;
  type: ColumnType;
  /** For lookups: the table the stored `_name_value` points at. */
  target?: string;
}

export interface FormHandlers {
  onLoad: (context: Xrm.Events.EventContext) => unknown;
  onSave?: (context: Xrm.Events.SaveEventContext) => unknown;
  onChange?: { columns: string[]; handler: (context: Xrm.Events.EventContext) => unknown };
}

export interface OpenFormOptions {
  entityName: string;
  /** Omit for a new, unsaved record. */
  id?: string;
  columns: FormColumn[];
  handlers: FormHandlers;
  userId: string;
  languageId?: number;
  orgLanguageId?: number;
  clientUrl?: string;
}

export interface SaveRecord {
  mode: number;
  outcome: "saved" | "prevented" | "failed";
}

export class FakeFormHost {
  readonly saves: SaveRecord[] = [];
  /** Progress indicator texts while shown; `null` once closed. */
  readonly progress: (string | null)[] = [];
  readonly confirmations: Xrm.Navigation.ConfirmStrings[] = [];
  readonly alerts: Xrm.Navigation.AlertStrings[] = [];
  readonly openedForms: Xrm.Navigation.EntityFormOptions[] = [];
  /** Answers for the next confirm dialogs, in order; afterwards the seller confirms. */
  confirmAnswers: boolean[] = [];
  closed = false;
  ribbonRefreshes = 0;
  /** What the form's OnLoad handler returned; the platform ignores it, tests await it. */
  loaded: Promise<unknown> = Promise.resolve();
  private failNextSaveWith: string | undefined;

  readonly formContext: XrmMock.FormContextMock;

  private constructor(
    private readonly dataverse: FakeDataverse,
    private readonly options: OpenFormOptions,
  ) {
    const userSettings = new XrmMock.UserSettingsMock({
      isGuidedHelpEnabled: false,
      isHighContrastEnabled: false,
      isRTL: false,
      languageId: options.languageId ?? 1033,
      userId: `{${options.userId.toUpperCase()}}`,
      userName: "Seller",
    });
    const context = new XrmMock.ContextMock({
      clientContext: new XrmMock.ClientContextMock("Web", "Online"),
      clientUrl: options.clientUrl ?? CLIENT_URL,
      orgLcid: options.orgLanguageId ?? 1033,
      userSettings: userSettings as unknown as Xrm.UserSettings,
    });
    context.getWebResourceUrl = (name: string) => `/%7B638900000000000000%7D/webresources/${name}`;
    XrmMockGenerator.initialise({ context, entity: { entityName: options.entityName, id: `{${options.id ?? ""}}` } });
    this.formContext = XrmMockGenerator.getFormContext();
    this.entity.id = options.id ? `{${options.id.toUpperCase()}}` : "";

    const row = options.id ? dataverse.row(options.entityName, options.id) ?? {} : {};
    for (const column of options.columns) this.createAttribute(column, row);
    this.installPlatform();
  }

  static open(dataverse: FakeDataverse, options: OpenFormOptions): FakeFormHost {
    const host = new FakeFormHost(dataverse, options);
    const { handlers } = options;
    if (handlers.onSave) host.entity.addOnSave(handlers.onSave as Xrm.Events.SaveEventHandler);
    if (handlers.onChange) {
      for (const name of handlers.onChange.columns) host.attribute(name).addOnChange(handlers.onChange.handler);
    }
    host.loaded = Promise.resolve(handlers.onLoad(XrmMockGenerator.getEventContext()));
    return host;
  }

  get entity(): XrmMock.EntityMock {
    return this.formContext.data.entity as XrmMock.EntityMock;
  }

  get id(): string {
    return this.entity.id.replace(/[{}]/g, "").toLowerCase();
  }

  attribute(name: string): XrmMock.AttributeMock<never, never, never> {
    const attribute = this.formContext.getAttribute(name);
    if (!attribute) throw new Error(`${name} is not on the form`);
    return attribute as unknown as XrmMock.AttributeMock<never, never, never>;
  }

  control(name: string): XrmMock.StandardControlMock<never, never, never> {
    const control = this.formContext.getControl(name);
    if (!control) throw new Error(`no control ${name}`);
    return control as unknown as XrmMock.StandardControlMock<never, never, never>;
  }

  /** Messages of the control's notifications, in the order they were added. */
  controlNotifications(name: string): string[] {
    return this.control(name)
      .getNotifications()
      .flatMap((n) => n.messages);
  }

  formNotifications(): { message: string; level: string; uniqueId: string }[] {
    return ((this.formContext.ui as unknown as XrmMock.UiMock).formNotifications ?? []) as { message: string; level: string; uniqueId: string }[];
  }

  /**
   * The seller changes a column: value set, then the column's OnChange handlers run with an
   * execution context. Resolves when the handlers' own work is done, so tests can assert after it.
   */
  async edit(name: string, value: unknown): Promise<void> {
    const attribute = this.attribute(name);
    attribute.setValue(value as never);
    const context = new XrmMock.EventContextMock({
      context: XrmMockGenerator.context,
      formContext: this.formContext,
      eventSource: attribute,
    } as never);
    for (const handler of [...attribute.eventHandlers]) await handler(context);
  }

  failNextSave(message: string): void {
    this.failNextSaveWith = message;
  }

  /** The seller (or a script) saves: resolves with what happened, like the platform's save pipeline. */
  async save(mode = 1): Promise<SaveRecord["outcome"]> {
    const context = new SaveEventContextAsyncMock({
      context: XrmMockGenerator.context,
      formContext: this.formContext,
      saveMode: mode as XrmEnum.SaveMode,
    });
    for (const handler of this.entity.saveEventHandlers) await handler(context as never);
    if (context.getEventArgs().isDefaultPrevented()) {
      this.saves.push({ mode, outcome: "prevented" });
      return "prevented";
    }
    const failure = this.failNextSaveWith;
    this.failNextSaveWith = undefined;
    if (failure === undefined) this.persist();
    this.saves.push({ mode, outcome: failure === undefined ? "saved" : "failed" });
    const post = new PostSaveEventContextMock({
      context: XrmMockGenerator.context,
      formContext: this.formContext,
      eventArgs: new PostSaveEventArgumentsMock({
        entityReference: { entityType: this.options.entityName, id: this.entity.id },
        isSaveSuccess: failure === undefined,
        saveErrorInfo: failure === undefined ? undefined : { message: failure },
      }),
    });
    for (const handler of this.entity.postSaveEventHandlers) handler(post);
    return failure === undefined ? "saved" : "failed";
  }

  private persist(): void {
    const entityName = this.options.entityName;
    const changes: Record<string, unknown> = {};
    for (const column of this.options.columns) {
      const attribute = this.attribute(column.name);
      if (this.id !== "" && !attribute.getIsDirty()) continue;
      Object.assign(changes, toRow(column, attribute.getValue()));
      (attribute as { isDirty: boolean }).isDirty = false;
    }
    if (this.id === "") {
      this.entity.id = `{${this.dataverse.add(entityName, changes).toUpperCase()}}`;
    } else {
      Object.assign(this.dataverse.row(entityName, this.id)!, changes);
    }
  }

  /** Re-reads the row (what `formContext.data.refresh` does) and runs the data OnLoad handlers. */
  private refresh(): void {
    const row = this.dataverse.row(this.options.entityName, this.id) ?? {};
    for (const column of this.options.columns) {
      const attribute = this.attribute(column.name);
      (attribute as { value: unknown }).value = fromRow(column, row);
      (attribute as { isDirty: boolean }).isDirty = false;
    }
    const data = this.formContext.data as XrmMock.DataMock;
    for (const handler of data.loadEventHandlers) handler(XrmMockGenerator.getEventContext() as never);
  }

  private createAttribute(column: FormColumn, row: Record<string, unknown>): void {
    const value = fromRow(column, row);
    const A = XrmMockGenerator.Attribute;
    switch (column.type) {
      case "boolean":
        A.createBoolean(column.name, value as boolean);
        break;
      case "optionset":
        A.createOptionSet(column.name, value as number);
        break;
      case "number":
        A.createNumber(column.name, value as number);
        break;
      case "date":
        A.createDate(column.name, value as Date);
        break;
      case "lookup":
        A.createLookup(column.name, value as Xrm.LookupValue[]);
        break;
      default:
        A.createString(column.name, value as string);
    }
    (this.attribute(column.name) as { value: unknown }).value = value;
  }

  private installPlatform(): void {
    const xrm = Xrm as unknown as Record<string, Record<string, unknown>>;
    xrm.WebApi = this.dataverse.webApi() as unknown as Record<string, unknown>;
    const utility = Xrm.Utility as unknown as Record<string, unknown>;
    utility.getResourceString = (webResourceName: string, key: string) => this.resourceString(webResourceName, key);
    utility.showProgressIndicator = (message: string) => void this.progress.push(message);
    utility.closeProgressIndicator = () => void this.progress.push(null);

    const navigation = Xrm.Navigation as unknown as Record<string, unknown>;
    navigation.openConfirmDialog = async (strings: Xrm.Navigation.ConfirmStrings) => {
      this.confirmations.push(strings);
      return { confirmed: this.confirmAnswers.shift() ?? true };
    };
    navigation.openAlertDialog = async (strings: Xrm.Navigation.AlertStrings) => {
      this.alerts.push(strings);
    };
    navigation.openForm = async (options: Xrm.Navigation.EntityFormOptions) => {
      this.openedForms.push(options);
      return { savedEntityReference: [] };
    };

    const data = this.formContext.data as unknown as Record<string, unknown>;
    data.save = async () => {
      const outcome = await this.save(1);
      // The platform rejects a scripted save that a handler or the server stopped.
      if (outcome !== "saved") throw { errorCode: 0x80040265, message: `Save ${outcome}.` };
    };
    data.refresh = async (save: boolean) => {
      if (save) await (data.save as () => Promise<void>)();
      this.refresh();
    };
    const ui = this.formContext.ui as unknown as Record<string, unknown>;
    ui.close = () => {
      this.closed = true;
    };
    ui.refreshRibbon = () => {
      this.ribbonRefreshes++;
    };
  }

  /**
   * `Xrm.Utility.getResourceString`: the RESX for the user's language, else the organization's
   * base language; null for an unknown key; throws when the library has no such RESX at all.
   */
  private resourceString(webResourceName: string, key: string): string | null {
    if (webResourceName !== "cosell_/strings/FormScripts") throw new Error(`${webResourceName} does not exist.`);
    const shipped = Languages as readonly number[];
    const lcid = [this.options.languageId ?? 1033, this.options.orgLanguageId ?? 1033].find((l) => shipped.includes(l));
    if (lcid === undefined) throw new Error(`${webResourceName} does not exist.`);
    return resourceStrings(lcid as Lcid)[key] ?? null;
  }
}

function fromRow(column: FormColumn, row: Record<string, unknown>): unknown {
  if (column.type === "lookup") {
    const id = row[`_${column.name}_value`];
    return typeof id === "string" ? [{ id: `{${id.toUpperCase()}}`, entityType: column.target ?? "", name: "" }] : null;
  }
  const value = row[column.name];
  if (value === undefined || value === null) return null;
  if (column.type === "date" && typeof value === "string") {
    const [y, m, d] = value.slice(0, 10).split("-").map(Number);
    return new Date(y, m - 1, d);
  }
  return value;
}

function toRow(column: FormColumn, value: unknown): Record<string, unknown> {
  if (column.type === "lookup") {
    const first = (value as Xrm.LookupValue[] | null)?.[0];
    return { [`_${column.name}_value`]: first ? first.id.replace(/[{}]/g, "").toLowerCase() : null };
  }
  if (column.type === "date" && value instanceof Date) {
    const pad = (n: number) => String(n).padStart(2, "0");
    return { [column.name]: `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}` };
  }
  return { [column.name]: value ?? null };
}
