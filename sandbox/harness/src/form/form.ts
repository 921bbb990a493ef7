/**
 * One open record: the form context scripts get (`formContext.data`, `.ui`, `getAttribute`,
 * `getControl`), the events the platform raises (OnLoad, OnChange, OnSave, PostSave, data OnLoad)
 * and the save and refresh round trips through the Web API.
 */
import type { EntityInfo } from "../platform/metadata";
import type { Platform } from "../platform/platform";
import { resolveFunction } from "../platform/resources";
import { clientGuid, bareGuid } from "../platform/session";
import { fill } from "../platform/texts";
import { errorText } from "../platform/webapi";
import { FormAttribute, type AttributeHost } from "./attribute";
import { ItemCollection } from "./collection";
import type { FormControl, FormTab } from "./controls";
import type { EventDef, FormDef, HandlerDef } from "./formxml";

type Handler = (context: Xrm.Events.EventContext) => unknown;

export const FormType = { Create: 1, Update: 2, ReadOnly: 3, Disabled: 4 } as const;

/** Save modes (`getSaveMode`). */
export const SaveMode = { Save: 1, SaveAndClose: 2 } as const;

export interface FormNotification {
  id: string;
  level: Xrm.FormNotificationLevel;
  message: string;
}

export interface FormListeners {
  notificationsChanged(): void;
  ribbonRefresh(): void;
  dataLoaded(): void;
  saved(): void;
  close(): void;
}

const NO_LISTENERS: FormListeners = { notificationsChanged() {}, ribbonRefresh() {}, dataLoaded() {}, saved() {}, close() {} };

class ExecutionContext {
  private static shared = new Map<string, unknown>();

  constructor(
    private readonly form: RecordForm,
    private readonly source: unknown,
    private readonly eventArgs: unknown = null,
  ) {}

  getFormContext(): unknown {
    return this.form.formContext;
  }
  getEventSource(): unknown {
    return this.source;
  }
  getDepth(): number {
    return 1;
  }
  getContext(): Xrm.GlobalContext {
    return Xrm.Utility.getGlobalContext();
  }
  getEventArgs(): unknown {
    return this.eventArgs;
  }
  getSharedVariable<T>(key: string): T {
    return ExecutionContext.shared.get(key) as T;
  }
  setSharedVariable<T>(key: string, value: T): void {
    ExecutionContext.shared.set(key, value);
  }
}

class SaveEventArgs {
  private prevented = false;
  constructor(private readonly mode: number) {}
  getSaveMode(): number {
    return this.mode;
  }
  preventDefault(): void {
    this.prevented = true;
  }
  preventDefaultOnError(): void {
    // Errors already stop the save here; nothing more to prevent.
  }
  isDefaultPrevented(): boolean {
    return this.prevented;
  }
}

class PostSaveEventArgs {
  constructor(
    private readonly success: boolean,
    private readonly reference: Xrm.LookupValue | null,
    private readonly error: { errorCode: number; message: string } | null,
  ) {}
  getIsSaveSuccess(): boolean {
    return this.success;
  }
  getEntityReference(): Xrm.LookupValue | null {
    return this.reference;
  }
  getSaveErrorInfo(): { errorCode: number; message: string } | null {
    return this.error;
  }
}

export class SaveRejected extends Error {
  constructor(
    message: string,
    readonly errorCode = 0,
  ) {
    super(message);
  }
}

export class RecordForm implements AttributeHost {
  readonly attributes = new ItemCollection<FormAttribute>();
  readonly controls = new ItemCollection<FormControl>();
  readonly tabs = new ItemCollection<FormTab>();
  readonly formContext: Xrm.FormContext;
  listeners: FormListeners = NO_LISTENERS;
  row: Record<string, unknown> = {};
  private id: string;
  private readonly notifications = new Map<string, FormNotification>();
  private readonly saveHandlers: Handler[] = [];
  private readonly postSaveHandlers: Handler[] = [];
  private readonly dataLoadHandlers: Handler[] = [];
  private saving: Promise<void> = Promise.resolve();

  constructor(
    readonly platform: Platform,
    readonly table: EntityInfo,
    readonly definition: FormDef,
    id: string | undefined,
  ) {
    this.id = id ? bareGuid(id) : "";
    this.formContext = this.buildFormContext();
  }

