/**
 * Small builders for OData query options, so values are always quoted and encoded the same way
 * (a name with an apostrophe or an ampersand must not change the query's meaning).
 */
import { odataLiteral } from "./operations";

interface NavigationAware {
  navigation?: Record<string, string[]>;
}

/** `$select` for the given columns; lookups are selected as `_<column>_value` (Web API lookup properties). */
export function selectColumns(metadata: NavigationAware, columns: readonly string[]): string {
  const navigation = new Set(Object.keys(metadata.navigation ?? {}).map((n) => n.toLowerCase()));
  const names = columns.map((c) => (navigation.has(c.toLowerCase()) ? `_${c}_value` : c));
  return `$select=${[...new Set(names)].join(",")}`;
}

/** `column eq 'value'` with the value quoted for OData. */
export function equalsText(column: string, value: string): string {
  return `${column} eq ${odataLiteral(value)}`;
}

/** A `$filter` option, URL-encoded. */
export function filter(expression: string): string {
  return `$filter=${encodeURIComponent(expression)}`;
}

/** Query string from options; empty ones are skipped. */
export function query(...options: (string | undefined | false)[]): string {
  const parts = options.filter((o): o is string => typeof o === "string" && o !== "");
  return parts.length ? `?${parts.join("&")}` : "";
}

/** An alternate key segment, `column='value'`, encoded for the URL path. */
export function alternateKey(column: string, value: string): string {
  return `${column}=${encodeURIComponent(odataLiteral(value))}`;
}

/** The query part of a nextLink, which dataverse-ify expects back as the next page's query. */
export function nextPageQuery(nextLink: string): string {
  const index = nextLink.indexOf("?");
  if (index < 0) throw new Error(`The nextLink "${nextLink}" carries no query.`);
  return nextLink.slice(index);
}
