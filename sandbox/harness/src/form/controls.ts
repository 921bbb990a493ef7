/**
 * Controls, sections and tabs of the form (`Xrm.Controls.*`): visibility, disabled state, labels
 * and notifications live here; widgets and PCF hosts render them.
 */
import { ItemCollection } from "./collection";
import type { FormAttribute } from "./attribute";

export interface ControlNotification {
  messages: string[];
  level: "ERROR" | "RECOMMENDATION";
}

export interface ControlView {
  /** Re-renders value, state and notifications. */
  update(): void;
  focus(): void;
}

export class FormSection {
  readonly controls = new ItemCollection<FormControl>();
  private visible = true;
  element: HTMLElement | undefined;

  constructor(
    private readonly name: string,
    private label: string,
    private readonly tab: FormTab,
  ) {}

  getName(): string {
    return this.name;
  }
  getLabel(): string {
    return this.label;
  }
  setLabel(label: string): void {
    this.label = label;
  }
  getParent(): FormTab {
    return this.tab;
  }
  getVisible(): boolean {
    return this.visible;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (this.element) this.element.hidden = !visible;
  }
}

export class FormTab {
  readonly sections = new ItemCollection<FormSection>();
  private visible = true;
  private expanded = true;
  element: HTMLElement | undefined;

  constructor(
    private readonly name: string,
    private label: string,
  ) {}

  getName(): string {
    return this.name;
  }
  getLabel(): string {
    return this.label;
  }
  setLabel(label: string): void {
    this.label = label;
  }
  getVisible(): boolean {
    return this.visible;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    if (this.element) this.element.hidden = !visible;
  }
  getDisplayState(): "expanded" | "collapsed" {
    return this.expanded ? "expanded" : "collapsed";
  }
  setDisplayState(state: "expanded" | "collapsed"): void {
    this.expanded = state === "expanded";
  }
  setFocus(): void {
    this.element?.focus();
  }
}

export class FormControl {
  private visible = true;
  private disabled: boolean;
  private readonly notifications = new Map<string, ControlNotification>();
  view: ControlView | undefined;

  constructor(
    private readonly name: string,
    private label: string,
    private readonly controlType: string,
    readonly attribute: FormAttribute | undefined,
    readonly section: FormSection | undefined,
    disabled: boolean,
  ) {
    this.disabled = disabled;
  }

  getName(): string {
    return this.name;
  }
  getControlType(): string {
    return this.controlType;
  }
  getLabel(): string {
    return this.label;
  }
  setLabel(label: string): void {
    this.label = label;
    this.refresh();
  }
  getParent(): FormSection | null {
    return this.section ?? null;
  }
  getAttribute(): FormAttribute | null {
    return this.attribute ?? null;
  }
  getVisible(): boolean {
    return this.visible;
  }
  setVisible(visible: boolean): void {
    this.visible = visible;
    this.refresh();
  }
  getDisabled(): boolean {
    return this.disabled;
  }
  setDisabled(disabled: boolean): void {
    this.disabled = disabled;
    this.refresh();
  }
  setFocus(): void {
    this.view?.focus();
  }

  /** Shows an error on the control; a control with one blocks saving the form. */
  setNotification(message: string, uniqueId?: string): boolean {
    this.notifications.set(uniqueId ?? "", { messages: [message], level: "ERROR" });
    this.refresh();
    return true;
  }

  addNotification(notification: Xrm.Controls.AddControlNotificationOptions): boolean {
    const level = notification.notificationLevel === "RECOMMENDATION" ? "RECOMMENDATION" : "ERROR";
    this.notifications.set(notification.uniqueId ?? "", { messages: notification.messages ?? [], level });
    this.refresh();
    return true;
  }

  clearNotification(uniqueId?: string): boolean {
    const removed = uniqueId === undefined ? this.notifications.size > 0 : this.notifications.has(uniqueId);
    if (uniqueId === undefined) this.notifications.clear();
    else this.notifications.delete(uniqueId);
    this.refresh();
    return removed;
  }

  currentNotifications(): ControlNotification[] {
    return [...this.notifications.values()];
  }

  hasError(): boolean {
    return this.visible && [...this.notifications.values()].some((n) => n.level === "ERROR");
  }

  refresh(): void {
    this.view?.update();
  }
}
