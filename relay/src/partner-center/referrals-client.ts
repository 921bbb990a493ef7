/**
 * Typed operations of the Referrals API (`/v1.0/engagements/referrals`, partner-center-api.md §3).
 */
import { randomUUID } from "node:crypto";
import { parseReferral, parseReferralPage, PayloadFormatError, referralPutBody, type JsonPatchOperation, type Referral, type ReferralPage } from "@cosell/core";
import { ConflictError, NotFoundError, PartnerCenterError } from "./errors";
import type { CallOptions, PartnerCenterHttp } from "./http";
import { odata, type ODataFilter } from "./odata";

export const REFERRALS_PATH = "/v1.0/engagements/referrals";

export interface ListReferralsOptions extends CallOptions {
  filter?: ODataFilter;
  orderBy?: { field: "createdDateTime" | "updatedDateTime"; direction?: "asc" | "desc" };
  select?: string[];
  top?: number;
}

export interface PatchOptions extends CallOptions {
  /** The eTag read with the referral; a stale one makes the server answer 412 (ConflictError). */
  ifMatch?: string;
  /** Default true: ask for the updated referral (200) instead of 204 No Content. */
  returnRepresentation?: boolean;
}

export interface PutOptions extends CallOptions {
  /** Defaults to the referral's own `eTag`; PUT requires one (§3.5). */
  ifMatch?: string;
}

export class ReferralsClient {
  private readonly baseUrl: URL;

  /** @param apiUrl origin of the Referrals API, e.g. `https://api.partner.microsoft.com` */
  constructor(
    private readonly http: PartnerCenterHttp,
    apiUrl: string,
  ) {
    this.baseUrl = new URL(apiUrl.replace(/\/+$/, "") + REFERRALS_PATH);
  }

  /** One page after another, following `@odata.nextLink` as the server wrote it (§3.1). */
  async *pages(options: ListReferralsOptions = {}): AsyncGenerator<ReferralPage> {
    const correlationId = options.correlationId ?? randomUUID();
    let url: string | undefined = this.listUrl(options);
    while (url) {
      const page = await this.fetchPage(url, { ...options, correlationId });
      yield page;
      url = this.nextPage(page);
    }
  }

  /** Every referral matching the options, across all pages. */
  async *iterate(options: ListReferralsOptions = {}): AsyncGenerator<Referral> {
    for await (const page of this.pages(options)) yield* page.value;
  }

  async list(options: ListReferralsOptions = {}): Promise<Referral[]> {
    const all: Referral[] = [];
    for await (const referral of this.iterate(options)) all.push(referral);
    return all;
  }

  async get(id: string, options: CallOptions = {}): Promise<Referral> {
    const { body } = await this.http.send({ ...options, operation: "getReferral", method: "GET", url: this.itemUrl(id), idempotent: true });
    return asReferral(body, "GET referral");
  }

  /** Creates a referral; the server answers 200 or 201 with the populated referral (§3.3). Never resent after a network error. */
  async create(referral: Referral, options: CallOptions = {}): Promise<Referral> {
    const { body } = await this.http.send({
      ...options,
      operation: "createReferral",
      method: "POST",
      url: this.baseUrl.href,
      body: referral,
      idempotent: false,
    });
    return asReferral(body, "POST referral");
  }

  /** JSON Patch (§3.4). With `returnRepresentation: false` the server answers 204 and this resolves to undefined. */
  patch(id: string, operations: JsonPatchOperation[], options: PatchOptions & { returnRepresentation: false }): Promise<undefined>;
  patch(id: string, operations: JsonPatchOperation[], options?: PatchOptions): Promise<Referral>;
  async patch(id: string, operations: JsonPatchOperation[], options: PatchOptions = {}): Promise<Referral | undefined> {
    checkPatch(operations);
    const representation = options.returnRepresentation ?? true;
    const headers: Record<string, string> = {};
    if (options.ifMatch) headers["if-match"] = options.ifMatch;
    if (representation) headers.prefer = "return=representation";
    const { body } = await this.http.send({
      ...options,
      operation: "patchReferral",
      method: "PATCH",
      url: this.itemUrl(id),
      body: operations,
      headers,
      // With If-Match a resend cannot apply twice (the first write changed the eTag); `replace` is
      // idempotent by itself; `add /team/-` without If-Match is not.
      idempotent: Boolean(options.ifMatch) || operations.every((o) => o.op === "replace"),
    });
    if (!representation) return undefined;
    // A server may still answer 204 when asked for the representation; read it back then.
    return body === undefined ? this.get(id, options) : asReferral(body, "PATCH referral");
  }

  /**
   * Read, build the change from what is there now, write with `If-Match`; when someone else wrote
   * in between (412) read again and rebuild (§7.6). `build` returns no operations when nothing is
   * left to change, e.g. because the other writer already made the same change.
   */
  async updateLatest(
    id: string,
    build: (current: Referral) => JsonPatchOperation[] | undefined | Promise<JsonPatchOperation[] | undefined>,
    options: CallOptions & { maxConflicts?: number } = {},
  ): Promise<{ referral: Referral; changed: boolean; conflicts: number }> {
    const maxConflicts = options.maxConflicts ?? 3;
    for (let conflicts = 0; ; conflicts++) {
      const current = await this.get(id, options);
      const operations = await build(current);
      if (!operations?.length) return { referral: current, changed: false, conflicts };
      if (!current.eTag) throw new PartnerCenterError(`Referral ${id} came back without an eTag, so it cannot be updated safely.`);
      try {
        const referral = await this.patch(id, operations, { ...options, ifMatch: current.eTag });
        return { referral, changed: true, conflicts };
      } catch (error) {
        if (!(error instanceof ConflictError && error.status === 412) || conflicts >= maxConflicts) throw error;
      }
    }
  }

