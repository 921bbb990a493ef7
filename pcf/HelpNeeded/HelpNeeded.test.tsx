import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { ContactTable, EnvironmentVariables, HelpNeededOptions, OpportunityTable, SolutionTable } from "@cosell/core";
import { HelpNeeded } from "./index";
import { createContext } from "../__mocks__/mock-context";
import { FakeWebApi } from "../__mocks__/fake-web-api";
import { optionSet } from "../__mocks__/mock-properties";
import { announceSolutionsChanged } from "../shared/recordSignals";
import type { IInputs } from "./manifest";

const OPPORTUNITY = "6f1e2d3c-4b5a-4978-8a9b-0c1d2e3f4a5b";

/** The column's metadata as Dataverse sends it: English labels of the solution's option set. */
const columnOptions = Object.entries(HelpNeededOptions).map(([code, value]) => ({ Label: code, Value: value }));

function dataverse(): FakeWebApi {
  const webAPI = new FakeWebApi();
  webAPI.add(OpportunityTable.logicalName, { opportunityid: OPPORTUNITY, name: "Contoso rollout" });
  return webAPI;
}

function setup(options: { value?: number | null; webAPI?: FakeWebApi; saved?: boolean; disabled?: boolean; languageId?: number } = {}) {
  const webAPI = options.webAPI ?? dataverse();
  const context = createContext<IInputs>(
    { value: optionSet(options.value ?? null, columnOptions) },
    {
      control: "HelpNeeded",
      label: "How can Microsoft help?",
      webAPI,
      disabled: options.disabled,
      languageId: options.languageId,
      record: options.saved === false ? undefined : { entityName: "opportunity", id: OPPORTUNITY },
    },
  );
  const notify = jest.fn();
  const control = new HelpNeeded();
  control.init(context, notify);
  const view = render(control.updateView(context));
  const applyOutputs = (): void => {
    context.parameters.value = optionSet(control.getOutputs().value ?? null, columnOptions);
    context.updatedProperties = ["value"];
    view.rerender(control.updateView(context));
  };
  return { context, webAPI, notify, control, view, applyOutputs };
}

const picker = () => screen.getByRole("combobox", { name: "How can Microsoft help?" });

async function choose(user: ReturnType<typeof userEvent.setup>, label: string): Promise<void> {
  await user.click(picker());
  await user.click(await screen.findByRole("option", { name: new RegExp(`^${label}`) }));
}

function withContactAndSolution(webAPI: FakeWebApi, contact: Record<string, string>): void {
  const contactId = webAPI.add(ContactTable.logicalName, contact);
  webAPI.setLookup(OpportunityTable.logicalName, OPPORTUNITY, OpportunityTable.contact, contactId);
  const solutionId = webAPI.add(SolutionTable.logicalName, { cosell_name: "Contoso Analytics", cosell_solutionidentifier: "SOL-15974-MQF", statecode: 0 });
  webAPI.associate(OPPORTUNITY, solutionId);
}

