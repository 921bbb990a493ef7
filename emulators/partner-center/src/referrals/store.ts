/**
 * Every referral the emulated Partner Center holds: the partner's own (incoming and outgoing) and
 * the other parties' halves of shared engagements. Writes are synchronous, so each one is atomic;
 * each bumps `updatedDateTime` and the eTag (partner-center-api.md §7.6) and is announced to
 * listeners, which turn it into webhook events.
 */
import { randomUUID } from "node:crypto";
import { wireTimestamp, type EmulatorClock } from "../clock";
import { ApiError, notFound } from "../errors";
import { isObject, type Json, type JsonObject } from "./normalize";
import { checkReferral } from "./rules";

export interface Party {
  organizationId: string;
  organizationName: string;
}

/** Microsoft's organization as it appears in referrals (`"msft"` / `"Microsoft"`, §2.1). */
export const MICROSOFT: Party = { organizationId: "msft", organizationName: "Microsoft" };

export interface StoredReferral {
  /** Canonical wire fields (camelCase), without the computed `links` and `@odata.context`. */
  doc: JsonObject;
  /** Organization that holds this referral. */
  owner: string;
  /** The holder's business location; a Referrals User sees only referrals in their locations. */
  locationId: string;
  /** Insertion order, the last tie-breaker when sorting. */
  seq: number;
}

export type ChangeCause = "api" | "counterparty" | "expiry";

export interface ReferralChange {
  kind: "created" | "updated";
  referral: StoredReferral;
  cause: ChangeCause;
}

export interface CreateOptions {
  owner: Party;
  locationId: string;
  direction: "Incoming" | "Outgoing";
  /** Closed is only for other parties' halves that start out answered (e.g. Microsoft declining). */
  status: "New" | "Active" | "Closed";
  substatus: "Pending" | "Received" | "Accepted" | "Declined";
  cause: ChangeCause;
  /** Skip the create rules; used for other parties' halves, which the partner never validates. */
  trusted?: boolean;
  /** Incoming referrals expire if nobody answers (§7.12). */
  expiresAfterMs?: number;
}

export interface UpdateOptions {
  /** Raw If-Match header value; compared with the current eTag (§7.6). */
  ifMatch?: string;
  cause: ChangeCause;
}

/** What the store holds, as JSON: every referral with its eTag, and the counters that continue from it. */
export interface ReferralStoreContents {
  referrals: StoredReferral[];
  seq: number;
  etagCounter: number;
}

/** Fourteen days without an answer and an incoming referral is archived as Expired (§2.2, §7.12). */
export const INCOMING_EXPIRY_MS = 14 * 24 * 60 * 60 * 1000;

export class ReferralStore {
  private readonly referrals = new Map<string, StoredReferral>();
  private readonly listeners = new Set<(change: ReferralChange) => void>();
  private seq = 0;
  private etagCounter = Math.floor(Math.random() * 0x7fffffff);

  constructor(private readonly clock: EmulatorClock) {}