  /** Legacy full replacement (§3.5): `If-Match` is required and `links` must not be sent. */
  async put(referral: Referral, options: PutOptions = {}): Promise<Referral> {
    if (!referral.id) throw new TypeError("PUT needs the referral's id.");
    const ifMatch = options.ifMatch ?? referral.eTag;
    if (!ifMatch) throw new TypeError("PUT needs the referral's eTag (If-Match is required for a full replacement).");
    const response = await this.http.send({
      ...options,
      operation: "putReferral",
      method: "PUT",
      url: this.itemUrl(referral.id),
      body: referralPutBody(referral),
      headers: { "if-match": ifMatch },
      idempotent: true,
    });
    return response.body === undefined ? this.get(referral.id, options) : asReferral(response.body, "PUT referral");
  }

  /**
   * Every referral of the same engagement, this one included (§3.6). Uses the server's
   * `links.relatedReferrals` when present and falls back to the `engagementId` filter it stands for.
   */
  async related(referral: Referral | string, options: CallOptions = {}): Promise<Referral[]> {
    const engagementId = typeof referral === "string" ? referral : referral.engagementId;
    const link = typeof referral === "string" ? undefined : referral.links?.relatedReferrals?.uri;
    if (link) {
      try {
        const all: Referral[] = [];
        let url: string | undefined = this.sameApi(link, "links.relatedReferrals");
        const correlationId = options.correlationId ?? randomUUID();
        while (url) {
          const page = await this.fetchPage(url, { ...options, correlationId });
          all.push(...page.value);
          url = this.nextPage(page);
        }
        return all;
      } catch (error) {
        // Some documented links carry a misspelt path (`engagments`); the filter is the same query.
        if (!(error instanceof NotFoundError) || !engagementId) throw error;
      }
    }
    if (!engagementId) throw new TypeError("A referral without engagementId has no related referrals to look up.");
    return this.list({ ...options, filter: odata.eq("engagementId", engagementId) });
  }

  private async fetchPage(url: string, options: CallOptions): Promise<ReferralPage> {
    const { body } = await this.http.send({ ...options, operation: "listReferrals", method: "GET", url, idempotent: true });
    if (typeof body !== "object" || body === null || !Array.isArray((body as { value?: unknown }).value)) {
      throw new PartnerCenterError("Partner Center answered the referral list without a `value` array.", { method: "GET", path: new URL(url).pathname });
    }
    return readWire(() => parseReferralPage(body), "the referral list");
  }

  private nextPage(page: ReferralPage): string | undefined {
    const link = page["@odata.nextLink"];
    return link ? this.sameApi(link, "@odata.nextLink") : undefined;
  }

  private listUrl(options: ListReferralsOptions): string {
    const query: string[] = [];
    if (options.filter) query.push(`$filter=${encodeURIComponent(options.filter.expression)}`);
    if (options.orderBy) query.push(`$orderby=${encodeURIComponent(`${options.orderBy.field} ${options.orderBy.direction ?? "asc"}`)}`);
    if (options.select?.length) query.push(`$select=${encodeURIComponent(options.select.join(","))}`);
    if (options.top !== undefined) {
      if (!Number.isInteger(options.top) || options.top < 1) throw new RangeError(`$top must be a positive integer, got ${options.top}.`);
      query.push(`$top=${options.top}`);
    }
    return this.baseUrl.href + (query.length ? `?${query.join("&")}` : "");
  }

  private itemUrl(id: string): string {
    if (!id) throw new TypeError("A referral id is required.");
    return `${this.baseUrl.href}/${encodeURIComponent(id)}`;
  }

  /**
   * A server-provided link is followed as written, but only to the API host we were configured
   * with, so the bearer token never goes elsewhere; `http` on that host is upgraded when we talk
   * https (the documented samples show `http://` next links).
   */
  private sameApi(link: string, what: string): string {
    let url: URL;
    try {
      url = new URL(link, this.baseUrl);
    } catch {
      throw new PartnerCenterError(`Partner Center returned an unreadable ${what}: ${link}`);
    }
    if (this.baseUrl.protocol === "https:" && url.protocol === "http:" && url.port === "") url.protocol = "https:";
    if (url.protocol !== this.baseUrl.protocol || url.host.toLowerCase() !== this.baseUrl.host.toLowerCase()) {
      throw new PartnerCenterError(`Partner Center returned a ${what} on another host (${url.protocol}//${url.host}); refusing to send the token there.`);
    }
    return url.href;
  }
}

function checkPatch(operations: JsonPatchOperation[]): void {
  if (!Array.isArray(operations) || operations.length === 0) throw new TypeError("A referral PATCH needs at least one operation.");
  for (const operation of operations) {
    if (operation.op !== "add" && operation.op !== "replace") {
      throw new TypeError(`The Referrals API accepts only "add" and "replace" operations, not "${String(operation.op)}".`);
    }
    if (typeof operation.path !== "string" || !operation.path.startsWith("/")) {
      throw new TypeError(`A JSON Patch path must start with "/", got ${JSON.stringify(operation.path)}.`);
    }
  }
}

function asReferral(body: unknown, what: string): Referral {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new PartnerCenterError(`Partner Center answered ${what} without a referral in the body.`);
  }
  return readWire(() => parseReferral(body), what);
}

/** A response that does not match the documented shape is the server's fault, not the caller's. */
function readWire<T>(read: () => T, what: string): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PayloadFormatError) throw new PartnerCenterError(`Partner Center answered ${what} with an unexpected shape: ${error.message}`, { cause: error });
    throw error;
  }
}