describe("HelpNeeded", () => {
  it("offers every kind of help with a one-line explanation", async () => {
    const user = userEvent.setup();
    setup();
    expect(picker()).toHaveTextContent("No help needed");
    await user.click(picker());
    const options = await screen.findAllByRole("option");
    expect(options.map((o) => o.textContent)).toEqual([
      "No help neededNot a co-sell referral: Microsoft isn't asked for help. You can ask for help later.",
      "General or otherAny other help from Microsoft, such as an introduction to the customer's Microsoft account team.",
      "Customer technical architectureMicrosoft technical experts help design the solution's architecture for this customer.",
      "Proof of concept or demoMicrosoft helps run a proof of concept or a demo for the customer.",
      "Quotes or licensingHelp with Microsoft pricing, quotes or licensing for this deal.",
      "Post-sales customer successHelp with deployment, adoption and customer success after the sale.",
      "Workload-specific value propositionMicrosoft presents the value of a specific Microsoft workload to the customer.",
    ]);
  });

  it("reports a new choice once and shows what co-sell still needs", async () => {
    const user = userEvent.setup();
    const { notify, control, applyOutputs } = setup();

    await choose(user, "Proof of concept or demo");
    expect(notify).toHaveBeenCalledTimes(1);
    expect(control.getOutputs()).toEqual({ value: HelpNeededOptions.ProofOfConceptOrDemo });
    applyOutputs();

    expect(picker()).toHaveTextContent("Proof of concept or demo");
    expect(screen.getByText("Microsoft helps run a proof of concept or a demo for the customer.", { selector: "[id]" })).toBeVisible();
    expect(await screen.findByText("Customer contact: missing")).toBeVisible();
    expect(screen.getByText("Solution: missing")).toBeVisible();
    expect(screen.getByText(/No customer contact is set on the opportunity/)).toBeVisible();
    expect(screen.getByText(/No solution is attached/)).toBeVisible();
  });

  it("does not report choosing the value the record already has", async () => {
    const user = userEvent.setup();
    const { notify } = setup({ value: HelpNeededOptions.QuotesOrLicensing });
    await screen.findByText("Customer contact: missing");
    await choose(user, "Quotes or licensing");
    expect(notify).not.toHaveBeenCalled();
  });

  it("clears the column when no help is needed", async () => {
    const user = userEvent.setup();
    const { notify, control, applyOutputs } = setup({ value: HelpNeededOptions.GeneralOrOther });
    await screen.findByText("Customer contact: missing");
    await choose(user, "No help needed");
    expect(notify).toHaveBeenCalledTimes(1);
    expect(control.getOutputs()).toEqual({ value: undefined });
    applyOutputs();
    expect(screen.queryByText(/Customer contact/)).not.toBeInTheDocument();
  });

  it("re-checks by itself when the solutions grid attaches a solution to this record", async () => {
    const webAPI = dataverse();
    const { webAPI: api } = setup({ value: HelpNeededOptions.CustomerTechnicalArchitecture, webAPI });
    expect(await screen.findByText("Solution: missing")).toBeVisible();

    withContactAndSolution(api, { firstname: "Ana", lastname: "Silva", emailaddress1: "ana.silva@contoso.com" });
    act(() => announceSolutionsChanged("00000000-0000-0000-0000-000000000999"));
    expect(screen.getByText("Solution: missing")).toBeVisible();
    act(() => announceSolutionsChanged(OPPORTUNITY));

    expect(await screen.findByText("Solution: in place")).toBeVisible();
  });

  it("says the record is ready once a complete contact and a solution are attached", async () => {
    const user = userEvent.setup();
    const webAPI = dataverse();
    const { webAPI: api } = setup({ value: HelpNeededOptions.CustomerTechnicalArchitecture, webAPI });
    expect(await screen.findByText("Customer contact: missing")).toBeVisible();

    withContactAndSolution(api, { firstname: "Ana", lastname: "Silva", emailaddress1: "ana.silva@contoso.com" });
    await user.click(screen.getByRole("button", { name: "Check again" }));

    expect(await screen.findByText("Ready for co-sell: the customer contact and a solution are in place.")).toBeVisible();
    expect(screen.getByText("Customer contact: in place")).toBeVisible();
    expect(screen.getByText("Solution: in place")).toBeVisible();
  });

  it("names an incomplete customer contact", async () => {
    const webAPI = dataverse();
    withContactAndSolution(webAPI, { firstname: "Ana" });
    setup({ value: HelpNeededOptions.GeneralOrOther, webAPI });
    expect(await screen.findByText(/The customer contact Ana has no name or e-mail address/)).toBeVisible();
    expect(screen.getByText("Solution: in place")).toBeVisible();
  });

  it("counts a contact chosen as the potential customer, as the relay does", async () => {
    const webAPI = dataverse();
    const contactId = webAPI.add(ContactTable.logicalName, { firstname: "Ana", lastname: "Silva", emailaddress1: "ana.silva@contoso.com" });
    webAPI.setLookup(OpportunityTable.logicalName, OPPORTUNITY, OpportunityTable.customer, contactId);
    setup({ value: HelpNeededOptions.GeneralOrOther, webAPI });
    expect(await screen.findByText("Customer contact: in place")).toBeVisible();
  });

  it("reads contacts through the admin's field mapping", async () => {
    const webAPI = dataverse();
    const definition = webAPI.add("environmentvariabledefinition", { schemaname: EnvironmentVariables.fieldMapping.schemaName, defaultvalue: null });
    webAPI.add("environmentvariablevalue", {
      value: JSON.stringify({ contact: { email: "emailaddress2" } }),
      _environmentvariabledefinitionid_value: definition,
    });
    withContactAndSolution(webAPI, { firstname: "Ana", lastname: "Silva", emailaddress2: "ana@contoso.com" });
    setup({ value: HelpNeededOptions.GeneralOrOther, webAPI });
    expect(await screen.findByText("Customer contact: in place")).toBeVisible();
  });

  it("explains a failed check and lets the seller retry", async () => {
    const user = userEvent.setup();
    const webAPI = dataverse();
    webAPI.failNext("retrieveRecord", { message: "You do not have permission to read contacts." });
    setup({ value: HelpNeededOptions.GeneralOrOther, webAPI });

    const alert = await screen.findByText(/could not be checked/);
    expect(alert).toHaveTextContent("The customer contact and solutions could not be checked. You do not have permission to read contacts.");
    await user.click(screen.getByRole("button", { name: "Check again" }));
    expect(await screen.findByText("Customer contact: missing")).toBeVisible();
  });

  it("reads the configuration again after a failed read", async () => {
    const user = userEvent.setup();
    const webAPI = dataverse();
    webAPI.failNext("retrieveMultipleRecords", { message: "Environment variables are unavailable." });
    setup({ value: HelpNeededOptions.GeneralOrOther, webAPI });
    expect(await screen.findByText(/could not be checked/)).toHaveTextContent("Environment variables are unavailable.");
    await user.click(screen.getByRole("button", { name: "Check again" }));
    expect(await screen.findByText("Customer contact: missing")).toBeVisible();
  });

  it("asks to save a new opportunity first, without querying", () => {
    const { webAPI } = setup({ value: HelpNeededOptions.GeneralOrOther, saved: false });
    expect(screen.getByText(/Save the opportunity, then add a customer contact and a solution/)).toBeVisible();
    expect(webAPI.calls).toHaveLength(0);
  });

  it("cannot be changed on a read-only form but still shows the needs", async () => {
    setup({ value: HelpNeededOptions.GeneralOrOther, disabled: true });
    expect(picker()).toHaveAttribute("aria-disabled", "true");
    expect(await screen.findByText("Customer contact: missing")).toBeVisible();
  });

  it("re-checks only when the value changes, not on every render", async () => {
    const { context, control, view, webAPI } = setup({ value: HelpNeededOptions.GeneralOrOther });
    await screen.findByText("Customer contact: missing");
    const reads = webAPI.calls.filter((c) => c.operation === "retrieveRecord").length;
    context.updatedProperties = ["layout"];
    context.mode.allocatedWidth = 300;
    view.rerender(control.updateView(context));
    await waitFor(() => expect(screen.getByText("Customer contact: missing")).toBeVisible());
    expect(webAPI.calls.filter((c) => c.operation === "retrieveRecord")).toHaveLength(reads);
  });

  it.each([
    [1033, "Proof of concept or demo"],
    [1053, "Konceptbevis eller demo"],
    [2052, "概念证明或演示"],
    [1043, "Proof of concept of demo"],
    [1040, "Proof of concept o demo"],
    [1045, "Weryfikacja koncepcji lub demonstracja"],
  ])("speaks the seller's language (%i)", async (languageId, label) => {
    setup({ value: HelpNeededOptions.ProofOfConceptOrDemo, languageId });
    expect(within(picker()).getByText(label)).toBeVisible();
    await screen.findByRole("group");
  });
});
