/**
 * Hosts a PCF code component on the form the way the web client does: reads the built
 * ControlManifest.xml, loads the platform libraries it declares (React 16.14 and Fluent UI 8 as
 * globals), its RESX strings and bundle.js (which calls `ComponentFramework.registerControl`), then
 * runs init / updateView / getOutputs / destroy with a `ComponentFramework.Context` backed by the
 * form's attributes and the Web API.
 */
import { h, loadScript } from "../dom";
import type { FormAttribute } from "../form/attribute";
import type { ControlView, FormControl } from "../form/controls";
import type { RecordForm } from "../form/form";
import type { CustomControlDef } from "../form/formxml";
import type { Platform } from "../platform/platform";
import { ORG_LANGUAGE, parseResx } from "../platform/resources";
import { bareGuid } from "../platform/session";
import { HarnessDataSet } from "./dataset";
import { formattingFor, userSettingsFor } from "./formatting";

type Control = ComponentFramework.StandardControl<unknown, unknown> | ComponentFramework.ReactControl<unknown, unknown>;
type ControlConstructor = new () => Control;

interface Manifest {
  name: string;
  virtual: boolean;
  properties: Map<string, { ofType: string; usage: string }>;
  dataSets: string[];
  code: string;
  resx: string[];
  libraries: Array<{ name: string; version: string }>;
}

/** Platform libraries the harness can provide, by manifest name and version (dataverse-pcf.md §1.3). */
const PLATFORM_LIBRARIES: Record<string, string> = {
  "React@16.14.0": "/platform/react_16_14_0.js",
  "Fluent@8.121.1": "/platform/fluent_8_121_1.js",
};

const registry = new Map<string, ControlConstructor>();
interface ReactDom {
  render(element: unknown, container: Element): void;
  unmountComponentAtNode(container: Element): boolean;
}
const globals = window as unknown as {
  ComponentFramework?: { registerControl(name: string, constructor: ControlConstructor): void };
  Reactv16?: unknown;
  ReactDOMv16?: ReactDom;
  React?: unknown;
  ReactDOM?: unknown;
};
globals.ComponentFramework = { registerControl: (name, constructor) => registry.set(name, constructor) };

async function readManifest(solutionName: string): Promise<Manifest> {
  const response = await fetch(`/controls/${solutionName}/ControlManifest.xml`);
  if (!response.ok) throw new Error(`the solution has no control ${solutionName} (HTTP ${response.status})`);
  const document = new DOMParser().parseFromString(await response.text(), "application/xml");
  const control = document.getElementsByTagName("control")[0];
  if (!control) throw new Error(`${solutionName}/ControlManifest.xml has no <control>`);
  const resources = control.getElementsByTagName("resources")[0];
  return {
    name: `${control.getAttribute("namespace")}.${control.getAttribute("constructor")}`,
    virtual: control.getAttribute("control-type") === "virtual",
    properties: new Map([...control.getElementsByTagName("property")].map((p) => [p.getAttribute("name") ?? "", { ofType: p.getAttribute("of-type") ?? "", usage: p.getAttribute("usage") ?? "bound" }])),
    dataSets: [...control.getElementsByTagName("data-set")].map((d) => d.getAttribute("name") ?? ""),
    code: resources?.getElementsByTagName("code")[0]?.getAttribute("path") ?? "bundle.js",
    resx: [...(resources?.getElementsByTagName("resx") ?? [])].map((r) => r.getAttribute("path") ?? ""),
    libraries: [...(resources?.getElementsByTagName("platform-library") ?? [])].map((l) => ({ name: l.getAttribute("name") ?? "", version: l.getAttribute("version") ?? "" })),
  };
}

export class PcfHost implements ControlView {
  readonly container: HTMLElement;
  private instance: Control | undefined;
  private context: ComponentFramework.Context<Record<string, unknown>> | undefined;
  private manifest: Manifest | undefined;
  private strings = new Map<string, string>();
  private trackResize = false;
  private width = -1;
  private rendered = new Map<string, unknown>();
  private dataSets = new Map<string, HarnessDataSet>();
  private pending = false;
  private failed = false;

