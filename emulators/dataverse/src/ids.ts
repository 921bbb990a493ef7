import { createHash, randomUUID } from "node:crypto";

const GUID = /^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$/;

export const isGuid = (value: unknown): boolean => typeof value === "string" && GUID.test(value);

/** Lower-case, brace-free form; Dataverse accepts either case and braces, and returns lower case. */
export function normalizeGuid(value: string): string {
  const match = GUID.exec(value.trim());
  if (!match) throw new Error(`'${value}' is not a GUID`);
  return match[1].toLowerCase();
}

export const newGuid = (): string => randomUUID();

/**
 * A stable GUID for a name (metadata ids, seeded system rows), so ids survive restarts and two
 * emulators agree on them.
 */
export function stableGuid(...parts: string[]): string {
  const hex = createHash("sha1").update(parts.join("\u0000")).digest("hex");
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
