import type { Lcid } from "../crm/schema";
import type { SyncField, SyncSide } from "../sync/fields";
import type { Catalog, MessageKey, MessageParams } from "./keys";
import { en } from "./catalog/en";
import { sv } from "./catalog/sv";
import { zh } from "./catalog/zh";
import { nl } from "./catalog/nl";
import { it } from "./catalog/it";
import { pl } from "./catalog/pl";

const catalogs: Readonly<Record<Lcid, Catalog>> = { 1033: en, 1053: sv, 2052: zh, 1043: nl, 1040: it, 1045: pl };

/** The catalog for a Dataverse language id; any other language falls back to English. */
const catalogFor = (lcid: number): Catalog => catalogs[lcid as Lcid] ?? en;

export interface LocalizedMessage {
  message: string;
  fix: string;
}

const fill = (template: string, params: MessageParams): string =>
  template.replace(/\{(\w+)\}/g, (placeholder, name: string) => (name in params ? String(params[name]) : placeholder));

/** A message and its fix hint in the user's language (LCID, e.g. 1053 for Swedish). */
export function formatMessage(key: MessageKey, params: MessageParams, lcid: number): LocalizedMessage {
  const [message, fix] = catalogFor(lcid).messages[key];
  return { message: fill(message, params), fix: fill(fix, params) };
}

export function syncFieldLabel(field: SyncField, lcid: number): string {
  return catalogFor(lcid).fields[field];
}

export function syncSideLabel(side: SyncSide, lcid: number): string {
  return side === "crm" ? "Dynamics 365" : catalogFor(lcid).partnerCenter;
}