  onChange(listener: (change: ReferralChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get(id: string): StoredReferral | undefined {
    return this.referrals.get(id.toLowerCase());
  }

  require(id: string): StoredReferral {
    const found = this.get(id);
    if (!found) throw notFound(`No referral with id '${id}'.`);
    return found;
  }

  all(): StoredReferral[] {
    return [...this.referrals.values()];
  }

  contents(): ReferralStoreContents {
    return { referrals: structuredClone(this.all()), seq: this.seq, etagCounter: this.etagCounter };
  }

  /** Replaces every referral (no change events: the referrals existed before). */
  replaceContents(contents: ReferralStoreContents): void {
    this.referrals.clear();
    for (const referral of structuredClone(contents.referrals)) this.referrals.set(String(referral.doc.id).toLowerCase(), referral);
    this.seq = contents.seq;
    this.etagCounter = contents.etagCounter;
  }

  inEngagement(engagementId: string): StoredReferral[] {
    const key = engagementId.toLowerCase();
    return this.all().filter((r) => String(r.doc.engagementId).toLowerCase() === key);
  }

  create(input: JsonObject, options: CreateOptions): StoredReferral {
    if (!options.trusted) checkReferral({ after: input, changed: [] });
    const now = this.clock.now();
    const stamp = wireTimestamp(now);
    const requestedEngagement = typeof input.engagementId === "string" ? input.engagementId : undefined;
    if (requestedEngagement !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(requestedEngagement)) {
      throw new ApiError(400, "invalidRequest", `'engagementId' must be a GUID; got '${requestedEngagement}'.`, "engagementId");
    }
    const doc: JsonObject = {
      ...input,
      id: randomUUID(),
      // §7.3/§7.10: a new engagement unless the client joins an existing one.
      engagementId: requestedEngagement?.toLowerCase() ?? randomUUID(),
      organizationId: options.owner.organizationId,
      organizationName: options.owner.organizationName,
      externalReferenceId: input.externalReferenceId ?? null,
      createdDateTime: stamp,
      updatedDateTime: stamp,
      expirationDateTime: options.expiresAfterMs ? wireTimestamp(new Date(now.getTime() + options.expiresAfterMs)) : null,
      // §7.3: outgoing deals count as accepted when created.
      acceptedDateTime: options.status === "Active" ? stamp : null,
      closedDateTime: options.status === "Closed" ? stamp : null,
      status: options.status,
      substatus: options.substatus,
      statusReason: input.statusReason ?? null,
      direction: options.direction,
      eTag: this.nextEtag(now),
    };
    const stored: StoredReferral = { doc, owner: options.owner.organizationId, locationId: options.locationId, seq: ++this.seq };
    this.referrals.set(String(doc.id), stored);
    this.emit({ kind: "created", referral: stored, cause: options.cause });
    return stored;
  }

  /**
   * Replaces a referral's client-visible state with `next` after checking concurrency and the
   * business rules; server-owned fields of `next` are ignored.
   */
  update(id: string, next: (current: JsonObject) => JsonObject, options: UpdateOptions): StoredReferral {
    const stored = this.require(id);
    const before = stored.doc;
    if (options.ifMatch !== undefined && !etagMatches(options.ifMatch, String(before.eTag))) {
      throw new ApiError(412, "preconditionFailed", `The referral has changed since you read it: If-Match ${options.ifMatch} does not match the current eTag ${String(before.eTag)}. Read it again and retry.`, "eTag");
    }
    const proposed = next(structuredClone(before));
    for (const field of serverFieldsKept) {
      if (field in before) proposed[field] = before[field];
      else delete proposed[field];
    }
    const changed = diffPaths(before, proposed);
    checkReferral({ before, after: proposed, changed });

    const now = this.clock.now();
    const stamp = wireTimestamp(now);
    if (proposed.status !== before.status && proposed.status === "Active" && !before.acceptedDateTime) proposed.acceptedDateTime = stamp;
    if (proposed.status !== before.status && proposed.status === "Closed") proposed.closedDateTime = stamp;
    proposed.updatedDateTime = stamp;
    proposed.eTag = this.nextEtag(now);
    stored.doc = proposed;
    this.emit({ kind: "updated", referral: stored, cause: options.cause });
    return stored;
  }

  /** Server-side write of fields a client may not touch (Microsoft's CRM id, expiry). */
  system(id: string, mutate: (doc: JsonObject) => void, cause: ChangeCause): StoredReferral {
    const stored = this.require(id);
    if (stored.doc.status === "Closed") {
      throw new ApiError(409, "invalidRequest", `The referral is Closed (${String(stored.doc.substatus)}); a closed referral cannot be updated.`, "status");
    }
    const doc = structuredClone(stored.doc);
    mutate(doc);
    const now = this.clock.now();
    const stamp = wireTimestamp(now);
    if (doc.status === "Closed" && stored.doc.status !== "Closed") doc.closedDateTime = stamp;
    if (doc.status === "Active" && !doc.acceptedDateTime) doc.acceptedDateTime = stamp;
    doc.updatedDateTime = stamp;
    doc.eTag = this.nextEtag(now);
    stored.doc = doc;
    this.emit({ kind: "updated", referral: stored, cause });
    return stored;
  }

  /** Closes every unanswered incoming referral whose expiry has passed (§7.12). Returns their ids. */
  expireDue(): string[] {
    const now = this.clock.now().getTime();
    const due = this.all().filter(
      (r) => r.doc.direction === "Incoming" && r.doc.status === "New" && typeof r.doc.expirationDateTime === "string" && Date.parse(r.doc.expirationDateTime) <= now,
    );
    for (const referral of due) {
      this.system(String(referral.doc.id), (doc) => {
        doc.status = "Closed";
        doc.substatus = "Expired";
        doc.statusReason = "No response within 14 days.";
      }, "expiry");
    }
    return due.map((r) => String(r.doc.id));
  }

  /**
   * Cosmos DB style (`"2500ec5a-0000-0000-0000-5bf4967d0000"`, §2.1): a counter and the time in
   * seconds, so every write gets a new value.
   */
  private nextEtag(now: Date): string {
    this.etagCounter = (this.etagCounter + 1) >>> 0;
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    return `"${hex(this.etagCounter)}-0000-0000-0000-${hex(Math.floor(now.getTime() / 1000))}0000"`;
  }

  private emit(change: ReferralChange): void {
    for (const listener of this.listeners) listener(change);
  }
}

/** Fields a PATCH or PUT can never change (§7.3). Status timestamps are set in `update`. */
const serverFieldsKept = [
  "id", "engagementId", "organizationId", "organizationName", "createdDateTime", "updatedDateTime", "expirationDateTime",
  "acceptedDateTime", "closedDateTime", "direction", "eTag", "trackingInfo", "registrationStatus", "registrations",
  "referralSource", "callToAction",
];

/**
 * `If-Match: *` matches any existing referral (RFC 9110 §13.1.1; Partner Center does not document
 * it). Quotes and a weak `W/` prefix are ignored when comparing.
 */
export function etagMatches(header: string, etag: string): boolean {
  const strip = (value: string) => value.trim().replace(/^W\//, "").replace(/^"(.*)"$/, "$1");
  return header.split(",").some((candidate) => candidate.trim() === "*" || strip(candidate) === strip(etag));
}

/** JSON pointers of everything that differs; arrays count as one value. */
export function diffPaths(before: Json | undefined, after: Json | undefined, prefix = ""): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
    return [...keys].flatMap((key) => diffPaths(before[key] ?? null, after[key] ?? null, `${prefix}/${key}`));
  }
  return JSON.stringify(before ?? null) === JSON.stringify(after ?? null) ? [] : [prefix];
}
