/**
 * @cosell/core — the co-sell domain, without I/O: runs in the relay (Node) and in the form script
 * and PCF controls (browser).
 */
export * from "./crm/schema";
export * from "./crm/model";

export * from "./referral/types";
export { PayloadFormatError } from "./referral/shape";
export { parseReferral, parseReferralPage } from "./referral/parse";
export { serializeReferral, referralPutBody } from "./referral/serialize";
export * from "./referral/webhook";

export * from "./status/transitions";
export * from "./status/crm-state";

export * from "./config/field-mapping";
export * from "./config/sync-config";

export * from "./mapping/to-referral";
export * from "./mapping/to-crm";
export { helpNeededCode, helpNeededOption, toDateOnly, toClosingDateTime } from "./mapping/values";

export * from "./sync/fields";
export * from "./sync/projection";
export * from "./sync/json-patch";
export * from "./sync/conflicts";

export * from "./rules/iso";
export * from "./rules/cosell-rules";

export * from "./i18n/keys";
export * from "./i18n/messages";

export * from "./audit/audit-log";
export * from "./audit/name-mark";
