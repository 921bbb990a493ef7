import * as React from "react";
import { VisibilityToggle } from "./components/VisibilityToggle";
import { translator } from "../shared/localization";
import { COMPACT_WIDTH } from "../shared/layout";
import type { IInputs, IOutputs } from "./manifest";

/** `CoSell.Visibility`, bound to cosell_visibility (Microsoft Partner Center Referral Visibility). */
export class Visibility implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private notifyOutputChanged: () => void = () => undefined;
  /** Set once the seller confirmed; the platform reads it through getOutputs. */
  private madeVisible = false;

  public init(context: ComponentFramework.Context<IInputs>, notifyOutputChanged: () => void): void {
    this.notifyOutputChanged = notifyOutputChanged;
    context.mode.trackContainerResize(true);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const property = context.parameters.value;
    // A form reload or a discarded change brings the saved value back; it is the truth from then on.
    if (context.updatedProperties.includes("value") && property.raw !== true) this.madeVisible = false;
    const visible = property.raw === true || this.madeVisible;
    const t = translator(context.resources);
    return React.createElement(VisibilityToggle, {
      visible,
      disabled: context.mode.isControlDisabled || property.security?.editable === false,
      label: context.mode.label || t("Visibility_Name"),
      compact: context.mode.allocatedWidth > 0 && context.mode.allocatedWidth < COMPACT_WIDTH,
      t,
      onMakeVisible: this.makeVisible,
    });
  }

  public getOutputs(): IOutputs {
    return this.madeVisible ? { value: true } : {};
  }

  public destroy(): void {
    this.notifyOutputChanged = () => undefined;
  }

  private readonly makeVisible = (): void => {
    if (this.madeVisible) return;
    this.madeVisible = true;
    this.notifyOutputChanged();
  };
}
