import type { SyncField } from "../sync/fields";

/** Every localized message: the co-sell rule violations and the sync decisions written to the audit. */
export const MessageKeys = [
  "solution-required",
  "contact-required",
  "contact-incomplete",
  "customer-missing",
  "country-missing",
  "country-invalid",
  "currency-missing",
  "currency-invalid",
  "deal-value-missing",
  "deal-value-invalid",
  "deal-value-zero-calculated",
  "name-missing",
  "close-date-missing",
  "close-date-invalid",
  "notes-missing",
  "notes-too-long",
  "owner-incomplete",
  "visibility-revoked",
  "referral-closed",
  "conflict-owner-wins",
  "change-rejected-closed",
  "change-rejected-transition",
  "change-rejected-visibility",
] as const;
export type MessageKey = (typeof MessageKeys)[number];

export type MessageParams = Readonly<Record<string, string | number>>;

/** A message template and its fix hint; `{name}` placeholders take the params. */
export type Catalog = {
  readonly messages: Readonly<Record<MessageKey, readonly [message: string, fix: string]>>;
  /** Names of the sync fields, for decisions about a field. */
  readonly fields: Readonly<Record<SyncField, string>>;
  readonly partnerCenter: string;
};
