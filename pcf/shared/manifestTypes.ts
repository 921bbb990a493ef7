/**
 * Typed inputs/outputs derived from each control's declared properties (the `of-type` of every
 * `<property>`/`<data-set>` in its ControlManifest.Input.xml). pcf-scripts writes the same types to
 * `generated/ManifestTypes.d.ts` at build time; deriving them here keeps `tsc -b` and the tests
 * independent of a prior build, and `manifests.test.ts` checks the declarations against the XML.
 */
interface InputOf {
  TwoOptions: ComponentFramework.PropertyTypes.TwoOptionsProperty;
  OptionSet: ComponentFramework.PropertyTypes.OptionSetProperty;
  Multiple: ComponentFramework.PropertyTypes.StringProperty;
  "SingleLine.Text": ComponentFramework.PropertyTypes.StringProperty;
  "SingleLine.URL": ComponentFramework.PropertyTypes.StringProperty;
  "DateAndTime.DateAndTime": ComponentFramework.PropertyTypes.DateTimeProperty;
  DataSet: ComponentFramework.PropertyTypes.DataSet;
}

interface OutputOf {
  TwoOptions: boolean;
  OptionSet: number;
  Multiple: string;
  "SingleLine.Text": string;
  "SingleLine.URL": string;
  "DateAndTime.DateAndTime": Date;
  DataSet: never;
}

export type DeclaredType = keyof InputOf;
export type Declarations = Record<string, DeclaredType>;

export type Inputs<D extends Declarations> = { -readonly [K in keyof D]: InputOf[D[K]] };

type BoundOutputs<D extends Declarations> = { -readonly [K in keyof D as D[K] extends "DataSet" ? never : K]: OutputOf[D[K]] };
export type Outputs<D extends Declarations> = Partial<BoundOutputs<D>>;
