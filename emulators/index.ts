export * as partnerCenter from "./partner-center/src";
export * as dataverse from "./dataverse/src";
