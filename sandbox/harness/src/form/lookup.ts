/**
 * A lookup field: the chosen record as a link with a remove button, or a search box (an ARIA
 * combobox) that finds active records of the target tables by name through the Web API.
 */
import { clear, h, uniqueId } from "../dom";
import { fill } from "../platform/texts";
import { bareGuid } from "../platform/session";
import type { FormAttribute } from "./attribute";
import type { WidgetContext } from "./widgets";

const RESULTS = 10;
const DEBOUNCE_MS = 200;

interface Candidate {
  id: string;
  name: string;
  entityType: string;
  tableName: string;
}

export class LookupInput {
  readonly inputId: string;
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly listbox: HTMLElement;
  private readonly chosen: HTMLElement;
  private candidates: Candidate[] = [];
  private active = -1;
  private timer: number | undefined;
  private searchRun = 0;

  constructor(
    private readonly attribute: FormAttribute,
    private readonly context: WidgetContext,
    private readonly disabled: () => boolean,
  ) {
    this.inputId = uniqueId(`field-${attribute.getName()}`);
    const listId = uniqueId("lookup-results");
    this.input = h("input", {
      id: this.inputId,
      type: "text",
      className: "input lookup-input",
      role: "combobox",
      "aria-autocomplete": "list",
      "aria-expanded": "false",
      "aria-controls": listId,
      autocomplete: "off",
      placeholder: fill(context.platform.texts.search, { entity: this.targetsLabel() }),
    });
    this.listbox = h("ul", { id: listId, role: "listbox", className: "lookup-results", hidden: true });
    this.chosen = h("div", { className: "lookup-chosen" });
    this.element = h("div", { className: "lookup" }, this.chosen, this.input, this.listbox);

    this.input.addEventListener("input", () => this.scheduleSearch());
    this.input.addEventListener("focus", () => this.scheduleSearch());
    this.input.addEventListener("keydown", (event) => this.onKey(event));
    this.input.addEventListener("blur", () => window.setTimeout(() => this.close(), 150));
  }

  update(): void {
    const value = this.attribute.getValue();
    const reference = Array.isArray(value) ? value[0] : undefined;
    const disabled = this.disabled();
    clear(this.chosen);
    if (reference) {
      const link = h("a", { href: "#", className: "lookup-link", title: fill(this.context.platform.texts.openRecord, { name: reference.name ?? "" }) }, reference.name ?? "");
      link.addEventListener("click", (event) => {
        event.preventDefault();
        this.context.openRecord(reference.entityType, reference.id);
      });
      this.chosen.appendChild(link);
      if (!disabled) {
        const remove = h("button", { type: "button", className: "lookup-remove", "aria-label": fill(this.context.platform.texts.remove, { name: reference.name ?? "" }) }, "×");
        remove.addEventListener("click", () => {
          this.attribute.setValueFromUser(null);
          this.input.focus();
        });
        this.chosen.appendChild(remove);
      }
    }
    this.chosen.hidden = !reference;
    this.input.hidden = !!reference || disabled;
    if (disabled && !reference) {
      this.chosen.hidden = false;
      this.chosen.appendChild(h("span", { className: "field-empty" }, "---"));
    }
    // The label points at whatever is focusable now.
    const focusTarget = this.chosen.querySelector("a") ?? this.input;
    if (focusTarget !== this.input) {
      this.input.removeAttribute("id");
      focusTarget.id = this.inputId;
    } else {
      this.input.id = this.inputId;
    }
  }

  focus(): void {
    ((this.input.hidden ? this.chosen.querySelector("a") : this.input) ?? this.input).focus();
  }

  private targetsLabel(): string {
    return (this.attribute.info.targets ?? []).join(", ");
  }

  private scheduleSearch(): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.search(this.input.value.trim()), DEBOUNCE_MS);
  }

  private async search(term: string): Promise<void> {
    const run = ++this.searchRun;
    const platform = this.context.platform;
    const results: Candidate[] = [];
    for (const target of this.attribute.info.targets ?? []) {
      const table = await platform.metadata.entity(target);
      const filters = [...(table.attributes.has("statecode") ? ["statecode eq 0"] : [])];
      if (term !== "") filters.push(`contains(${table.primaryName},'${term.replace(/'/g, "''")}')`);
      const options = `?$select=${table.primaryId},${table.primaryName}${filters.length ? `&$filter=${encodeURIComponent(filters.join(" and "))}` : ""}&$orderby=${table.primaryName} asc&$top=${RESULTS}`;
      const { entities } = await platform.webApi.retrieveMultipleRecords(target, options);
      for (const row of entities) {
        results.push({ id: bareGuid(String(row[table.primaryId])), name: String(row[table.primaryName] ?? ""), entityType: target, tableName: table.displayName });
      }
    }
    if (run !== this.searchRun) return;
    this.candidates = results.slice(0, RESULTS);
    this.active = this.candidates.length > 0 ? 0 : -1;
    this.renderResults();
  }

  private renderResults(): void {
    clear(this.listbox);
    if (this.candidates.length === 0) {
      this.listbox.appendChild(h("li", { className: "lookup-empty", role: "option", "aria-disabled": "true" }, this.context.platform.texts.noResults));
    }
    this.candidates.forEach((candidate, index) => {
      const option = h(
        "li",
        { id: `${this.listbox.id}-${index}`, role: "option", className: index === this.active ? "lookup-option active" : "lookup-option", "aria-selected": String(index === this.active) },
        h("span", { className: "lookup-option-name" }, candidate.name),
        h("span", { className: "lookup-option-table" }, candidate.tableName),
      );
      option.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.choose(candidate);
      });
      this.listbox.appendChild(option);
    });
    this.listbox.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
    if (this.active >= 0) this.input.setAttribute("aria-activedescendant", `${this.listbox.id}-${this.active}`);
    else this.input.removeAttribute("aria-activedescendant");
  }

  private onKey(event: KeyboardEvent): void {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (this.listbox.hidden) return void this.search(this.input.value.trim());
      if (this.candidates.length === 0) return;
      const step = event.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + this.candidates.length) % this.candidates.length;
      this.renderResults();
    } else if (event.key === "Enter") {
      if (!this.listbox.hidden && this.active >= 0) {
        event.preventDefault();
        this.choose(this.candidates[this.active]);
      }
    } else if (event.key === "Escape" && !this.listbox.hidden) {
      event.preventDefault();
      this.close();
    }
  }

  private choose(candidate: Candidate): void {
    this.close();
    this.input.value = "";
    this.attribute.setValueFromUser([{ id: candidate.id, name: candidate.name, entityType: candidate.entityType }]);
    this.focus();
  }

  private close(): void {
    this.listbox.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  }
}
