/**
 * A record page: the table's main form (the system form with the solution's changes layered on,
 * or the form the solution ships for its own table), its scripts and custom controls, the command
 * bar and the form notifications.
 */
import { clear, h } from "../dom";
import { buildForm } from "../form/render";
import { generatedForm, ClassIds, systemForm } from "../form/base-forms";
import { FormType, RecordForm, SaveMode } from "../form/form";
import { mergeForm, parseXml, readForm } from "../form/formxml";
import { solutionCommands, type Command } from "../form/ribbon";
import type { EntityInfo } from "../platform/metadata";
import type { Platform } from "../platform/platform";
import { pageUrl, recordUrl } from "../platform/platform";
import { bareGuid } from "../platform/session";
import { fill } from "../platform/texts";
import { errorText } from "../platform/webapi";

const LEVEL_ICONS: Record<string, string> = { ERROR: "✖", WARNING: "⚠", INFO: "ℹ" };

export async function renderRecord(platform: Platform, main: HTMLElement, entityName: string, id: string | undefined): Promise<void> {
  const t = platform.texts;
  const table = await platform.metadata.entity(entityName);
  const definition = readForm(formXmlFor(platform, table), platform.languageId);
  const form = new RecordForm(platform, table, definition, id);
  const listUrl = pageUrl(platform, { pagetype: "entitylist", etn: entityName });
  const built = buildForm(platform, form, definition, (entity, recordId) => void platform.navigate(recordUrl(platform, entity, bareGuid(recordId))));

  for (const library of definition.libraries) await platform.resources.loadLibrary(library);
  try {
    await form.load();
  } catch (error) {
    main.replaceChildren(h("div", { className: "page" }, h("p", { className: "list-status", role: "alert" }, fill(t.loadFailed, { message: errorText(error) }))));
    return;
  }

  const notificationBar = h("div", { className: "form-notifications", "aria-live": "polite" });
  const commandBar = h("div", { className: "command-bar", role: "toolbar", "aria-label": table.displayName });
  const title = h("h1", { className: "form-title" });
  const subtitle = h("div", { className: "form-subtitle" });
  const dirtyMark = h("span", { className: "dirty", hidden: true }, ` – ${t.unsavedChanges}`);
  main.replaceChildren(
    commandBar,
    h("div", { className: "page form-page" }, notificationBar, h("div", { className: "form-header" }, h("div", {}, title, subtitle), built.header), built.body),
  );

  let loads = 0;
  const renderHeader = () => {
    // Tests and tools can tell a finished reload by this counter.
    document.body.dataset.formLoads = String(++loads);
    title.replaceChildren(form.title(), dirtyMark);
    subtitle.textContent = form.formType() === FormType.Disabled ? `${table.displayName} · ${t.readOnly}` : table.displayName;
    document.title = `${form.title()} — ${table.displayName}`;
    form.controls.forEach((control) => control.refresh());
  };
  const renderNotifications = () => {
    clear(notificationBar);
    for (const notification of form.formNotifications()) {
      notificationBar.appendChild(
        h(
          "div",
          { className: `form-notification ${notification.level.toLowerCase()}`, role: notification.level === "ERROR" ? "alert" : "status", "data-notification-id": notification.id },
          h("span", { className: "icon", "aria-hidden": "true" }, LEVEL_ICONS[notification.level] ?? "ℹ"),
          h("span", { className: "message" }, notification.message),
        ),
      );
    }
  };

  const commands = platformCommands(platform, form, table, listUrl).concat(solutionCommands(platform, form));
  let ribbonRun = 0;
  const refreshRibbon = async () => {
    const run = ++ribbonRun;
    const enabled = await Promise.all(commands.map((c) => c.isEnabled()));
    if (run !== ribbonRun) return;
    const focused = (document.activeElement as HTMLElement | null)?.dataset.command;
    commandBar.replaceChildren(
      ...commands.filter((_, i) => enabled[i]).map((command) => {
        const button = h("button", { type: "button", className: "command", "data-command": command.id, title: command.tooltip || command.label }, command.label);
        button.addEventListener("click", () => void command.run());
        return button;
      }),
    );
    if (focused) commandBar.querySelector<HTMLElement>(`[data-command="${CSS.escape(focused)}"]`)?.focus();
  };
  let ribbonTimer: number | undefined;
  form.listeners = {
    notificationsChanged: renderNotifications,
    ribbonRefresh: () => {
      window.clearTimeout(ribbonTimer);
      ribbonTimer = window.setTimeout(() => void refreshRibbon(), 30);
    },
    dataLoaded: renderHeader,
    saved: () => {
      history.replaceState(null, "", recordUrl(platform, entityName, form.recordId()));
      for (const host of built.hosts) host.recordCreated();
    },
    close: () => void platform.navigate(listUrl),
  };
  // Typing marks the form dirty before OnChange runs; the header follows the attribute values.
  form.attributes.forEach((attribute) => attribute.watch(() => (dirtyMark.hidden = !form.isDirty())));
  platform.leaveGuard = async () => {
    if (!form.isDirty()) return true;
    const answer = await platform.dialogs.confirm({ title: t.unsavedTitle, text: t.unsavedText, confirmButtonLabel: t.leave, cancelButtonLabel: t.cancel });
    return answer.confirmed;
  };
  window.addEventListener("beforeunload", (event) => {
    // A navigation through the harness has asked already (and cleared the guard).
    if (platform.leaveGuard && form.isDirty()) event.preventDefault();
  });
  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault();
      void form.save().catch(() => undefined);
    }
  });

  renderHeader();
  renderNotifications();
  await Promise.all(built.hosts.map((host) => host.start()));
  await form.start();
  await refreshRibbon();
  document.body.dataset.formReady = "true";
}

