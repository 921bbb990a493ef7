import type { Inputs, Outputs } from "../shared/manifestTypes";

/** The properties declared in ControlManifest.Input.xml, by name and `of-type`. */
export const declarations = { value: "OptionSet" } as const;

export type IInputs = Inputs<typeof declarations>;
export type IOutputs = Outputs<typeof declarations>;
