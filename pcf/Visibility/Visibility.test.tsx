import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { Visibility } from "./index";
import { createContext, type MockContext } from "../__mocks__/mock-context";
import { twoOptions } from "../__mocks__/mock-properties";
import type { IInputs } from "./manifest";

function setup(raw: boolean, options: { disabled?: boolean; languageId?: number; allocatedWidth?: number } = {}) {
  const context: MockContext<IInputs> = createContext({ value: twoOptions(raw) }, { control: "Visibility", label: "Microsoft Partner Center Referral Visibility", ...options });
  const notify = jest.fn();
  const control = new Visibility();
  control.init(context, notify);
  const view = render(control.updateView(context));
  /** The platform applies the output and calls updateView again, as a form does. */
  const applyOutputs = (): void => {
    const { value } = control.getOutputs();
    context.parameters.value = twoOptions(value === true);
    context.updatedProperties = ["value"];
    view.rerender(control.updateView(context));
  };
  return { context, notify, control, view, applyOutputs };
}

const visibilitySwitch = () => screen.getByRole("switch", { name: "Microsoft Partner Center Referral Visibility" });

describe("Visibility", () => {
  it("asks for confirmation before sharing and reports the change once", async () => {
    const user = userEvent.setup();
    const { notify, control, applyOutputs } = setup(false);
    expect(visibilitySwitch()).not.toBeChecked();

    await user.click(visibilitySwitch());
    const dialog = await screen.findByRole("alertdialog", { name: "Make visible to Microsoft sellers?" });
    expect(dialog).toHaveTextContent("This can't be undone");
    expect(notify).not.toHaveBeenCalled();

    await user.click(screen.getByRole("button", { name: "Make visible" }));
    expect(notify).toHaveBeenCalledTimes(1);
    expect(control.getOutputs()).toEqual({ value: true });

    applyOutputs();
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(visibilitySwitch()).toBeChecked();
    expect(visibilitySwitch()).toBeDisabled();
    expect(visibilitySwitch()).toHaveAccessibleDescription("Shared with Microsoft sellers. This can't be undone.");
  });

  it("keeps the referral private when the seller cancels", async () => {
    const user = userEvent.setup();
    const { notify, control } = setup(false);

    await user.click(visibilitySwitch());
    await user.click(await screen.findByRole("button", { name: "Cancel" }));

    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    expect(visibilitySwitch()).not.toBeChecked();
    expect(visibilitySwitch()).toBeEnabled();
    expect(notify).not.toHaveBeenCalled();
    expect(control.getOutputs()).toEqual({});
  });

  it("opens the confirmation from the keyboard", async () => {
    // Focus moving into the dialog needs layout, so the full keyboard path runs in the browser test.
    const user = userEvent.setup();
    const { notify } = setup(false);

    await user.tab();
    expect(visibilitySwitch()).toHaveFocus();
    await user.keyboard(" ");
    expect(await screen.findByRole("alertdialog")).toHaveTextContent("visibility can't be switched off again");
    expect(notify).not.toHaveBeenCalled();
  });

  it("is locked when the form loads a referral that is already visible", () => {
    setup(true);
    expect(visibilitySwitch()).toBeChecked();
    expect(visibilitySwitch()).toBeDisabled();
    expect(screen.getByText("Shared with Microsoft sellers. This can't be undone.")).toBeVisible();
  });

  it("cannot be changed on a read-only form", () => {
    setup(false, { disabled: true });
    expect(visibilitySwitch()).toBeDisabled();
  });

  it("does not report a change when nothing changed", () => {
    const { notify, context, control, view } = setup(false);
    context.updatedProperties = ["layout"];
    view.rerender(control.updateView(context));
    expect(notify).not.toHaveBeenCalled();
    expect(context.mode.trackContainerResize).toHaveBeenCalledWith(true);
  });

  it.each([
    [1033, "Visible to Microsoft sellers"],
    [1053, "Synlig för Microsofts säljare"],
    [2052, "对 Microsoft 销售人员可见"],
    [1043, "Zichtbaar voor Microsoft-verkopers"],
    [1040, "Visibile ai venditori Microsoft"],
    [1045, "Widoczne dla sprzedawców Microsoft"],
  ])("speaks the seller's language (%i)", (languageId, text) => {
    setup(true, { languageId });
    expect(screen.getByText(text)).toBeVisible();
  });

  it("unlocks again when the seller discards the unsaved change", async () => {
    const user = userEvent.setup();
    const { context, control, view } = setup(false);
    await user.click(visibilitySwitch());
    await user.click(await screen.findByRole("button", { name: "Make visible" }));
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
    // The form's "discard changes" brings back the saved value.
    context.parameters.value = twoOptions(false);
    context.updatedProperties = ["value"];
    view.rerender(control.updateView(context));
    expect(visibilitySwitch()).toBeEnabled();
  });
});
