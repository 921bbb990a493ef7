/** A readable line for anything thrown or rejected: Error, an `Xrm.WebApi` error object, or other. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  if (typeof e === "object" && e !== null && "message" in e) return String((e as { message: unknown }).message);
  return String(e);
}
