/**
 * A column on the form (`Xrm.Attributes.Attribute` and its typed variants): the value the user
 * and scripts see, dirty tracking against the saved row, OnChange handlers, required level and
 * submit mode, and the Web API shape the value is read from and saved as.
 */
import type { AttributeInfo, MetadataStore } from "../platform/metadata";
import { bareGuid, clientGuid } from "../platform/session";
import { ItemCollection } from "./collection";
import type { FormControl } from "./controls";

export type AttributeValue = string | number | boolean | Date | Xrm.LookupValue[] | null;
type Handler = (context: Xrm.Events.EventContext) => unknown;

export interface AttributeHost {
  /** Runs OnChange handlers with an execution context whose event source is the attribute. */
  runChangeHandlers(attribute: FormAttribute, handlers: Handler[]): void;
  entity(): unknown;
}

const LOOKUP_TYPES = new Set(["Lookup", "Customer", "Owner"]);
const NUMBER_TYPES = new Set(["Money", "Decimal", "Double", "Integer", "BigInt"]);

export class FormAttribute {
  readonly controls = new ItemCollection<FormControl>();
  private value: AttributeValue = null;
  private saved: AttributeValue = null;
  private readonly handlers: Handler[] = [];
  /** Custom controls bound to this column through another control (e.g. a status column of a timeline). */
  private readonly watchers: Array<() => void> = [];
  private requiredLevel: Xrm.Attributes.RequirementLevel;
  private submitMode: Xrm.SubmitMode = "dirty";

  constructor(
    readonly info: AttributeInfo,
    private readonly host: AttributeHost,
  ) {
    this.requiredLevel = info.requiredLevel === "ApplicationRequired" || info.requiredLevel === "SystemRequired" ? "required" : info.requiredLevel === "Recommended" ? "recommended" : "none";
  }

  getName(): string {
    return this.info.logicalName;
  }

  getAttributeType(): string {
    switch (this.info.type) {
      case "Boolean":
        return "boolean";
      case "DateTime":
        return "datetime";
      case "Decimal":
        return "decimal";
      case "Double":
        return "double";
      case "Integer":
      case "BigInt":
        return "integer";
      case "Lookup":
      case "Customer":
      case "Owner":
        return "lookup";
      case "Memo":
        return "memo";
      case "Money":
        return "money";
      case "MultiSelectPicklist":
        return "multiselectoptionset";
      case "Picklist":
      case "State":
      case "Status":
        return "optionset";
      default:
        return "string";
    }
  }

  getFormat(): string | null {
    if (this.info.type === "DateTime") return this.isDateOnly() ? "date" : "datetime";
    if (this.info.type === "Memo") return "textarea";
    if (this.info.type === "String") return (this.info.format ?? "text").toLowerCase();
    return null;
  }

  isDateOnly(): boolean {
    return this.info.type === "DateTime" && this.info.format === "DateOnly";
  }

  isLookup(): boolean {
    return LOOKUP_TYPES.has(this.info.type);
  }

  isNumber(): boolean {
    return NUMBER_TYPES.has(this.info.type);
  }

  getValue(): AttributeValue {
    return this.value;
  }

  /** Sets the value without running OnChange (the client API's behaviour). */
  setValue(value: AttributeValue | undefined): void {
    this.value = this.normalize(value ?? null);
    this.refreshControls();
  }

  /** The value a user typed or picked: set, then OnChange, as the platform does on blur. */
  setValueFromUser(value: AttributeValue): void {
    const before = this.value;
    this.setValue(value);
    if (!sameValue(before, this.value)) this.fireOnChange();
  }

  getInitialValue(): AttributeValue {
    return this.saved;
  }

  getIsDirty(): boolean {
    return !sameValue(this.value, this.saved);
  }

  addOnChange(handler: Handler): void {
    if (!this.handlers.includes(handler)) this.handlers.push(handler);
  }

  removeOnChange(handler: Handler): void {
    const index = this.handlers.indexOf(handler);
    if (index >= 0) this.handlers.splice(index, 1);
  }

  fireOnChange(): void {
    this.host.runChangeHandlers(this, [...this.handlers]);
  }

  getRequiredLevel(): Xrm.Attributes.RequirementLevel {
    return this.requiredLevel;
  }

  setRequiredLevel(level: Xrm.Attributes.RequirementLevel): void {
    this.requiredLevel = level;
    this.refreshControls();
  }

  getSubmitMode(): Xrm.SubmitMode {
    return this.submitMode;
  }

  setSubmitMode(mode: Xrm.SubmitMode): void {
    this.submitMode = mode;
  }

  getUserPrivilege(): Xrm.Privilege {
    return { canRead: true, canUpdate: this.info.validForUpdate, canCreate: this.info.validForCreate };
  }

  getParent(): unknown {
    return this.host.entity();
  }

  isValid(): boolean {
    return true;
  }

  getMaxLength(): number | undefined {
    return this.info.maxLength;
  }

  getPrecision(): number | undefined {
    return this.info.precision;
  }

  getMax(): number | undefined {
    return this.info.maxValue;
  }

