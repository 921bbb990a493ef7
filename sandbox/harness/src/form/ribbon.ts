/**
 * The form's command bar: the platform's own commands plus the solution's custom buttons from its
 * RibbonDiffXml, with enable rules (FormStateRule, CustomRule) evaluated as the Unified Interface
 * does — a command whose rules fail is not shown — and actions that call the JavaScript function
 * with its CrmParameters.
 */
import type { Platform } from "../platform/platform";
import { resolveFunction } from "../platform/resources";
import { child, children, localizedLabel } from "../platform/solution";
import type { RecordForm } from "./form";
import { FormType } from "./form";

export interface Command {
  id: string;
  label: string;
  tooltip: string;
  sequence: number;
  /** Evaluates the enable rules. */
  isEnabled(): Promise<boolean>;
  run(): Promise<void>;
}

interface Rule {
  kind: "FormStateRule" | "CustomRule";
  invert: boolean;
  state?: string;
  functionName?: string;
  library?: string;
  defaultValue?: boolean;
  parameters: string[];
}

const FORM_STATES: Record<string, number[]> = {
  Create: [FormType.Create],
  Existing: [FormType.Update],
  ReadOnly: [FormType.ReadOnly],
  Disabled: [FormType.Disabled],
};

export function solutionCommands(platform: Platform, form: RecordForm): Command[] {
  const ribbon = platform.solution.ribbon(form.table.logicalName);
  if (!ribbon) return [];
  const location = `Mscrm.Form.${form.table.logicalName}.`;
  const labels = children(child(ribbon, "LocLabels"), "LocLabel");
  const label = (text: string | null): string => {
    if (!text?.startsWith("$LocLabels:")) return text ?? "";
    const entry = labels.find((l) => l.getAttribute("Id") === text.slice("$LocLabels:".length));
    return localizedLabel(entry, platform.languageId, "Titles", "Title") ?? text;
  };
  const rules = new Map<string, Rule[]>();
  for (const enableRule of children(child(child(ribbon, "RuleDefinitions"), "EnableRules"), "EnableRule")) {
    rules.set(enableRule.getAttribute("Id") ?? "", [...enableRule.children].map(readRule).filter((r): r is Rule => r !== undefined));
  }
  const definitions = children(child(ribbon, "CommandDefinitions"), "CommandDefinition");

  return children(child(ribbon, "CustomActions"), "CustomAction")
    .filter((action) => (action.getAttribute("Location") ?? "").startsWith(location))
    .flatMap((action) => children(child(action, "CommandUIDefinition"), "Button").map((button) => ({ action, button })))
    .map(({ action, button }) => {
      const definition = definitions.find((d) => d.getAttribute("Id") === button.getAttribute("Command"));
      const enableRules = children(child(definition, "EnableRules"), "EnableRule").flatMap((r) => rules.get(r.getAttribute("Id") ?? "") ?? []);
      const actions = children(child(definition, "Actions"), "JavaScriptFunction");
      return {
        id: button.getAttribute("Id") ?? "",
        label: label(button.getAttribute("LabelText")),
        tooltip: label(button.getAttribute("ToolTipDescription")),
        sequence: Number(button.getAttribute("Sequence") ?? action.getAttribute("Sequence") ?? 0),
        isEnabled: async () => {
          for (const rule of enableRules) if (!(await evaluate(rule, platform, form))) return false;
          return definition !== undefined;
        },
        run: async () => {
          for (const fn of actions) {
            const library = libraryName(fn.getAttribute("Library"));
            if (library) await platform.resources.loadLibrary(library);
            const name = fn.getAttribute("FunctionName") ?? "";
            const target = resolveFunction(name);
            if (!target) throw new Error(`the function ${name} is not defined by ${library}`);
            const parameters = children(fn, "CrmParameter").map((p) => crmParameter(p.getAttribute("Value") ?? "", form));
            try {
              await target(...parameters);
            } catch (error) {
              platform.reportScriptError(name, error);
            }
          }
        },
      };
    })
    .sort((a, b) => a.sequence - b.sequence);
}

function readRule(element: Element): Rule | undefined {
  const invert = element.getAttribute("InvertResult") === "true";
  if (element.localName === "FormStateRule") return { kind: "FormStateRule", invert, state: element.getAttribute("State") ?? "", parameters: [] };
  if (element.localName === "CustomRule") {
    return {
      kind: "CustomRule",
      invert,
      functionName: element.getAttribute("FunctionName") ?? "",
      library: libraryName(element.getAttribute("Library")),
      defaultValue: element.getAttribute("Default") !== "false",
      parameters: children(element, "CrmParameter").map((p) => p.getAttribute("Value") ?? ""),
    };
  }
  return undefined;
}

async function evaluate(rule: Rule, platform: Platform, form: RecordForm): Promise<boolean> {
  let result: boolean;
  if (rule.kind === "FormStateRule") {
    result = (FORM_STATES[rule.state ?? ""] ?? []).includes(form.formType());
  } else {
    try {
      if (rule.library) await platform.resources.loadLibrary(rule.library);
      const fn = resolveFunction(rule.functionName ?? "");
      result = fn ? Boolean(await fn(...rule.parameters.map((p) => crmParameter(p, form)))) : (rule.defaultValue ?? true);
    } catch (error) {
      platform.reportScriptError(rule.functionName ?? "enable rule", error);
      result = rule.defaultValue ?? true;
    }
  }
  return rule.invert ? !result : result;
}

function crmParameter(value: string, form: RecordForm): unknown {
  switch (value) {
    case "PrimaryControl":
      return form.formContext;
    case "PrimaryEntityTypeName":
      return form.table.logicalName;
    case "FirstPrimaryItemId":
    case "PrimaryItemIds":
      return form.recordId() === "" ? null : `{${form.recordId().toUpperCase()}}`;
    default:
      return value;
  }
}

const libraryName = (library: string | null): string | undefined => (library?.startsWith("$webresource:") ? library.slice("$webresource:".length) : (library ?? undefined));
