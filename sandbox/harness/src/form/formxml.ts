/**
 * FormXml as the runtime sees it: the system form with the solution's managed changes layered on
 * (new sections into existing tabs, handlers, libraries, custom control descriptions), then read
 * into a definition the renderer and the client API use.
 */
import { child, children, localizedLabel, text } from "../platform/solution";

export interface ControlDef {
  id: string;
  field?: string;
  classid: string;
  disabled: boolean;
  uniqueId?: string;
  isSubgrid: boolean;
  /** Subgrid parameters (ViewId, RelationshipName, TargetEntityType…). */
  parameters: Record<string, string>;
}

export interface CellDef {
  id: string;
  label: string;
  showLabel: boolean;
  rowspan: number;
  control?: ControlDef;
}

export interface SectionDef {
  name: string;
  label: string;
  showLabel: boolean;
  cells: CellDef[];
}

export interface ColumnDef {
  width: string;
  sections: SectionDef[];
}

export interface TabDef {
  name: string;
  label: string;
  columns: ColumnDef[];
}

export interface HandlerDef {
  functionName: string;
  libraryName: string;
  enabled: boolean;
  passExecutionContext: boolean;
  parameters: string;
}

export interface EventDef {
  name: string;
  attribute?: string;
  handlers: HandlerDef[];
}

/** A PCF control that replaces a classic control (`controlDescription`, formFactor 0 = web). */
export interface CustomControlDef {
  name: string;
  /** Bound property → column; static property → value; data-set → its settings. */
  bound: Record<string, { column: string; type: string }>;
  statics: Record<string, { value: string; type: string }>;
  dataSets: Record<string, Record<string, string>>;
}

export interface FormDef {
  header: CellDef[];
  tabs: TabDef[];
  events: EventDef[];
  libraries: string[];
  customControls: Map<string, CustomControlDef>;
}

/** Layers a solution's form diff (`solutionaction` markup) onto the system form. */
export function mergeForm(system: Element, change: Element): Element {
  const merged = system.cloneNode(true) as Element;
  const document = merged.ownerDocument;
  const form = child(merged, "form")!;
  const changeForm = child(change, "form");
  if (!changeForm) return merged;
  const adopt = (node: Element) => document.importNode(node, true) as Element;
  const ensure = (parent: Element, name: string) => child(parent, name) ?? parent.appendChild(document.createElement(name));

  const tabs = ensure(form, "tabs");
  for (const changedTab of children(child(changeForm, "tabs"), "tab")) {
    if (changedTab.getAttribute("solutionaction") === "Removed") continue;
    const tab = children(tabs, "tab").find(
      (t) => sameId(t.getAttribute("id"), changedTab.getAttribute("id")) || t.getAttribute("name") === changedTab.getAttribute("name"),
    );
    if (!tab) {
      tabs.appendChild(adopt(changedTab));
      continue;
    }
    const columns = children(child(tab, "columns"), "column");
    children(child(changedTab, "columns"), "column").forEach((changedColumn, position) => {
      const index = Number(changedColumn.getAttribute("id") ?? position);
      const column = columns[Number.isInteger(index) && index < columns.length ? index : columns.length - 1];
      if (!column) return;
      const sections = ensure(column, "sections");
      for (const section of children(child(changedColumn, "sections"), "section")) {
        if (section.getAttribute("solutionaction") === "Removed") continue;
        const existing = children(sections, "section").find((s) => s.getAttribute("name") === section.getAttribute("name"));
        if (existing) sections.replaceChild(adopt(section), existing);
        else sections.appendChild(adopt(section));
      }
    });
  }

  const events = ensure(form, "events");
  for (const changedEvent of children(child(changeForm, "events"), "event")) {
    const event = children(events, "event").find(
      (e) => e.getAttribute("name") === changedEvent.getAttribute("name") && (e.getAttribute("attribute") ?? "") === (changedEvent.getAttribute("attribute") ?? ""),
    );
    if (!event) {
      events.appendChild(adopt(changedEvent));
      continue;
    }
    const handlers = ensure(event, "Handlers");
    for (const handler of children(child(changedEvent, "Handlers"), "Handler")) handlers.appendChild(adopt(handler));
  }

  const descriptions = ensure(form, "controlDescriptions");
  for (const description of children(child(changeForm, "controlDescriptions"), "controlDescription")) descriptions.appendChild(adopt(description));
  const libraries = ensure(form, "formLibraries");
  for (const library of children(child(changeForm, "formLibraries"), "Library")) {
    if (!children(libraries, "Library").some((l) => l.getAttribute("name") === library.getAttribute("name"))) libraries.appendChild(adopt(library));
  }
  return merged;
}