  // ---- structure ----------------------------------------------------------------------------

  /** The form's attribute for a column, created on first use (one per column however many controls). */
  attributeFor(column: string): FormAttribute | undefined {
    const existing = this.attributes.get(column);
    if (existing) return existing;
    const info = this.table.attributes.get(column);
    if (!info) return undefined;
    const attribute = new FormAttribute(info, this);
    this.attributes.push(attribute);
    return attribute;
  }

  addControl(control: FormControl): void {
    this.controls.push(control);
    control.attribute?.controls.push(control);
  }

  addTab(tab: FormTab): void {
    this.tabs.push(tab);
  }

  // ---- identity and state -------------------------------------------------------------------

  recordId(): string {
    return this.id;
  }

  formType(): number {
    if (this.id === "") return FormType.Create;
    const state = this.row.statecode;
    return typeof state === "number" && state !== 0 ? FormType.Disabled : FormType.Update;
  }

  isReadOnly(): boolean {
    return this.formType() === FormType.Disabled;
  }

  title(): string {
    const name = this.row[this.table.primaryName];
    return typeof name === "string" && name !== "" ? name : fill(this.platform.texts.newRecord, { entity: this.table.displayName });
  }

  isDirty(): boolean {
    return this.attributes.get().some((a) => a.getIsDirty());
  }

  formNotifications(): FormNotification[] {
    return [...this.notifications.values()];
  }

  // ---- events -------------------------------------------------------------------------------

  /** Registers the form XML's OnChange handlers and runs OnLoad (awaiting async handlers). */
  async start(): Promise<void> {
    for (const event of this.definition.events) {
      if (event.name !== "onchange" || !event.attribute) continue;
      const attribute = this.attributes.get(event.attribute);
      for (const handler of event.handlers.filter((h) => h.enabled)) attribute?.addOnChange(this.formHandler(handler));
    }
    const onLoad = this.definition.events.filter((e) => e.name === "onload");
    await Promise.all(onLoad.flatMap((event) => this.handlersOf(event)).map((run) => run(new ExecutionContext(this, this.formContext.data.entity) as never)));
  }

  runChangeHandlers(attribute: FormAttribute, handlers: Handler[]): void {
    for (const handler of handlers) this.invoke("OnChange", handler, new ExecutionContext(this, attribute) as never);
    this.listeners.ribbonRefresh();
  }

  private handlersOf(event: EventDef): Handler[] {
    return event.handlers.filter((h) => h.enabled).map((h) => this.formHandler(h));
  }

