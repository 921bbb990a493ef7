/**
 * Builds a form from its definition: attributes and controls for every cell (classic widgets, or a
 * PCF host where a custom control description replaces the classic control), laid out as the web
 * client lays out a main form — header, tabs, columns, sections, labelled cells with notifications.
 */
import { clear, h, uniqueId } from "../dom";
import { PcfHost } from "../pcf/host";
import type { Platform } from "../platform/platform";
import { FormControl, FormSection, FormTab, type ControlView } from "./controls";
import type { RecordForm } from "./form";
import type { CellDef, ControlDef, FormDef } from "./formxml";
import { createWidget, type WidgetContext } from "./widgets";

export interface BuiltForm {
  header: HTMLElement;
  body: HTMLElement;
  hosts: PcfHost[];
}

export function buildForm(platform: Platform, form: RecordForm, definition: FormDef, openRecord: WidgetContext["openRecord"]): BuiltForm {
  const hosts: PcfHost[] = [];
  const widgetContext: WidgetContext = { platform, formReadOnly: () => form.isReadOnly(), openRecord };

  const cellElement = (cell: CellDef, section: FormSection | undefined, compact: boolean): HTMLElement | undefined => {
    const definitionOf = cell.control;
    if (!definitionOf) return undefined;
    const control = createControl(form, definitionOf, cell.label, section);
    if (!control) return undefined;
    section?.controls.push(control);
    const labelId = uniqueId("label");
    const notifications = h("div", { className: "control-notifications" });
    const required = h("span", { className: "required", "aria-hidden": "true" }, "*");
    const custom = definitionOf.uniqueId ? definition.customControls.get(definitionOf.uniqueId) : undefined;
    let content: HTMLElement;
    let view: ControlView;
    let inputId: string | undefined;
    if (custom && !compact) {
      const host = new PcfHost(platform, form, control, custom);
      for (const bound of Object.values(custom.bound)) {
        const attribute = form.attributeFor(bound.column);
        if (attribute && attribute !== control.attribute) attribute.watch(() => host.update());
      }
      hosts.push(host);
      content = host.container;
      content.setAttribute("aria-labelledby", labelId);
      view = host;
    } else if (control.attribute) {
      const widget = createWidget(control, control.attribute, widgetContext);
      content = widget.element;
      inputId = widget.inputId;
      view = widget;
    } else {
      return undefined;
    }
    const label = h(inputId ? "label" : "span", { id: labelId, className: "cell-label", ...(inputId ? { for: inputId } : {}) }, cell.label, required);
    const element = h("div", { className: `cell${compact ? " header-cell" : ""}`, "data-control": control.getName() }, cell.showLabel ? label : null, h("div", { className: "cell-control" }, content), notifications);
    control.view = {
      update: () => {
        view.update();
        element.hidden = !control.getVisible();
        const level = control.attribute?.getRequiredLevel();
        required.hidden = compact || (level !== "required" && level !== "recommended");
        required.className = level === "recommended" ? "recommended" : "required";
        renderNotifications(notifications, control);
        const invalid = control.hasError();
        for (const input of element.querySelectorAll("input, select, textarea")) {
          if (invalid) input.setAttribute("aria-invalid", "true");
          else input.removeAttribute("aria-invalid");
        }
      },
      focus: () => view.focus(),
    };
    form.addControl(control);
    return element;
  };

  const header = h("div", { className: "form-header-fields" });
  for (const cell of definition.header) {
    const element = cellElement(cell, undefined, true);
    if (element) header.appendChild(element);
  }

  const body = h("div", { className: "form-body" });
  for (const tabDefinition of definition.tabs) {
    const tab = new FormTab(tabDefinition.name, tabDefinition.label);
    form.addTab(tab);
    const columns = h("div", { className: "tab-columns" });
    for (const columnDefinition of tabDefinition.columns) {
      const column = h("div", { className: "tab-column", style: `flex-grow:${parseFloat(columnDefinition.width) || 33}` });
      for (const sectionDefinition of columnDefinition.sections) {
        const section = new FormSection(sectionDefinition.name, sectionDefinition.label, tab);
        tab.sections.push(section);
        const headingId = uniqueId("section");
        const element = h(
          "section",
          { className: "form-section", "data-section": sectionDefinition.name, ...(sectionDefinition.showLabel ? { "aria-labelledby": headingId } : { "aria-label": sectionDefinition.label }) },
          sectionDefinition.showLabel ? h("h2", { id: headingId, className: "section-title" }, sectionDefinition.label) : null,
        );
        for (const cell of sectionDefinition.cells) {
          const cellNode = cellElement(cell, section, false);
          if (cellNode) element.appendChild(cellNode);
        }
        section.element = element;
        column.appendChild(element);
      }
      columns.appendChild(column);
    }
    const tabElement = h("div", { className: "form-tab", role: "tabpanel", "aria-label": tabDefinition.label, "data-tab": tabDefinition.name }, columns);
    tab.element = tabElement;
    body.appendChild(tabElement);
  }
  return { header, body, hosts };
}

function createControl(form: RecordForm, definition: ControlDef, label: string, section: FormSection | undefined): FormControl | undefined {
  const attribute = definition.field ? form.attributeFor(definition.field) : undefined;
  if (definition.field && !attribute) return undefined;
  const type = definition.isSubgrid ? "subgrid" : attribute?.info.options || attribute?.info.type === "Boolean" ? "optionset" : attribute?.isLookup() ? "lookup" : "standard";
  return new FormControl(definition.id, label, type, attribute, section, definition.disabled);
}

function renderNotifications(container: HTMLElement, control: FormControl): void {
  clear(container);
  for (const notification of control.currentNotifications()) {
    for (const message of notification.messages) {
      container.appendChild(
        h(
          "div",
          { className: `control-notification ${notification.level === "ERROR" ? "error" : "recommendation"}`, role: notification.level === "ERROR" ? "alert" : "status" },
          h("span", { className: "icon", "aria-hidden": "true" }, notification.level === "ERROR" ? "✖" : "ℹ"),
          message,
        ),
      );
    }
  }
}
