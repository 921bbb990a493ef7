/**
 * The classic field controls of the web client, as accessible DOM: text, multi-line text, number
 * and currency, date, two options (a switch), choice (a select) and lookup. Each writes the value
 * to its attribute when the user commits it, which runs OnChange.
 */
import { h, uniqueId } from "../dom";
import type { Platform } from "../platform/platform";
import { dateOnlyText, type FormAttribute } from "./attribute";
import type { ControlView, FormControl } from "./controls";
import { LookupInput } from "./lookup";

export interface FieldWidget extends ControlView {
  element: HTMLElement;
  inputId: string;
}

export interface WidgetContext {
  platform: Platform;
  /** Disabled by the form (closed record) whatever the control says. */
  formReadOnly(): boolean;
  openRecord(entityName: string, id: string): void;
}

const disabledOf = (control: FormControl, context: WidgetContext) => control.getDisabled() || context.formReadOnly();

export function createWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  if (attribute.isLookup()) return lookupWidget(control, attribute, context);
  if (attribute.info.type === "Boolean") return switchWidget(control, attribute, context);
  if (attribute.info.options) return selectWidget(control, attribute, context);
  if (attribute.info.type === "DateTime") return dateWidget(control, attribute, context);
  if (attribute.isNumber()) return numberWidget(control, attribute, context);
  return textWidget(control, attribute, context);
}

function textWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  const inputId = uniqueId(`field-${attribute.getName()}`);
  const multiline = attribute.info.type === "Memo";
  const input: HTMLInputElement | HTMLTextAreaElement = multiline ? h("textarea", { id: inputId, rows: 5, className: "input" }) : h("input", { id: inputId, type: "text", className: "input" });
  if (attribute.info.maxLength) input.maxLength = attribute.info.maxLength;
  input.addEventListener("change", () => attribute.setValueFromUser(input.value.trim() === "" ? null : input.value));
  const isUrl = attribute.getFormat() === "url";
  const link = h("a", { className: "field-link", target: "_blank", rel: "noopener noreferrer" });
  const element = h("div", { className: "field-text" }, input, isUrl ? link : null);
  return {
    element,
    inputId,
    update() {
      const value = attribute.getValue();
      if (document.activeElement !== input) input.value = typeof value === "string" ? value : "";
      const disabled = disabledOf(control, context);
      input.readOnly = disabled;
      input.setAttribute("aria-readonly", String(disabled));
      if (isUrl) {
        const href = typeof value === "string" && /^https?:\/\//i.test(value) ? value : "";
        link.hidden = !href || !disabled;
        input.hidden = !!href && disabled;
        link.textContent = href;
        if (href) link.href = href;
      }
    },
    focus: () => input.focus(),
  };
}

/** Numbers in the user's format; `1 200 000,50` and `1,200,000.50` both read as they were meant. */
export function parseNumber(text: string, locale: string): number | null | undefined {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const group = parts.find((p) => p.type === "group")?.value ?? ",";
  const decimal = parts.find((p) => p.type === "decimal")?.value ?? ".";
  const normalized = trimmed.replace(/[\s\u00a0\u202f]/g, "").split(group).join("").replace(decimal, ".");
  const value = Number(normalized);
  return /^-?\d+(\.\d+)?$/.test(normalized) && Number.isFinite(value) ? value : undefined;
}

function numberWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  const inputId = uniqueId(`field-${attribute.getName()}`);
  const input = h("input", { id: inputId, type: "text", inputmode: "decimal", className: "input number" });
  const error = h("div", { className: "field-error", role: "alert" });
  const locale = context.platform.locale;
  const show = () => {
    const value = attribute.getValue();
    input.value = typeof value === "number" ? attribute.displayText(locale) : "";
  };
  input.addEventListener("focus", () => {
    const value = attribute.getValue();
    // Editing starts from the plain number, selected, so typing replaces it.
    input.value = typeof value === "number" ? new Intl.NumberFormat(locale, { useGrouping: false, maximumFractionDigits: 10 }).format(value) : "";
    input.select();
  });
  input.addEventListener("change", () => {
    const value = parseNumber(input.value, locale);
    if (value === undefined) {
      error.textContent = `${input.value}: ${new Intl.NumberFormat(locale).format(1234.5)}`;
      input.setAttribute("aria-invalid", "true");
      return;
    }
    error.textContent = "";
    input.removeAttribute("aria-invalid");
    attribute.setValueFromUser(value);
  });
  input.addEventListener("blur", () => {
    if (!input.hasAttribute("aria-invalid")) show();
  });
  return {
    element: h("div", { className: "field-number" }, input, error),
    inputId,
    update() {
      if (document.activeElement !== input) show();
      const disabled = disabledOf(control, context);
      input.readOnly = disabled;
      input.setAttribute("aria-readonly", String(disabled));
    },
    focus: () => input.focus(),
  };
}

function dateWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  const inputId = uniqueId(`field-${attribute.getName()}`);
  const dateOnly = attribute.isDateOnly();
  const input = h("input", { id: inputId, type: dateOnly ? "date" : "datetime-local", className: "input date" });
  input.addEventListener("change", () => {
    if (input.value === "") return attribute.setValueFromUser(null);
    const [date, time = "00:00"] = input.value.split("T");
    const [year, month, day] = date.split("-").map(Number);
    const [hours, minutes] = time.split(":").map(Number);
    attribute.setValueFromUser(new Date(year, month - 1, day, dateOnly ? 0 : hours, dateOnly ? 0 : minutes));
  });
  return {
    element: input,
    inputId,
    update() {
      const value = attribute.getValue();
      const pad = (n: number) => String(n).padStart(2, "0");
      input.value = value instanceof Date ? (dateOnly ? dateOnlyText(value) : `${dateOnlyText(value)}T${pad(value.getHours())}:${pad(value.getMinutes())}`) : "";
      const disabled = disabledOf(control, context);
      input.readOnly = disabled;
      input.setAttribute("aria-readonly", String(disabled));
    },
    focus: () => input.focus(),
  };
}

function switchWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  const inputId = uniqueId(`field-${attribute.getName()}`);
  const state = h("span", { className: "switch-label" });
  const button = h("button", { id: inputId, type: "button", role: "switch", className: "switch" }, h("span", { className: "switch-track", "aria-hidden": "true" }, h("span", { className: "switch-thumb" })), state);
  button.addEventListener("click", () => {
    if (disabledOf(control, context)) return;
    attribute.setValueFromUser(attribute.getValue() !== true);
  });
  return {
    element: button,
    inputId,
    update() {
      const on = attribute.getValue() === true;
      button.setAttribute("aria-checked", String(on));
      const disabled = disabledOf(control, context);
      button.setAttribute("aria-disabled", String(disabled));
      button.classList.toggle("on", on);
      state.textContent = attribute.getOption(on ? 1 : 0)?.text ?? (on ? context.platform.texts.yes : context.platform.texts.no);
    },
    focus: () => button.focus(),
  };
}

function selectWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  const inputId = uniqueId(`field-${attribute.getName()}`);
  const select = h("select", { id: inputId, className: "input select" }, h("option", { value: "" }, "---"), ...attribute.getOptions().map((o) => h("option", { value: String(o.value) }, o.text)));
  select.addEventListener("change", () => attribute.setValueFromUser(select.value === "" ? null : Number(select.value)));
  return {
    element: select,
    inputId,
    update() {
      const value = attribute.getValue();
      select.value = typeof value === "number" ? String(value) : "";
      select.disabled = disabledOf(control, context);
    },
    focus: () => select.focus(),
  };
}

function lookupWidget(control: FormControl, attribute: FormAttribute, context: WidgetContext): FieldWidget {
  const lookup = new LookupInput(attribute, context, () => disabledOf(control, context));
  return { element: lookup.element, inputId: lookup.inputId, update: () => lookup.update(), focus: () => lookup.focus() };
}
