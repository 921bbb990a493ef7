/**
 * What one sync run works with: both sides (the Dataverse side possibly acting for a user), the link
 * store, the configuration read for this run and the language to tell the seller in.
 */
import type { AuditDirection, AuditEntry, AuditOutcome, MessageParams, SyncConfig } from "@cosell/core";
import type { JobPayload } from "../jobs/queue";
import type { StateStore } from "../state";
import { engineMessage, type EngineMessageKey } from "./messages";
import type { DataversePort, PartnerCenterPort } from "./ports";

/** The subset of a pino logger the engine uses. It never logs tokens or record contents. */
export interface EngineLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface Runtime {
  pc: PartnerCenterPort;
  dv: DataversePort;
  state: StateStore;
  config: SyncConfig;
  /** Language of the audit entries and messages (Dataverse LCID). */
  lcid: number;
  now(): Date;
  /** See `referralPortalLink` in core; undefined = the built-in template. */
  linkTemplate?: string;
  /** How often one sync re-reads and re-applies after a concurrent write (412) before it gives up. */
  maxConflictRetries: number;
  log: EngineLogger;
  enqueue(job: JobPayload): Promise<unknown>;
}

/** A localized audit entry of the engine's own messages. */
export function engineEntry(
  rt: Pick<Runtime, "lcid" | "now">,
  outcome: AuditOutcome,
  direction: AuditDirection,
  key: EngineMessageKey,
  params: MessageParams = {},
  referralId?: string,
): AuditEntry {
  const { message, fix } = engineMessage(key, params, rt.lcid);
  const entry: AuditEntry = { at: rt.now().toISOString(), outcome, direction, message };
  if (fix) entry.fix = fix;
  if (referralId) entry.referralId = referralId;
  return entry;
}

export const silentLogger: EngineLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A short, secret-free description of a failure for the audit and the logs. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/\s+/g, " ").slice(0, 500);
  return String(error).slice(0, 500);
}
