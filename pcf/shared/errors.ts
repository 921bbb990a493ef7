/**
 * The message a person can act on, from whatever a failed call rejected with: the `{ errorCode,
 * message }` object `context.webAPI` rejects with, a Dataverse Web API error body
 * (`{ error: { code, message } }`, dataverse-pcf.md §5), or an Error.
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "object" && error !== null) {
    const { message, error: inner } = error as { message?: unknown; error?: { message?: unknown } };
    if (typeof message === "string" && message.trim()) return message;
    if (typeof inner?.message === "string" && inner.message.trim()) return inner.message;
  }
  return typeof error === "string" && error.trim() ? error : "";
}
