/** Dataverse ids arrive as `{GUID}` from the form; the Web API and the relay use the bare lowercase GUID. */
export function bareGuid(id: string): string {
  return id.replace(/[{}]/g, "").toLowerCase();
}
