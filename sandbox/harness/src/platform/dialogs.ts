/**
 * The platform's dialogs (`Xrm.Navigation.openConfirmDialog`, `openAlertDialog`,
 * `openErrorDialog`) and the progress indicator, as modal, keyboard-operable DOM: focus moves into
 * the dialog, Tab stays inside it, Escape cancels, and focus returns where it was.
 */
import { h, uniqueId } from "../dom";
import type { Texts } from "./texts";

interface DialogButton {
  label: string;
  primary?: boolean;
  value: boolean;
}

function modal(title: string, body: (string | Node)[], buttons: DialogButton[], cancelValue: boolean, kind: string): Promise<boolean> {
  return new Promise((resolve) => {
    const previous = document.activeElement as HTMLElement | null;
    const titleId = uniqueId("dialog-title");
    const textId = uniqueId("dialog-text");
    const close = (value: boolean) => {
      overlay.remove();
      document.removeEventListener("keydown", onKey, true);
      previous?.focus();
      resolve(value);
    };
    const buttonElements = buttons.map((b) =>
      h("button", { type: "button", className: b.primary ? "button primary" : "button", onclick: () => close(b.value) }, b.label),
    );
    const dialog = h(
      "div",
      { className: `dialog dialog-${kind}`, role: kind === "alert" || kind === "error" ? "alertdialog" : "dialog", "aria-modal": "true", "aria-labelledby": titleId, "aria-describedby": textId },
      h("h2", { id: titleId, className: "dialog-title" }, title),
      h("div", { id: textId, className: "dialog-text" }, ...body),
      h("div", { className: "dialog-buttons" }, ...buttonElements),
    );
    const overlay = h("div", { className: "overlay" }, dialog);
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") {
        event.preventDefault();
        close(cancelValue);
      } else if (event.key === "Tab") {
        const first = buttonElements[0];
        const last = buttonElements[buttonElements.length - 1];
        if (event.shiftKey && document.activeElement === first) {
          event.preventDefault();
          last.focus();
        } else if (!event.shiftKey && document.activeElement === last) {
          event.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener("keydown", onKey, true);
    document.body.appendChild(overlay);
    (buttonElements.find((_, i) => buttons[i].primary) ?? buttonElements[0]).focus();
  });
}

const paragraphs = (text: string | undefined): Node[] => (text ?? "").split(/\n+/).filter(Boolean).map((line) => h("p", {}, line));

export class Dialogs {
  private progress: HTMLElement | undefined;

  constructor(private readonly texts: () => Texts) {}

  async confirm(strings: Xrm.Navigation.ConfirmStrings): Promise<Xrm.Navigation.ConfirmResult> {
    const t = this.texts();
    const body = [...(strings.subtitle ? [h("p", { className: "dialog-subtitle" }, strings.subtitle)] : []), ...paragraphs(strings.text)];
    const confirmed = await modal(
      strings.title ?? t.confirmTitle,
      body,
      [
        { label: strings.confirmButtonLabel ?? t.ok, primary: true, value: true },
        { label: strings.cancelButtonLabel ?? t.cancel, value: false },
      ],
      false,
      "confirm",
    );
    return { confirmed };
  }

  async alert(strings: Xrm.Navigation.AlertStrings): Promise<void> {
    const t = this.texts();
    await modal(strings.title ?? t.alertTitle, paragraphs(strings.text), [{ label: strings.confirmButtonLabel ?? t.ok, primary: true, value: true }], true, "alert");
  }

  async error(options: Xrm.Navigation.ErrorDialogOptions): Promise<void> {
    const t = this.texts();
    const details = options.details ? [h("details", {}, h("summary", {}, t.details), h("pre", {}, options.details))] : [];
    const code = options.errorCode ? [h("p", { className: "dialog-subtitle" }, `${t.errorCode}: ${options.errorCode}`)] : [];
    await modal(t.errorTitle, [...paragraphs(options.message ?? t.unexpectedError), ...code, ...details], [{ label: t.ok, primary: true, value: true }], true, "error");
  }

  showProgress(message: string): void {
    this.closeProgress();
    this.progress = h(
      "div",
      { className: "overlay progress-overlay" },
      h("div", { className: "progress", role: "status", "aria-live": "assertive" }, h("span", { className: "spinner", "aria-hidden": "true" }), h("span", { className: "progress-text" }, message)),
    );
    document.body.appendChild(this.progress);
  }

  closeProgress(): void {
    this.progress?.remove();
    this.progress = undefined;
  }
}