  constructor(
    private readonly platform: Platform,
    private readonly form: RecordForm,
    private readonly control: FormControl,
    private readonly definition: CustomControlDef,
  ) {
    this.container = h("div", { className: "pcf-host", "data-control": definition.name });
  }

  /** Loads everything the control needs and runs init and the first updateView. */
  async start(): Promise<void> {
    try {
      const manifest = await readManifest(this.definition.name);
      this.manifest = manifest;
      for (const library of manifest.libraries) {
        const src = PLATFORM_LIBRARIES[`${library.name}@${library.version}`];
        if (!src) throw new Error(`the platform library ${library.name} ${library.version} is not available`);
        await loadScript(src);
        // Fluent UI's UMD build finds React as the plain `React` / `ReactDOM` globals.
        globals.React ??= globals.Reactv16;
        globals.ReactDOM ??= globals.ReactDOMv16;
      }
      await this.loadStrings(manifest);
      await loadScript(`/controls/${this.definition.name}/${manifest.code}`);
      const constructor = registry.get(manifest.name);
      if (!constructor) throw new Error(`${manifest.code} did not register ${manifest.name}`);

      for (const name of manifest.dataSets) {
        const settings = this.definition.dataSets[name] ?? {};
        const dataSet = new HarnessDataSet(this.platform, { entityName: this.form.table.logicalName, recordId: () => this.form.recordId(), settings, changed: () => this.update() });
        this.dataSets.set(name, dataSet);
      }
      this.instance = new constructor();
      this.context = this.buildContext();
      this.context.parameters = this.parameters() as never;
      const notify = () => this.outputsChanged();
      if (manifest.virtual) (this.instance as ComponentFramework.ReactControl<unknown, unknown>).init(this.context as never, notify, {});
      else (this.instance as ComponentFramework.StandardControl<unknown, unknown>).init(this.context as never, notify, {}, this.container as HTMLDivElement);
      new ResizeObserver(() => {
        if (this.trackResize && this.container.clientWidth !== this.width) this.update();
      }).observe(this.container);
      for (const dataSet of this.dataSets.values()) await dataSet.load();
      this.render([...manifest.properties.keys(), ...manifest.dataSets]);
    } catch (error) {
      this.fail(error);
    }
  }

