/**
 * Whether two addresses name the same endpoint, as registrations compare them: scheme, host and
 * path without case or a trailing slash (Partner Center and Dataverse may echo a URL normalised).
 */
export function sameUrl(a: string, b: string): boolean {
  const normal = (value: string) => {
    try {
      const url = new URL(value.trim());
      return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}${url.search}`.toLowerCase();
    } catch {
      return value.trim().replace(/\/+$/, "").toLowerCase();
    }
  };
  return normal(a) === normal(b);
}
