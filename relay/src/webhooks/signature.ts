/**
 * The Partner Center webhook signature scheme, as pure functions (partner-center-api.md §4.4):
 * read the three headers, check the signing certificate itself, verify RSA-SHA256 (PKCS#1 v1.5)
 * over the raw body. Whether the certificate chains to a trusted root is `chain.ts`.
 */
import { constants, verify, type X509Certificate } from "node:crypto";
import { attributes } from "./names";
import { WebhookRejection } from "./rejection";

export type HeaderBag = Record<string, string | string[] | undefined>;

export interface SignatureHeaders {
  signature: Buffer;
  certificateUrl: URL;
  /** The hash named by `X-MS-Signature-Algorithm`, as `node:crypto` spells it. */
  hash: "sha256";
}

export interface CertificatePolicy {
  /** The issuer must have this organization (`O=`) attribute. */
  issuerOrganization: string;
  /** When set, the subject's common name must equal it, e.g. `pcnotifications-dispatch.microsoft.com`. */
  subjectCommonName?: string;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function header(headers: HeaderBag, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.trim() || undefined;
}

/**
 * Reads `Authorization: Signature <b64>` or, when the registration asked for it,
 * `x-ms-signature: Signature <b64>`; plus `x-ms-certificate-url` and `x-ms-signature-algorithm`.
 */
export function readSignatureHeaders(headers: HeaderBag): SignatureHeaders {
  const signature = signatureFrom(header(headers, "authorization")) ?? signatureFrom(header(headers, "x-ms-signature"));
  if (!signature) {
    throw new WebhookRejection("missing-signature", "The request carries no signature (Authorization: Signature … or x-ms-signature).");
  }
  if (!BASE64.test(signature) || signature.length % 4 !== 0) {
    throw new WebhookRejection("malformed-signature", "The signature is not base64.");
  }

  const algorithm = header(headers, "x-ms-signature-algorithm");
  if (!algorithm) throw new WebhookRejection("missing-algorithm", "The request carries no x-ms-signature-algorithm header.");
  // §4.4 step 6: "rsa-sha256" names the key type and the hash.
  const [keyType, hash, ...rest] = algorithm.toLowerCase().split("-");
  if (keyType !== "rsa" || hash !== "sha256" || rest.length) {
    throw new WebhookRejection("unsupported-algorithm", `The signature algorithm "${algorithm.slice(0, 40)}" is not supported; only rsa-sha256 is.`);
  }

  const rawUrl = header(headers, "x-ms-certificate-url");
  if (!rawUrl) throw new WebhookRejection("missing-certificate-url", "The request carries no x-ms-certificate-url header.");
  let certificateUrl: URL;
  try {
    certificateUrl = new URL(rawUrl);
  } catch {
    throw new WebhookRejection("untrusted-certificate-url", "The x-ms-certificate-url header is not a URL.");
  }
  return { signature: Buffer.from(signature, "base64"), certificateUrl, hash: "sha256" };
}

/** `Signature <b64>` → `<b64>`; any other scheme (e.g. a Bearer token) is not a signature. */
function signatureFrom(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const [scheme, token, ...rest] = value.split(/\s+/);
  if (scheme.toLowerCase() !== "signature" || !token || rest.length) return undefined;
  return token;
}

/** Issuer organization, optional subject pin and validity period. */
export function checkCertificate(certificate: X509Certificate, policy: CertificatePolicy, now: Date, certificateHost?: string): void {
  if (!attributes(certificate.issuer, "O").includes(policy.issuerOrganization)) {
    throw new WebhookRejection("untrusted-issuer", `The signing certificate was not issued by ${policy.issuerOrganization}.`, certificateHost);
  }
  if (policy.subjectCommonName && !attributes(certificate.subject, "CN").some((cn) => cn.toLowerCase() === policy.subjectCommonName!.toLowerCase())) {
    throw new WebhookRejection("subject-mismatch", `The signing certificate is not for ${policy.subjectCommonName}.`, certificateHost);
  }
  const validFrom = new Date(certificate.validFrom);
  const validTo = new Date(certificate.validTo);
  if (!(validFrom <= now && now <= validTo)) {
    throw new WebhookRejection(
      "certificate-not-valid-now",
      `The signing certificate is valid from ${validFrom.toISOString()} to ${validTo.toISOString()}, not now.`,
      certificateHost,
    );
  }
  if (certificate.publicKey.asymmetricKeyType !== "rsa") {
    throw new WebhookRejection("unsupported-algorithm", "The signing certificate does not hold an RSA key.", certificateHost);
  }
}

/** RSA PKCS#1 v1.5 over the exact body bytes (§4.4 steps 5–7). */
export function verifyBody(certificate: X509Certificate, headers: SignatureHeaders, rawBody: Uint8Array): void {
  const valid = verify(headers.hash, rawBody, { key: certificate.publicKey, padding: constants.RSA_PKCS1_PADDING }, headers.signature);
  if (!valid) {
    throw new WebhookRejection("bad-signature", "The signature does not match the body and the certificate.", headers.certificateUrl.host);
  }
}
