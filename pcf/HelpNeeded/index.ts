import * as React from "react";
import { HelpNeededOptions, OpportunityTable, type AssistanceRequestCode } from "@cosell/core";
import { HelpNeededPicker, type HelpChoice } from "./components/HelpNeededPicker";
import { CoSellNeeds, type CoSellNeed } from "./coSellNeeds";
import { hostRecord } from "../shared/hostRecord";
import { onSolutionsChanged } from "../shared/recordSignals";
import { COMPACT_WIDTH } from "../shared/layout";
import { translator, type Translate } from "../shared/localization";
import type { IInputs, IOutputs } from "./manifest";

/**
 * `CoSell.HelpNeeded`, bound to cosell_helpneeded ("How can Microsoft help?"): the Partner Center
 * assistance request codes (partner-center-api.md §2.6). Choosing one makes the referral co-sell,
 * which needs a customer contact and a solution; the control shows which are still missing.
 */
export class HelpNeeded implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private context!: ComponentFramework.Context<IInputs>;
  private needs!: CoSellNeeds;
  private notifyOutputChanged: () => void = () => undefined;
  /** The seller's choice until the platform hands it back through updateView. */
  private chosen: { value: number | null } | undefined;

  public init(context: ComponentFramework.Context<IInputs>, notifyOutputChanged: () => void): void {
    this.context = context;
    this.notifyOutputChanged = notifyOutputChanged;
    this.needs = new CoSellNeeds(context.webAPI);
    context.mode.trackContainerResize(true);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    this.context = context;
    const property = context.parameters.value;
    if (context.updatedProperties.includes("value")) this.chosen = undefined;
    const t = translator(context.resources);
    return React.createElement(HelpNeededPicker, {
      value: this.value(),
      choices: choicesOf(property, t),
      disabled: context.mode.isControlDisabled || property.security?.editable === false,
      label: context.mode.label || t("Value_Name"),
      saved: hostRecord(context)?.entityName === OpportunityTable.logicalName,
      compact: context.mode.allocatedWidth > 0 && context.mode.allocatedWidth < COMPACT_WIDTH,
      t,
      onChange: this.choose,
      checkNeeds: this.checkNeeds,
      watchNeeds: this.watchNeeds,
    });
  }

  public getOutputs(): IOutputs {
    // undefined clears the column.
    return { value: this.value() ?? undefined };
  }

  public destroy(): void {
    this.notifyOutputChanged = () => undefined;
  }

  private value(): number | null {
    return this.chosen ? this.chosen.value : this.context.parameters.value.raw;
  }

  private readonly choose = (value: number | null): void => {
    if (value === this.value()) return;
    this.chosen = { value };
    this.notifyOutputChanged();
  };

  private readonly watchNeeds = (recheck: () => void): (() => void) => {
    const record = hostRecord(this.context);
    return record ? onSolutionsChanged(record.id, recheck) : () => undefined;
  };

  private readonly checkNeeds = (value: number): Promise<CoSellNeed[]> => {
    const record = hostRecord(this.context);
    if (!record) return Promise.resolve([]);
    return this.needs.check(record.id, value);
  };
}

/**
 * The options of the column (its metadata, so an option an admin added still shows) with our
 * localized label and one-line explanation for each assistance request code.
 */
function choicesOf(property: ComponentFramework.PropertyTypes.OptionSetProperty, t: Translate): HelpChoice[] {
  const codes = Object.keys(HelpNeededOptions) as AssistanceRequestCode[];
  const codeOf = (value: number) => codes.find((code) => HelpNeededOptions[code] === value);
  const metadata = property.attributes?.Options ?? [];
  const values = metadata.length ? metadata.map((option) => option.Value) : codes.map((code) => HelpNeededOptions[code]);
  return values.map((value) => {
    const code = codeOf(value);
    const label = code ? t(`Help_${code}`) : (metadata.find((option) => option.Value === value)?.Label ?? String(value));
    return { value, label, description: code ? t(`Help_${code}_Desc`) : "" };
  });
}
