/**
 * Downloads the certificates the webhook verifier needs, only from allow-listed hosts, and keeps
 * them for a bounded time: the signing certificate named by `X-MS-Certificate-Url`, and the issuing
 * CA certificates its chain names (Authority Information Access, "CA Issuers"). Both URLs come from
 * input not yet trusted, so the allow-lists stop the relay from being used to fetch arbitrary URLs;
 * for the signing certificate the host is also the first reason to trust it at all.
 */
import { X509Certificate } from "node:crypto";
import { WebhookRejection } from "./rejection";

/** The only certificate host Microsoft documents (partner-center-api.md §4.4). */
export const MICROSOFT_CERTIFICATE_HOST = "3psostorageacct.blob.core.windows.net";

/**
 * Where Microsoft's PKI publishes issuing CA certificates (`http://www.microsoft.com/pkiops/certs/…`),
 * plus the dispatch certificate's own host in case the issuer is kept beside it.
 */
export const MICROSOFT_ISSUER_CERTIFICATE_HOSTS: readonly string[] = ["www.microsoft.com", MICROSOFT_CERTIFICATE_HOST];

export interface CertificateStoreOptions {
  /**
   * Hosts (`name` or `name:port`) certificates may come from. Default: Microsoft's documented host
   * for the signing certificate, MICROSOFT_ISSUER_CERTIFICATE_HOSTS for issuing ones.
   */
  trustedHosts?: string[];
  /**
   * Loopback hosts (a local emulator): plain http for a listed one, and for issuing certificates any
   * loopback host. Default false: https only, and never loopback for issuing certificates.
   */
  allowHttpForLoopback?: boolean;
  /** How long a fetched certificate is reused. Default one hour; never past the certificate's expiry. */
  ttlMs?: number;
  /** Distinct certificate URLs kept at once. Default 16. */
  maxEntries?: number;
  fetchTimeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * "signing": the certificate named by the request, over https (http only for a listed loopback
 * host). "issuing": a CA certificate named by AIA, over http or https as CAs publish them — the
 * signature on the child, not the transport, is what makes it trustworthy.
 */
export type CertificateRole = "signing" | "issuing";

const MAX_CERTIFICATE_BYTES = 64 * 1024;

interface Entry {
  certificate: X509Certificate;
  fetchedAt: number;
  expiresAt: number;
}

export class CertificateStore {
  private readonly trustedHosts: Set<string>;
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<X509Certificate>>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly fetch: typeof fetch;
  private readonly now: () => number;

  constructor(
    private readonly options: CertificateStoreOptions = {},
    private readonly role: CertificateRole = "signing",
  ) {
    this.trustedHosts = new Set((options.trustedHosts ?? (role === "signing" ? [MICROSOFT_CERTIFICATE_HOST] : MICROSOFT_ISSUER_CERTIFICATE_HOSTS)).map((h) => h.toLowerCase()));
    this.ttlMs = options.ttlMs ?? 60 * 60 * 1000;
    this.maxEntries = options.maxEntries ?? 16;
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** Throws `untrusted-certificate-url` (signing) or `untrusted-certificate-chain` (issuing) unless the URL may be fetched. */
  checkUrl(url: URL): void {
    if (this.role === "issuing") return this.checkIssuingUrl(url);
    if (!this.listed(url)) {
      throw new WebhookRejection("untrusted-certificate-url", `The certificate URL host ${url.host} is not a trusted Partner Center certificate host.`, url.host);
    }
    const loopbackHttp = url.protocol === "http:" && this.options.allowHttpForLoopback === true && isLoopback(url.hostname);
    if (url.protocol !== "https:" && !loopbackHttp) {
      throw new WebhookRejection("untrusted-certificate-url", `The certificate URL must use https, not ${url.protocol.replace(":", "")}.`, url.host);
    }
    if (url.username || url.password) {
      throw new WebhookRejection("untrusted-certificate-url", "The certificate URL must not carry credentials.", url.host);
    }
  }

  private checkIssuingUrl(url: URL): void {
    const refuse = (why: string) => new WebhookRejection("untrusted-certificate-chain", `The issuing certificate at ${url.host} is not downloaded: ${why}.`, url.host);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`${url.protocol.replace(":", "")} is not http or https`);
    if (url.username || url.password) throw refuse("its URL carries credentials");
    const loopback = isLoopback(url.hostname);
    if (loopback ? this.options.allowHttpForLoopback !== true : !this.listed(url)) {
      throw refuse("the host is not an allowed issuer certificate host");
    }
  }

