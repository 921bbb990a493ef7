/**
 * The Audit column (`cosell_audit`): a newest-first plain-text log that reads well on its own and
 * parses back into entries for the AuditTimeline control. One entry:
 *
 *   2025-01-15 10:32:05 UTC · ✖ Error · Dynamics 365 → Partner Center · Referral 4111fffc-…
 *     Partner Center needs at least one solution on a shared referral.
 *     Fix: Add a co-sell ready or Microsoft solution to the Microsoft Partner Center Solutions list.
 *
 * Entries are separated by a blank line. Text that is not an entry (older connectors, manual
 * edits) is kept as it is and returned as a text item.
 */
import { AUDIT_MAX_LENGTH } from "../crm/schema";

export type AuditDirection = "toPartnerCenter" | "toCrm" | "local";
export type AuditOutcome = "success" | "error" | "warning" | "info";

export interface AuditEntry {
  /** ISO-8601 UTC; stored to the second. */
  at: string;
  direction: AuditDirection;
  outcome: AuditOutcome;
  message: string;
  fix?: string;
  referralId?: string;
}

export type AuditLogItem = ({ kind: "entry" } & AuditEntry) | { kind: "text"; text: string };

const outcomeLabels: Readonly<Record<AuditOutcome, string>> = {
  success: "✔ Success",
  error: "✖ Error",
  warning: "⚠ Warning",
  info: "ℹ Info",
};

const directionLabels: Readonly<Record<AuditDirection, string>> = {
  toPartnerCenter: "Dynamics 365 → Partner Center",
  toCrm: "Partner Center → Dynamics 365",
  local: "Dynamics 365",
};

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const alternatives = (labels: Readonly<Record<string, string>>) => Object.values(labels).map(escapeRegex).join("|");

const HEADER = new RegExp(
  `^(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2}) UTC · (${alternatives(outcomeLabels)}) · (${alternatives(directionLabels)})(?: · Referral (\\S+))?\\s*$`,
);
const INDENT = "  ";
const FIX_PREFIX = "Fix: ";

/** Entries are one line of message and one of fix, so line breaks inside them are folded. */
const oneLine = (text: string): string => text.replace(/\s+/g, " ").trim();

function timestampOf(at: string): string {
  const time = Date.parse(at);
  if (Number.isNaN(time)) throw new RangeError(`Audit entry time "${at}" is not an ISO-8601 date-time.`);
  return new Date(time).toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

function render(entry: AuditEntry, message: string): string {
  const header = [timestampOf(entry.at), outcomeLabels[entry.outcome], directionLabels[entry.direction]];
  if (entry.referralId) header.push(`Referral ${oneLine(entry.referralId).replace(/\s/g, "")}`);
  const lines = [header.join(" · "), INDENT + message];
  const fix = entry.fix ? oneLine(entry.fix) : "";
  if (fix) lines.push(INDENT + FIX_PREFIX + fix);
  return lines.join("\n");
}

/**
 * One entry as text. With `maxLength`, an overlong message is shortened (ending in "…") so the
 * entry fits; the header and fix are never cut.
 */
export function renderAuditEntry(entry: AuditEntry, maxLength = Infinity): string {
  const message = oneLine(entry.message) || "—";
  const full = render(entry, message);
  if (full.length <= maxLength) return full;
  const room = message.length - (full.length - maxLength) - 1;
  return render(entry, room > 0 ? `${message.slice(0, room).trimEnd()}…` : "…");
}

/**
 * Splits a log into blocks: each entry (its header and the indented lines right below it) and each
 * run of other text between entries.
 */
function blocksOf(text: string): string[] {
  const blocks: { entry: boolean; open: boolean; lines: string[] }[] = [];
  for (const line of text.replace(/\r\n?/g, "\n").split("\n")) {
    const current = blocks.at(-1);
    if (HEADER.test(line)) blocks.push({ entry: true, open: true, lines: [line] });
    else if (line.trim() === "") {
      if (current?.entry) current.open = false;
      else current?.lines.push(line);
    } else if (current?.entry && current.open && /^\s/.test(line)) current.lines.push(line);
    else if (current && !current.entry) current.lines.push(line);
    else blocks.push({ entry: false, open: true, lines: [line] });
  }
  return blocks.map((block) => block.lines.join("\n").trim()).filter(Boolean);
}

function joinWithinLimit(blocks: readonly string[], maxLength: number): string {
  const kept: string[] = [];
  let length = 0;
  for (const block of blocks) {
    const added = (kept.length ? 2 : 0) + block.length;
    if (length + added > maxLength) break;
    kept.push(block);
    length += added;
  }
  return kept.join("\n\n");
}

/**
 * Puts the entry at the top of the existing log and drops the oldest whole blocks until the text
 * fits `maxLength` (the column size). Foreign text is kept while it fits.
 */
export function appendAuditEntry(log: string | null | undefined, entry: AuditEntry, maxLength = AUDIT_MAX_LENGTH): string {
  return joinWithinLimit([renderAuditEntry(entry, maxLength), ...blocksOf(log ?? "")], maxLength);
}

/** A whole log from entries, newest first, within `maxLength`. */
export function renderAuditLog(entries: readonly AuditEntry[], maxLength = AUDIT_MAX_LENGTH): string {
  const newestFirst = [...entries].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return joinWithinLimit(newestFirst.map((entry) => renderAuditEntry(entry, maxLength)), maxLength);
}

const keyOf = <T extends string>(labels: Readonly<Record<T, string>>, label: string): T =>
  (Object.keys(labels) as T[]).find((key) => labels[key] === label) as T;

function parseBlock(block: string): AuditLogItem {
  const [header, ...rest] = block.split("\n");
  const match = HEADER.exec(header);
  if (!match) return { kind: "text", text: block };
  const message: string[] = [];
  const fix: string[] = [];
  for (const raw of rest) {
    const line = raw.trim();
    if (!line) continue;
    // The first line under the header is always the message, even if it happens to start with "Fix: ".
    if (message.length > 0 && fix.length === 0 && line.startsWith(FIX_PREFIX)) fix.push(line.slice(FIX_PREFIX.length));
    else (fix.length ? fix : message).push(line);
  }
  const item: AuditLogItem = {
    kind: "entry",
    at: `${match[1]}T${match[2]}Z`,
    outcome: keyOf(outcomeLabels, match[3]),
    direction: keyOf(directionLabels, match[4]),
    message: message.join(" "),
  };
  if (fix.length) item.fix = fix.join(" ");
  if (match[5]) item.referralId = match[5];
  return item;
}

/** The log's items in text order (newest first); never throws on foreign or damaged text. */
export function parseAuditLog(log: string | null | undefined): AuditLogItem[] {
  return blocksOf(log ?? "").map(parseBlock);
}
