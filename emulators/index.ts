export * as identity from "./identity/src";
export * as partnerCenter from "./partner-center/src";
export * as dataverse from "./dataverse/src";