  private listed(url: URL): boolean {
    return this.trustedHosts.has(url.host.toLowerCase()) || this.trustedHosts.has(url.hostname.toLowerCase());
  }

  async get(url: URL): Promise<X509Certificate> {
    this.checkUrl(url);
    const cached = this.entries.get(url.href);
    if (cached && cached.expiresAt > this.now()) return cached.certificate;
    return this.load(url);
  }

  /**
   * Downloads the certificate again when the cached one was fetched long enough ago; returns
   * undefined otherwise. Partner Center may rotate the certificate behind the same URL (§4.4), and a
   * stale copy must not reject every delivery until it expires; the minimum age keeps forged
   * requests from turning the relay into a download loop.
   */
  async refresh(url: URL, minimumAgeMs = 60_000): Promise<X509Certificate | undefined> {
    this.checkUrl(url);
    const cached = this.entries.get(url.href);
    if (cached && this.now() - cached.fetchedAt < minimumAgeMs) return undefined;
    return this.load(url);
  }

  private async load(url: URL): Promise<X509Certificate> {
    const key = url.href;
    this.entries.delete(key);

    let pending = this.inflight.get(key);
    if (!pending) {
      pending = this.download(url).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const certificate = await pending;
    this.remember(key, certificate);
    return certificate;
  }

  private remember(key: string, certificate: X509Certificate): void {
    const expiresAt = Math.min(this.now() + this.ttlMs, new Date(certificate.validTo).getTime());
    this.entries.delete(key);
    this.entries.set(key, { certificate, fetchedAt: this.now(), expiresAt });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  private async download(url: URL): Promise<X509Certificate> {
    const unavailable = (why: string) =>
      new WebhookRejection("certificate-unavailable", `The ${this.role} certificate could not be read from ${url.host}: ${why}.`, url.host);
    let response: Response;
    try {
      // No redirects: a redirect could lead off the allow-list.
      response = await this.fetch(url, { redirect: "error", signal: AbortSignal.timeout(this.options.fetchTimeoutMs ?? 10_000) });
    } catch (error) {
      throw unavailable(error instanceof Error && error.name === "TimeoutError" ? "timed out" : "the request failed");
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw unavailable(`status ${response.status}`);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length === 0 || bytes.length > MAX_CERTIFICATE_BYTES) throw unavailable(`unexpected size ${bytes.length} bytes`);
    try {
      return parseCertificate(bytes);
    } catch {
      throw unavailable("not an X.509 certificate");
    }
  }
}

/** DER or PEM, as a `.cer` may be either; a bare base64 body is treated as PEM without armour. */
function parseCertificate(bytes: Buffer): X509Certificate {
  try {
    return new X509Certificate(bytes);
  } catch (error) {
    const text = bytes.toString("ascii").replace(/\s+/g, "");
    if (!/^[A-Za-z0-9+/]+=*$/.test(text)) throw error;
    const body = text.match(/.{1,64}/g)!.join("\n");
    return new X509Certificate(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`);
  }
}

function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Whether an allow-list entry (`name` or `name:port`) is a loopback host, i.e. a local emulator. */
export function isLoopbackHost(host: string): boolean {
  try {
    return isLoopback(new URL(`http://${host}`).hostname);
  } catch {
    return false;
  }
}