export function readForm(systemForm: Element, languageId: number): FormDef {
  const form = child(systemForm, "form");
  if (!form) throw new Error("The form definition has no <form> element.");
  return {
    header: children(child(child(form, "header"), "rows"), "row").flatMap((row) => children(row, "cell").map((c) => readCell(c, languageId))),
    tabs: children(child(form, "tabs"), "tab").map((tab) => ({
      name: tab.getAttribute("name") ?? "",
      label: localizedLabel(tab, languageId) ?? tab.getAttribute("name") ?? "",
      columns: children(child(tab, "columns"), "column").map((column) => ({
        width: column.getAttribute("width") ?? "",
        sections: children(child(column, "sections"), "section").map((section) => ({
          name: section.getAttribute("name") ?? "",
          label: localizedLabel(section, languageId) ?? "",
          showLabel: section.getAttribute("showlabel") !== "false",
          cells: children(child(section, "rows"), "row").flatMap((row) => children(row, "cell").map((c) => readCell(c, languageId))),
        })),
      })),
    })),
    events: children(child(form, "events"), "event").map((event) => ({
      name: event.getAttribute("name") ?? "",
      ...(event.getAttribute("attribute") ? { attribute: event.getAttribute("attribute")! } : {}),
      handlers: children(child(event, "Handlers"), "Handler").map((handler) => ({
        functionName: handler.getAttribute("functionName") ?? "",
        libraryName: handler.getAttribute("libraryName") ?? "",
        enabled: handler.getAttribute("enabled") !== "false",
        passExecutionContext: handler.getAttribute("passExecutionContext") === "true",
        parameters: handler.getAttribute("parameters") ?? "",
      })),
    })),
    libraries: children(child(form, "formLibraries"), "Library").map((library) => library.getAttribute("name") ?? "").filter(Boolean),
    customControls: readCustomControls(child(form, "controlDescriptions")),
  };
}

function readCell(cell: Element, languageId: number): CellDef {
  const control = child(cell, "control");
  const parameters: Record<string, string> = {};
  for (const parameter of child(control, "parameters")?.children ?? []) parameters[parameter.localName] = text(parameter);
  return {
    id: cell.getAttribute("id") ?? "",
    label: localizedLabel(cell, languageId) ?? "",
    showLabel: cell.getAttribute("showlabel") !== "false",
    rowspan: Number(cell.getAttribute("rowspan") ?? 1),
    ...(control
      ? {
          control: {
            id: control.getAttribute("id") ?? "",
            ...(control.getAttribute("datafieldname") ? { field: control.getAttribute("datafieldname")! } : {}),
            classid: control.getAttribute("classid") ?? "",
            disabled: control.getAttribute("disabled") === "true",
            ...(control.getAttribute("uniqueid") ? { uniqueId: normalizeId(control.getAttribute("uniqueid")!) } : {}),
            isSubgrid: control.getAttribute("indicationOfSubgrid") === "true",
            parameters,
          },
        }
      : {}),
  };
}

function readCustomControls(descriptions: Element | undefined): Map<string, CustomControlDef> {
  const result = new Map<string, CustomControlDef>();
  for (const description of children(descriptions, "controlDescription")) {
    // formFactor 0 is the web client; the entry without a name is the classic control it replaces.
    const custom = children(description, "customControl").find((c) => c.getAttribute("name") && (c.getAttribute("formFactor") ?? "0") === "0");
    if (!custom) continue;
    const definition: CustomControlDef = { name: custom.getAttribute("name")!, bound: {}, statics: {}, dataSets: {} };
    for (const parameter of child(custom, "parameters")?.children ?? []) {
      if (parameter.localName === "data-set") {
        const settings: Record<string, string> = {};
        for (const setting of parameter.children) settings[setting.localName] = text(setting);
        definition.dataSets[parameter.getAttribute("name") ?? ""] = settings;
      } else if (parameter.getAttribute("static") === "true") {
        definition.statics[parameter.localName] = { value: text(parameter), type: parameter.getAttribute("type") ?? "SingleLine.Text" };
      } else {
        definition.bound[parameter.localName] = { column: text(parameter), type: parameter.getAttribute("type") ?? "" };
      }
    }
    result.set(normalizeId(description.getAttribute("forControl") ?? ""), definition);
  }
  return result;
}

const normalizeId = (id: string): string => id.replace(/[{}]/g, "").toLowerCase();
const sameId = (a: string | null, b: string | null): boolean => !!a && !!b && normalizeId(a) === normalizeId(b);

export function parseXml(xml: string, where: string): Element {
  const document = new DOMParser().parseFromString(xml, "application/xml");
  if (document.querySelector("parsererror")) throw new Error(`${where} is not well-formed XML.`);
  return document.documentElement;
}