  /** ControlView: the attribute, state or data changed; updateView with what changed. */
  update(): void {
    if (!this.instance || this.failed || this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.render();
    });
  }

  /** A new record was saved: data-sets of related rows can load now. */
  recordCreated(): void {
    for (const dataSet of this.dataSets.values()) void dataSet.load();
    this.update();
  }

  focus(): void {
    this.container.querySelector<HTMLElement>("button, input, select, textarea, [tabindex]")?.focus();
  }

  destroy(): void {
    this.instance?.destroy();
    globals.ReactDOMv16?.unmountComponentAtNode(this.container);
  }

  private render(always: string[] = []): void {
    if (!this.instance || !this.context || !this.manifest) return;
    const updated = new Set(always);
    const parameters = this.parameters();
    for (const [name, parameter] of Object.entries(parameters)) {
      const key = parameter instanceof HarnessDataSet ? parameter.revision : (parameter as { raw: unknown }).raw;
      const previous = this.rendered.get(name);
      if (!this.rendered.has(name) || !sameRaw(previous, key)) updated.add(name);
      this.rendered.set(name, key);
    }
    const width = this.trackResize ? this.container.clientWidth : -1;
    if (width !== this.width) updated.add("layout");
    this.width = width;
    const entityId = this.form.recordId();
    if (this.rendered.get("entityId") !== entityId) updated.add("entityId");
    this.rendered.set("entityId", entityId);

    Object.assign(this.context, { parameters, updatedProperties: [...updated], mode: this.mode() });
    try {
      if (this.manifest.virtual) {
        const element = (this.instance as ComponentFramework.ReactControl<unknown, unknown>).updateView(this.context as never);
        if (!globals.ReactDOMv16) throw new Error("ReactDOMv16 is not loaded");
        globals.ReactDOMv16.render(element, this.container);
      } else {
        (this.instance as ComponentFramework.StandardControl<unknown, unknown>).updateView(this.context as never);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** notifyOutputChanged: the platform pulls getOutputs and writes the bound columns (OnChange runs). */
  private outputsChanged(): void {
    queueMicrotask(() => {
      if (!this.instance) return;
      const outputs = (this.instance.getOutputs?.() ?? {}) as Record<string, unknown>;
      for (const [name, value] of Object.entries(outputs)) {
        const bound = this.definition.bound[name];
        const attribute = bound && this.form.attributeFor(bound.column);
        if (attribute) attribute.setValueFromUser((value ?? null) as never);
      }
    });
  }

  private parameters(): Record<string, unknown> {
    const parameters: Record<string, unknown> = {};
    for (const [name, bound] of Object.entries(this.definition.bound)) {
      const attribute = this.form.attributeFor(bound.column);
      if (attribute) parameters[name] = this.boundProperty(attribute, bound.type || this.manifest?.properties.get(name)?.ofType || "");
    }
    for (const [name, value] of Object.entries(this.definition.statics)) {
      const raw = value.type === "TwoOptions" ? value.value === "true" : /^(Whole|Decimal|FP|Currency)/.test(value.type) ? Number(value.value) : value.value;
      parameters[name] = { raw, formatted: value.value, type: value.type, error: false, errorMessage: "" };
    }
    for (const [name, dataSet] of this.dataSets) parameters[name] = dataSet;
    return parameters;
  }

  private boundProperty(attribute: FormAttribute, type: string): Record<string, unknown> {
    const info = attribute.info;
    const options = (info.options ?? []).map((o) => ({ Label: o.label, Value: o.value, Color: "" }));
    const requiredLevels = { none: 0, required: 2, recommended: 3 } as const;
    return {
      raw: attribute.getValue(),
      formatted: attribute.displayText(this.platform.locale),
      type,
      error: false,
      errorMessage: "",
      security: { editable: !this.control.getDisabled() && !this.form.isReadOnly() && info.validForUpdate, readable: true, secured: false },
      attributes: {
        DisplayName: info.displayName,
        LogicalName: info.logicalName,
        RequiredLevel: requiredLevels[attribute.getRequiredLevel()],
        IsSecured: false,
        SourceType: 0,
        Description: "",
        Type: attribute.getAttributeType(),
        ...(info.options ? { Options: options } : {}),
        ...(info.maxLength !== undefined ? { MaxLength: info.maxLength } : {}),
        ...(info.precision !== undefined ? { Precision: info.precision } : {}),
        ...(info.type === "DateTime" ? { Format: attribute.getFormat(), Behavior: attribute.isDateOnly() ? 2 : 1 } : {}),
      },
    };
  }

  private mode(): Record<string, unknown> {
    return {
      allocatedHeight: -1,
      allocatedWidth: this.trackResize ? this.container.clientWidth : -1,
      isControlDisabled: this.control.getDisabled() || this.form.isReadOnly(),
      isVisible: this.control.getVisible(),
      label: this.control.getLabel(),
      contextInfo: { entityTypeName: this.form.table.logicalName, entityId: this.form.recordId(), entityRecordName: this.form.title() },
      setControlState: () => true,
      setFullScreen: () => undefined,
      trackContainerResize: (value: boolean) => {
        this.trackResize = value;
      },
    };
  }

  private buildContext(): ComponentFramework.Context<Record<string, unknown>> {
    const platform = this.platform;
    const name = this.definition.name;
    const unavailable = (what: string) => () => Promise.reject(new Error(`${what} is not available in the web client.`));
    return {
      parameters: {},
      updatedProperties: [],
      mode: this.mode(),
      client: { disableScroll: false, getClient: () => "Web", getFormFactor: () => 1, isOffline: () => false, isNetworkAvailable: () => navigator.onLine },
      device: {
        captureAudio: unavailable("Audio capture"),
        captureImage: unavailable("Image capture"),
        captureVideo: unavailable("Video capture"),
        getBarcodeValue: unavailable("Barcode scanning"),
        getCurrentPosition: unavailable("Location"),
        pickFile: unavailable("File picking"),
      },
      factory: { requestRender: () => this.update(), getPopupService: () => undefined },
      formatting: formattingFor(platform.locale),
      navigation: {
        openAlertDialog: (strings: Xrm.Navigation.AlertStrings) => platform.dialogs.alert(strings),
        openConfirmDialog: (strings: Xrm.Navigation.ConfirmStrings) => platform.dialogs.confirm(strings),
        openErrorDialog: (options: Xrm.Navigation.ErrorDialogOptions) => platform.dialogs.error(options),
        openForm: (options: { entityName: string; entityId?: string }) => platform.navigate(`/main.aspx?pagetype=entityrecord&etn=${encodeURIComponent(options.entityName)}${options.entityId ? `&id=${bareGuid(options.entityId)}` : ""}`).then(() => ({ savedEntityReference: [] })),
        openUrl: (url: string) => void window.open(url, "_blank", "noopener"),
        openWebResource: (webResourceName: string) => void window.open(platform.resources.url(webResourceName), "_blank", "noopener"),
      },
      resources: {
        getString: (key: string) => this.strings.get(key) ?? key,
        getResource: (id: string, success: (data: string) => void, failure: () => void) => {
          fetch(`/controls/${name}/${id}`)
            .then(async (response) => {
              if (!response.ok) throw new Error(String(response.status));
              const bytes = new Uint8Array(await response.arrayBuffer());
              success(btoa(String.fromCharCode(...bytes)));
            })
            .catch(() => failure());
        },
      },
      userSettings: userSettingsFor(platform.session.user, platform.languageId, platform.locale),
      utils: {
        getEntityMetadata: async (entityType: string) => {
          const table = await platform.metadata.entity(entityType);
          const attributes = [...table.attributes.values()].map((a) => ({ LogicalName: a.logicalName, DisplayName: a.displayName, AttributeType: a.type, RequiredLevel: a.requiredLevel }));
          return {
            LogicalName: table.logicalName,
            EntitySetName: table.entitySetName,
            PrimaryIdAttribute: table.primaryId,
            PrimaryNameAttribute: table.primaryName,
            DisplayName: table.displayName,
            Attributes: { get: (n: string) => attributes.find((a) => a.LogicalName === n), getAll: () => attributes },
          };
        },
        hasEntityPrivilege: () => true,
        lookupObjects: unavailable("lookupObjects in a custom control"),
      },
      webAPI: {
        createRecord: (entity: string, data: Record<string, unknown>) => platform.webApi.createRecord(entity, data),
        deleteRecord: (entity: string, id: string) => platform.webApi.deleteRecord(entity, id),
        updateRecord: (entity: string, id: string, data: Record<string, unknown>) => platform.webApi.updateRecord(entity, id, data),
        retrieveRecord: (entity: string, id: string, options?: string) => platform.webApi.retrieveRecord(entity, id, options),
        retrieveMultipleRecords: (entity: string, options?: string, maxPageSize?: number) => platform.webApi.retrieveMultipleRecords(entity, options, maxPageSize),
      },
      events: {},
    } as unknown as ComponentFramework.Context<Record<string, unknown>>;
  }

  private async loadStrings(manifest: Manifest): Promise<void> {
    const pick = (lcid: number) => manifest.resx.find((path) => new RegExp(`\\.${lcid}\\.resx$`).test(path));
    const merged = new Map<string, string>();
    for (const path of [pick(ORG_LANGUAGE), pick(this.platform.languageId)]) {
      if (!path) continue;
      const response = await fetch(`/controls/${this.definition.name}/${path}`);
      if (!response.ok) throw new Error(`${path} could not be loaded (HTTP ${response.status})`);
      for (const [key, value] of parseResx(await response.text(), path)) merged.set(key, value);
    }
    this.strings = merged;
  }

  private fail(error: unknown): void {
    this.failed = true;
    const message = (error as Error)?.message ?? String(error);
    this.container.replaceChildren(h("div", { className: "pcf-error", role: "alert" }, `${this.definition.name}: ${message}`));
    this.platform.reportScriptError(this.definition.name, error);
  }
}

function sameRaw(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}
