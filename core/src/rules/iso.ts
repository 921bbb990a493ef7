import { ISO_3166_ALPHA2, ISO_4217 } from "./iso-codes.generated";

const countries = new Set(ISO_3166_ALPHA2.split(" "));
const currencies = new Set(ISO_4217.split(" "));

/** True for an ISO 3166-1 alpha-2 code (case-insensitive, surrounding spaces ignored). */
export function isIsoCountryCode(value: string): boolean {
  return countries.has(value.trim().toUpperCase());
}

/** True for an ISO 4217 currency code (case-insensitive, surrounding spaces ignored). */
export function isIsoCurrencyCode(value: string): boolean {
  return currencies.has(value.trim().toUpperCase());
}