/** The form definition: system form + solution changes, the solution's own form, or one made from metadata. */
function formXmlFor(platform: Platform, table: EntityInfo): Element {
  const solutionForm = platform.solution.mainForm(table.logicalName);
  const system = systemForm(table.logicalName);
  if (system) {
    const base = parseXml(system, `${table.logicalName} system form`);
    return solutionForm ? mergeForm(base, solutionForm) : base;
  }
  if (solutionForm) return solutionForm;
  const fields = [...table.attributes.values()]
    .filter((a) => a.validForCreate && ["String", "Memo", "Money", "Integer", "Decimal", "Picklist", "Boolean", "DateTime", "Lookup", "Customer"].includes(a.type) && !a.logicalName.endsWith("_base"))
    .map((a) => ({ field: a.logicalName, label: a.displayName, classid: classIdFor(a.type) }));
  return parseXml(generatedForm(table.primaryName, fields), `${table.logicalName} form`);
}

function classIdFor(type: string): string {
  switch (type) {
    case "Memo":
      return ClassIds.memo;
    case "Money":
    case "Integer":
    case "Decimal":
      return ClassIds.money;
    case "Picklist":
      return ClassIds.picklist;
    case "Boolean":
      return ClassIds.checkbox;
    case "DateTime":
      return ClassIds.datetime;
    case "Lookup":
    case "Customer":
      return ClassIds.lookup;
    default:
      return ClassIds.text;
  }
}

/** The platform's own commands on a main form. */
function platformCommands(platform: Platform, form: RecordForm, table: EntityInfo, listUrl: string): Command[] {
  const t = platform.texts;
  const open = () => form.formType() !== FormType.Disabled;
  const saveWith = (mode: number) => async () => {
    await form.save(mode).catch(() => undefined);
  };
  const commands: Command[] = [
    { id: "harness.back", label: `← ${t.back}`, tooltip: t.back, sequence: -10, isEnabled: async () => true, run: async () => void (await platform.navigate(listUrl)) },
    { id: "harness.new", label: `+ ${t.new}`, tooltip: t.new, sequence: -9, isEnabled: async () => true, run: async () => void (await platform.navigate(recordUrl(platform, table.logicalName))) },
    { id: "harness.save", label: t.save, tooltip: `${t.save} (Ctrl+S)`, sequence: -8, isEnabled: async () => open(), run: saveWith(SaveMode.Save) },
    { id: "harness.saveandclose", label: t.saveAndClose, tooltip: t.saveAndClose, sequence: -7, isEnabled: async () => open(), run: saveWith(SaveMode.SaveAndClose) },
    {
      id: "harness.refresh",
      label: t.refresh,
      tooltip: t.refresh,
      sequence: -6,
      isEnabled: async () => form.formType() !== FormType.Create,
      run: async () => {
        if (await (platform.leaveGuard?.() ?? true)) await form.refresh(false);
      },
    },
  ];
  if (table.logicalName === "opportunity") {
    const close = (won: boolean): Command => ({
      id: won ? "harness.closeaswon" : "harness.closeaslost",
      label: won ? t.closeAsWon : t.closeAsLost,
      tooltip: won ? t.closeAsWon : t.closeAsLost,
      sequence: won ? -5 : -4,
      isEnabled: async () => form.formType() === FormType.Update && !form.isDirty(),
      run: async () => {
        const answer = await platform.dialogs.confirm({ title: won ? t.winTitle : t.loseTitle, text: fill(won ? t.winText : t.loseText, { name: form.title() }) });
        if (!answer.confirmed) return;
        const revenue = form.attributes.get("estimatedvalue")?.getValue();
        platform.dialogs.showProgress(t.saving);
        try {
          await platform.webApi.action(won ? "WinOpportunity" : "LoseOpportunity", {
            OpportunityClose: {
              subject: `${won ? t.closeAsWon : t.closeAsLost}: ${form.title()}`,
              "opportunityid@odata.bind": `/opportunities(${form.recordId()})`,
              ...(won && typeof revenue === "number" ? { actualrevenue: revenue } : {}),
            },
            Status: won ? 3 : 4,
          });
        } catch (error) {
          platform.dialogs.closeProgress();
          await platform.dialogs.error({ message: errorText(error) });
          return;
        } finally {
          platform.dialogs.closeProgress();
        }
        await form.refresh(false);
      },
    });
    commands.push(close(true), close(false));
  }
  return commands;
}