  /** A form XML handler by function name; the library is loaded before the form starts. */
  private formHandler(handler: HandlerDef): Handler {
    const wrapper: Handler = (context) => {
      const fn = resolveFunction(handler.functionName);
      if (!fn) throw new Error(`the function ${handler.functionName} is not defined by ${handler.libraryName}`);
      const extra = handler.parameters.trim() === "" ? [] : handler.parameters.split(",").map((p) => p.trim().replace(/^["']|["']$/g, ""));
      return fn(...(handler.passExecutionContext ? [context, ...extra] : extra));
    };
    Object.defineProperty(wrapper, "name", { value: handler.functionName });
    return wrapper;
  }

  /** Runs a handler; a throw or a rejected promise becomes a visible script error, as in the web client. */
  invoke(event: string, handler: Handler, context: Xrm.Events.EventContext): Promise<void> {
    const name = handler.name || event;
    try {
      return Promise.resolve(handler(context)).then(
        () => undefined,
        (error: unknown) => this.platform.reportScriptError(name, error),
      );
    } catch (error) {
      this.platform.reportScriptError(name, error);
      return Promise.resolve();
    }
  }

  // ---- data ---------------------------------------------------------------------------------

  /** Reads the record (every column the form shows) and loads it into the attributes. */
  async load(): Promise<void> {
    if (this.id === "") {
      this.row = {};
      this.loadDefaults();
      return;
    }
    const columns = new Set<string>([this.table.primaryName, "statecode", "statuscode"].filter((c) => this.table.attributes.has(c)));
    for (const attribute of this.attributes.get()) columns.add(attribute.isLookup() ? `_${attribute.getName()}_value` : attribute.getName());
    this.row = await this.platform.webApi.retrieveRecord(this.table.logicalName, this.id, `?$select=${[...columns].join(",")}`);
    for (const attribute of this.attributes.get()) attribute.load(this.row);
    this.listeners.dataLoaded();
  }

  /**
   * A new record starts as the platform starts one: active, two-option columns at No, and owned by
   * the user (the owner is part of what the create sends).
   */
  private loadDefaults(): void {
    const defaults: Record<string, unknown> = {};
    for (const attribute of this.attributes.get()) {
      if (attribute.info.type === "State") defaults[attribute.getName()] = 0;
      if (attribute.info.type === "Boolean") defaults[attribute.getName()] = false;
    }
    for (const attribute of this.attributes.get()) attribute.load(defaults);
    const owner = this.attributes.get("ownerid");
    const user = this.platform.session.user;
    if (owner && user.systemUserId) owner.setValue([{ id: user.systemUserId, name: user.fullName, entityType: "systemuser" }]);
  }

  private async reloadAndNotify(): Promise<void> {
    await this.load();
    for (const handler of [...this.dataLoadHandlers]) await this.invoke("OnLoad", handler, new ExecutionContext(this, this.formContext.data) as never);
    this.listeners.ribbonRefresh();
  }

  save(mode: number = SaveMode.Save): Promise<void> {
    const run = this.saving.then(() => this.saveNow(mode));
    this.saving = run.catch(() => undefined);
    return run;
  }

  private async saveNow(mode: number): Promise<void> {
    const t = this.platform.texts;
    if (this.isReadOnly()) throw new SaveRejected(t.readOnly);
    const args = new SaveEventArgs(mode);
    const saveContext = new ExecutionContext(this, this.formContext.data.entity, args);
    const onSave = this.definition.events.filter((e) => e.name === "onsave").flatMap((e) => this.handlersOf(e));
    // OnSave handlers decide synchronously (preventDefault); a promise they return is not awaited.
    for (const handler of [...onSave, ...this.saveHandlers]) void this.invoke("OnSave", handler, saveContext as never);
    if (args.isDefaultPrevented()) throw new SaveRejected("The save was canceled by an OnSave handler.", -2147220891);

    // A required column the user can fill in must have a value; platform-maintained ones (status) need not.
    const missing = this.attributes.get().filter((a) => a.getRequiredLevel() === "required" && a.getValue() === null && a.controls.get().some((c) => c.getVisible() && !c.getDisabled()));
    if (missing.length > 0) {
      const fields = missing.map((a) => a.controls.get(0)?.getLabel() || a.info.displayName).join(", ");
      this.setNotification("harness.save", "ERROR", fill(t.requiredMissing, { fields }));
      throw new SaveRejected(fill(t.requiredMissing, { fields }));
    }
    if (this.controls.get().some((c) => c.hasError())) {
      this.setNotification("harness.save", "ERROR", t.fixErrors);
      throw new SaveRejected(t.fixErrors);
    }

    const creating = this.id === "";
    const changed = this.attributes.get().filter((a) => a.getSubmitMode() !== "never" && (a.getSubmitMode() === "always" || a.getIsDirty()) && (creating ? a.info.validForCreate : a.info.validForUpdate));
    const body: Record<string, unknown> = {};
    for (const attribute of changed) Object.assign(body, await attribute.payload(this.platform.metadata));

    try {
      if (creating) {
        const created = await this.platform.webApi.createRecord(this.table.logicalName, body);
        this.id = bareGuid(created.id);
      } else if (Object.keys(body).length > 0) {
        await this.platform.webApi.updateRecord(this.table.logicalName, this.id, body);
      }
    } catch (error) {
      const message = fill(t.saveFailed, { message: errorText(error) });
      this.setNotification("harness.save", "ERROR", message);
      const info = { errorCode: Number((error as { errorCode?: number }).errorCode ?? 0), message: errorText(error) };
      for (const handler of [...this.postSaveHandlers]) await this.invoke("PostSave", handler, new ExecutionContext(this, this.formContext.data.entity, new PostSaveEventArgs(false, null, info)) as never);
      throw new SaveRejected(message, info.errorCode);
    }
    this.clearNotification("harness.save");
    if (creating) this.listeners.saved();
    await this.reloadAndNotify();
    const reference = { id: clientGuid(this.id), entityType: this.table.logicalName, name: this.title() };
    for (const handler of [...this.postSaveHandlers]) await this.invoke("PostSave", handler, new ExecutionContext(this, this.formContext.data.entity, new PostSaveEventArgs(true, reference, null)) as never);
    if (mode === SaveMode.SaveAndClose) this.listeners.close();
  }

  async refresh(save: boolean): Promise<void> {
    if (save && this.isDirty()) await this.save();
    if (this.id !== "") await this.reloadAndNotify();
  }

  // ---- notifications --------------------------------------------------------------------------

  setNotification(id: string, level: Xrm.FormNotificationLevel, message: string): boolean {
    this.notifications.set(id, { id, level, message });
    this.listeners.notificationsChanged();
    return true;
  }

  clearNotification(id: string): boolean {
    const removed = this.notifications.delete(id);
    if (removed) this.listeners.notificationsChanged();
    return removed;
  }

  // ---- the client API object ----------------------------------------------------------------

  private buildFormContext(): Xrm.FormContext {
    const find = <T extends { getName(): string }>(collection: ItemCollection<T>, selector?: unknown) =>
      selector === undefined ? collection.get() : typeof selector === "function" ? collection.get(selector as (item: T, index: number) => boolean) : collection.get(selector as string | number);
    const entity = {
      attributes: this.attributes,
      getId: () => (this.id === "" ? "" : clientGuid(this.id)),
      getEntityName: () => this.table.logicalName,
      getEntityReference: () => ({ id: this.id === "" ? "" : clientGuid(this.id), entityType: this.table.logicalName, name: this.title() }),
      getIsDirty: () => this.isDirty(),
      getPrimaryAttributeValue: () => this.attributes.get(this.table.primaryName)?.getValue() ?? this.row[this.table.primaryName] ?? null,
      getDataXml: () => "",
      isValid: () => true,
      addOnSave: (handler: Handler) => void this.saveHandlers.push(handler),
      removeOnSave: (handler: Handler) => remove(this.saveHandlers, handler),
      addOnPostSave: (handler: Handler) => void this.postSaveHandlers.push(handler),
      removeOnPostSave: (handler: Handler) => remove(this.postSaveHandlers, handler),
      save: (saveMode?: string) => void this.save(saveMode === "saveandclose" ? SaveMode.SaveAndClose : SaveMode.Save).catch(() => undefined),
    };
    const data = {
      entity,
      attributes: this.attributes,
      getIsDirty: () => this.isDirty(),
      isValid: () => true,
      save: (options?: { saveMode?: number }) => this.save(options?.saveMode ?? SaveMode.Save).then(() => undefined, (error: Error) => Promise.reject({ errorCode: (error as SaveRejected).errorCode ?? 0, message: error.message })),
      refresh: (save?: boolean) => this.refresh(save === true).then(() => undefined, (error: Error) => Promise.reject({ errorCode: 0, message: error.message })),
      addOnLoad: (handler: Handler) => void this.dataLoadHandlers.push(handler),
      removeOnLoad: (handler: Handler) => remove(this.dataLoadHandlers, handler),
      process: null,
    };
    const ui = {
      tabs: this.tabs,
      controls: this.controls,
      setFormNotification: (message: string, level: Xrm.FormNotificationLevel, uniqueId: string) => this.setNotification(uniqueId, level, message),
      clearFormNotification: (uniqueId: string) => this.clearNotification(uniqueId),
      getFormType: () => this.formType(),
      close: () => this.listeners.close(),
      refreshRibbon: () => this.listeners.ribbonRefresh(),
      getViewPortHeight: () => window.innerHeight,
      getViewPortWidth: () => window.innerWidth,
      formSelector: { getCurrentItem: () => ({ getId: () => "", getLabel: () => this.table.displayName }), items: new ItemCollection() },
      setFormEntityName: () => undefined,
    };
    return {
      data,
      ui,
      getAttribute: (selector?: unknown) => find(this.attributes, selector),
      getControl: (selector?: unknown) => find(this.controls, selector),
    } as unknown as Xrm.FormContext;
  }

  /** Lets AttributeHost hand out the entity object (`attribute.getParent()`). */
  entity(): unknown {
    return this.formContext.data.entity;
  }
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}
