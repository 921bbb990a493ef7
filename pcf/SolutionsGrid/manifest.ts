import type { Inputs, Outputs } from "../shared/manifestTypes";

/** The data-set declared in ControlManifest.Input.xml (the N:N subgrid of cosell_solution). */
export const declarations = { solutions: "DataSet" } as const;

export type IInputs = Inputs<typeof declarations>;
export type IOutputs = Outputs<typeof declarations>;