  getMin(): number | undefined {
    return this.info.minValue;
  }

  getOptions(): Xrm.OptionSetValue[] {
    return (this.info.options ?? []).map((o) => ({ value: o.value, text: o.label }));
  }

  getOption(value: number | string): Xrm.OptionSetValue | null {
    return this.getOptions().find((o) => o.value === Number(value) || o.text === value) ?? null;
  }

  getSelectedOption(): Xrm.OptionSetValue | null {
    if (this.info.type === "Boolean") return this.getOption(this.value === true ? 1 : 0);
    return typeof this.value === "number" ? this.getOption(this.value) : null;
  }

  getText(): string | null {
    return this.getSelectedOption()?.text ?? null;
  }

  /** The value as the user reads it (choices by label, lookups by name). */
  displayText(locale: string): string {
    const value = this.value;
    if (value === null) return "";
    if (Array.isArray(value)) return value.map((v) => v.name ?? "").join("; ");
    if (this.info.type === "Boolean" || this.info.options) return this.getText() ?? String(value);
    if (value instanceof Date) {
      return this.isDateOnly()
        ? new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(value)
        : new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(value);
    }
    if (typeof value === "number") {
      return new Intl.NumberFormat(locale, { maximumFractionDigits: this.info.precision ?? (this.info.type === "Integer" ? 0 : 2), minimumFractionDigits: this.info.type === "Money" ? 2 : 0 }).format(value);
    }
    return String(value);
  }

  /** Loads the saved value from a Web API row (annotations give lookup names and types). */
  load(row: Record<string, unknown>): void {
    const name = this.info.logicalName;
    let value: AttributeValue = null;
    if (this.isLookup()) {
      const key = `_${name}_value`;
      const id = row[key];
      if (typeof id === "string") {
        value = [
          {
            id: clientGuid(id),
            name: String(row[`${key}@OData.Community.Display.V1.FormattedValue`] ?? ""),
            entityType: String(row[`${key}@Microsoft.Dynamics.CRM.lookuplogicalname`] ?? this.info.targets?.[0] ?? ""),
          },
        ];
      }
    } else if (this.info.type === "DateTime") {
      const raw = row[name];
      if (typeof raw === "string" && raw !== "") value = this.isDateOnly() ? localDate(raw) : new Date(raw);
    } else {
      const raw = row[name];
      value = raw === undefined ? null : (raw as AttributeValue);
    }
    this.saved = this.normalize(value);
    this.value = this.saved;
    this.refreshControls();
  }

  /** Marks the current value as saved (after a successful save that did not reload it). */
  markSaved(): void {
    this.saved = this.value;
  }

  /** The column's part of a Web API create/update body. */
  async payload(metadata: MetadataStore): Promise<Record<string, unknown>> {
    const name = this.info.logicalName;
    const value = this.value;
    if (this.isLookup()) {
      const navigation = this.info.navigation ?? {};
      const reference = Array.isArray(value) ? value[0] : undefined;
      if (!reference) {
        const anyNavigation = Object.values(navigation)[0];
        return anyNavigation ? { [`${anyNavigation}@odata.bind`]: null } : {};
      }
      const property = navigation[reference.entityType];
      if (!property) throw new Error(`${this.info.displayName} cannot point at a ${reference.entityType}.`);
      return { [`${property}@odata.bind`]: `/${await metadata.entitySetName(reference.entityType)}(${bareGuid(reference.id)})` };
    }
    if (value instanceof Date) return { [name]: this.isDateOnly() ? dateOnlyText(value) : value.toISOString() };
    return { [name]: value };
  }

  private normalize(value: AttributeValue): AttributeValue {
    if (value === null) return null;
    if (this.isLookup()) {
      const list = Array.isArray(value) ? value : [];
      return list.length === 0 ? null : list.map((v) => ({ id: clientGuid(v.id), name: v.name ?? "", entityType: v.entityType }));
    }
    if (this.info.type === "Boolean") return value === true || value === 1 || value === "true";
    if (this.isNumber() || this.info.options) {
      const number = typeof value === "number" ? value : Number(value);
      return Number.isFinite(number) ? number : null;
    }
    if (this.info.type === "DateTime") return value instanceof Date ? value : new Date(String(value));
    return typeof value === "string" && value === "" ? null : (value as AttributeValue);
  }

  /** Calls back whenever the value or its state changes. */
  watch(callback: () => void): void {
    this.watchers.push(callback);
  }

  private refreshControls(): void {
    this.controls.forEach((control) => control.refresh());
    for (const watcher of this.watchers) watcher();
  }
}

function localDate(text: string): Date {
  const [year, month, day] = text.slice(0, 10).split("-").map(Number);
  return new Date(year, month - 1, day);
}

/** `YYYY-MM-DD` in the user's time zone: what a date-only column stores. */
export function dateOnlyText(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

export function sameValue(a: AttributeValue, b: AttributeValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => bareGuid(v.id) === bareGuid(b[i].id) && v.entityType === b[i].entityType);
  }
  return false;
}
