import { unzipSync, zipSync, type Zippable } from "fflate";
import type { PackedFile } from "./build-artifacts";

/**
 * Every entry gets the same timestamp so the same input always yields the same bytes. fflate turns the
 * date into a DOS date/time with the local-time getters, so the date is built from local components:
 * that keeps the stored value identical whatever the machine's time zone.
 */
const FIXED_TIME = new Date(2000, 0, 1, 0, 0, 0);

/** Writes the entries in the given order (callers pass a deterministic order). */
export function writeZip(files: readonly PackedFile[]): Uint8Array {
  const seen = new Set<string>();
  const zippable: Zippable = {};
  for (const file of files) {
    if (seen.has(file.path)) throw new Error(`zip entry ${file.path} would be written twice`);
    seen.add(file.path);
    zippable[file.path] = [file.bytes, { mtime: FIXED_TIME, level: 6 }];
  }
  return zipSync(zippable);
}

/** Entry path → bytes, in the zip's entry order. */
export function readZip(bytes: Uint8Array, where: string): Map<string, Uint8Array> {
  try {
    return new Map(Object.entries(unzipSync(bytes)));
  } catch (error) {
    throw new Error(`${where} is not a readable zip file: ${(error as Error).message}`);
  }
}
