/**
 * §4.4 step 3, "verify the chain: it must chain to the Microsoft Root". The download at
 * `X-MS-Certificate-Url` holds only the signing certificate, so each missing issuer is fetched from
 * the URI its child names (Authority Information Access, "CA Issuers"), as Windows' X509Chain.Build
 * does for the reference's sample verifier. Every link is checked: the issuer's name and key
 * identifier match (checkIssued), its key verifies the child's signature, it is a CA, and it is
 * within its validity period; the path ends at a configured trusted root within a bounded depth.
 */
import type { X509Certificate } from "node:crypto";
import type { CertificateStore } from "./certificate-store";
import { certificateName } from "./names";
import { WebhookRejection } from "./rejection";

export interface ChainPolicy {
  trustedRoots: readonly X509Certificate[];
  /** Where issuing certificates named by AIA are downloaded from (allow-listed, cached). */
  issuers: CertificateStore;
  /** Most issuing certificates downloaded between the signing certificate and a root. */
  maxIntermediates: number;
}

/** Resolves when `leaf` chains to a trusted root at `now`; rejects with `untrusted-certificate-chain` otherwise. */
export async function verifyChain(leaf: X509Certificate, policy: ChainPolicy, now: Date, certificateHost: string): Promise<void> {
  const untrusted = (message: string) => new WebhookRejection("untrusted-certificate-chain", message, certificateHost);
  let current = leaf;
  for (let downloaded = 0; ; downloaded++) {
    const root = policy.trustedRoots.find((candidate) => candidate.fingerprint256 === current.fingerprint256 || issued(current, candidate));
    if (root) {
      const expired = outsideValidity(root, now);
      if (expired) throw untrusted(`The trusted root "${certificateName(root)}" ${expired}.`);
      return;
    }
    if (selfSigned(current)) {
      throw untrusted(`The chain ends at the self-signed "${certificateName(current)}", which is not a trusted root.`);
    }
    if (downloaded === policy.maxIntermediates) {
      throw untrusted(`The chain does not reach a trusted root within ${policy.maxIntermediates} issuing certificates.`);
    }
    const url = caIssuersUrl(current);
    if (!url) {
      throw untrusted(`"${certificateName(current)}" is not issued by a trusted root and names no issuing certificate to download (Authority Information Access).`);
    }
    let issuer = await policy.issuers.get(url);
    // The cached copy may predate a CA certificate re-issued behind the same URL.
    if (!issued(current, issuer)) issuer = (await policy.issuers.refresh(url)) ?? issuer;
    if (!issued(current, issuer)) {
      throw untrusted(`The certificate at ${url.host}${url.pathname} did not issue "${certificateName(current)}".`);
    }
    if (!issuer.ca) throw untrusted(`"${certificateName(issuer)}", which issued "${certificateName(current)}", is not a CA certificate.`);
    const expired = outsideValidity(issuer, now);
    if (expired) throw untrusted(`The issuing certificate "${certificateName(issuer)}" ${expired}.`);
    current = issuer;
  }
}

/** Names and key identifiers match, and the issuer's key verifies the child's signature. */
function issued(child: X509Certificate, issuer: X509Certificate): boolean {
  return child.checkIssued(issuer) && child.verify(issuer.publicKey);
}

/** Names itself as issuer and verifies with its own key (a leaf need not be allowed to sign certificates, so not checkIssued). */
function selfSigned(certificate: X509Certificate): boolean {
  return certificate.subject === certificate.issuer && certificate.verify(certificate.publicKey);
}

function outsideValidity(certificate: X509Certificate, now: Date): string | undefined {
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (now < validFrom) return `is not valid before ${validFrom.toISOString()}`;
  if (now > validTo) return `expired on ${validTo.toISOString()}`;
  return undefined;
}

/**
 * The first http(s) "CA Issuers" URI, from Node's `infoAccess` text
 * ("CA Issuers - URI:http://…\nOCSP - URI:…"; a value with special characters comes JSON-quoted).
 */
function caIssuersUrl(certificate: X509Certificate): URL | undefined {
  for (const line of (certificate.infoAccess ?? "").split("\n")) {
    const match = /^CA Issuers - URI:(.+)$/.exec(line.trim());
    if (!match) continue;
    try {
      const url = new URL(match[1].startsWith('"') ? (JSON.parse(match[1]) as string) : match[1]);
      if (url.protocol === "http:" || url.protocol === "https:") return url;
    } catch {
      // not a usable URL; an LDAP or malformed entry is skipped like any other
    }
  }
  return undefined;
}
