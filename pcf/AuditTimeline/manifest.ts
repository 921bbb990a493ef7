import type { Inputs, Outputs } from "../shared/manifestTypes";

/** The properties declared in ControlManifest.Input.xml, by name and `of-type`. */
export const declarations = {
  value: "Multiple",
  syncStatus: "OptionSet",
  referralLink: "SingleLine.URL",
  referralStatus: "SingleLine.Text",
  lastSyncedOn: "DateAndTime.DateAndTime",
} as const;

export type IInputs = Inputs<typeof declarations>;
export type IOutputs = Outputs<typeof declarations>;
