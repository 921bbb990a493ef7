/**
 * The `Prefer` request header: return=representation, odata.include-annotations,
 * odata.maxpagesize and odata.continue-on-error (dataverse-pcf.md §5).
 */

export interface Preferences {
  returnRepresentation: boolean;
  /** Annotation patterns from odata.include-annotations, e.g. ["*"] or ["OData.Community.Display.V1.FormattedValue"]. */
  includeAnnotations: string[];
  maxPageSize?: number;
  continueOnError: boolean;
  /** The preferences honoured, for the Preference-Applied response header. */
  applied: string[];
}

/** Largest page the service returns, whatever the client asks (webapi/query/page-results). */
export const MAX_PAGE_SIZE = 5000;

export function parsePrefer(header: string | undefined): Preferences {
  const preferences: Preferences = { returnRepresentation: false, includeAnnotations: [], continueOnError: false, applied: [] };
  if (!header) return preferences;
  for (const raw of splitPreferences(header)) {
    const item = raw.trim();
    const eq = item.indexOf("=");
    const name = (eq < 0 ? item : item.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? "" : item.slice(eq + 1).trim().replace(/^"|"$/g, "");
    switch (name) {
      case "return":
        if (value === "representation") preferences.returnRepresentation = true;
        break;
      case "odata.include-annotations":
        preferences.includeAnnotations = value.split(",").map((v) => v.trim()).filter(Boolean);
        preferences.applied.push(`odata.include-annotations="${value}"`);
        break;
      case "odata.maxpagesize": {
        const size = Number(value);
        if (Number.isInteger(size) && size > 0) {
          preferences.maxPageSize = Math.min(size, MAX_PAGE_SIZE);
          preferences.applied.push(`odata.maxpagesize=${preferences.maxPageSize}`);
        }
        break;
      }
      case "odata.continue-on-error":
        preferences.continueOnError = value === "" || value === "true";
        break;
    }
  }
  return preferences;
}

/** Splits on commas outside double quotes (include-annotations values contain commas). */
function splitPreferences(header: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let current = "";
  for (const ch of header) {
    if (ch === '"') quoted = !quoted;
    if (ch === "," && !quoted) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

/** Whether an annotation term (e.g. "OData.Community.Display.V1.FormattedValue") was asked for. */
export function wantsAnnotation(preferences: Preferences, term: string): boolean {
  let wanted = false;
  for (const pattern of preferences.includeAnnotations) {
    const excluded = pattern.startsWith("-");
    const body = excluded ? pattern.slice(1) : pattern;
    const matches = body === "*" || body === term || (body.endsWith(".*") && term.startsWith(body.slice(0, -1)));
    if (matches) wanted = !excluded;
  }
  return wanted;
}

export const Annotations = {
  formattedValue: "OData.Community.Display.V1.FormattedValue",
  lookupLogicalName: "Microsoft.Dynamics.CRM.lookuplogicalname",
  associatedNavigationProperty: "Microsoft.Dynamics.CRM.associatednavigationproperty",
} as const;
