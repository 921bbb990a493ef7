/**
 * Verifies one Partner Center webhook delivery: headers, the signing certificate, the signature over
 * the raw body bytes, and the certificate's chain to a trusted root. Resolves when the delivery is
 * authentic, rejects with a WebhookRejection otherwise.
 */
import type { X509Certificate } from "node:crypto";
import { CertificateStore, type CertificateStoreOptions } from "./certificate-store";
import { verifyChain, type ChainPolicy } from "./chain";
import { WebhookRejection } from "./rejection";
import { checkCertificate, readSignatureHeaders, verifyBody, type CertificatePolicy, type HeaderBag, type SignatureHeaders } from "./signature";
import { microsoftRootCertificates } from "./trusted-roots";

export interface WebhookVerifierOptions extends CertificateStoreOptions, Partial<CertificatePolicy> {
  /** Roots the signing certificate must chain to (§4.4 step 3). Default: Microsoft's roots in Node's CA bundle. */
  trustedRoots?: X509Certificate[];
  /** Hosts issuing CA certificates (AIA "CA Issuers") may be downloaded from. Default: Microsoft's PKI hosts. */
  issuerHosts?: string[];
  /** Most issuing certificates between the signing certificate and a root. Default 4. */
  maxIntermediates?: number;
}

export interface VerifiedDelivery {
  /** Subject of the certificate that signed it, for the log. */
  certificateSubject: string;
  certificateHost: string;
}

export interface WebhookVerifier {
  verify(headers: HeaderBag, rawBody: Uint8Array): Promise<VerifiedDelivery>;
}

export function createWebhookVerifier(options: WebhookVerifierOptions = {}): WebhookVerifier {
  const store = new CertificateStore(options);
  const policy: CertificatePolicy = {
    issuerOrganization: options.issuerOrganization ?? "Microsoft Corporation",
    subjectCommonName: options.subjectCommonName,
  };
  const trustedRoots = options.trustedRoots ?? microsoftRootCertificates();
  if (trustedRoots.length === 0) throw new Error("The webhook verifier has no trusted root certificate to chain signing certificates to.");
  const chain: ChainPolicy = {
    trustedRoots,
    issuers: new CertificateStore({ ...options, trustedHosts: options.issuerHosts }, "issuing"),
    maxIntermediates: options.maxIntermediates ?? 4,
  };
  const now = options.now ?? Date.now;

  // Cheapest and local first: a forged signature is refused before any issuing certificate is fetched.
  async function check(certificate: X509Certificate, signed: SignatureHeaders, rawBody: Uint8Array): Promise<void> {
    checkCertificate(certificate, policy, new Date(now()), signed.certificateUrl.host);
    verifyBody(certificate, signed, rawBody);
    await verifyChain(certificate, chain, new Date(now()), signed.certificateUrl.host);
  }

  return {
    async verify(headers, rawBody) {
      const signed = readSignatureHeaders(headers);
      let certificate = await store.get(signed.certificateUrl);
      try {
        await check(certificate, signed, rawBody);
      } catch (error) {
        // The cached copy may predate a rotation; check once more against a fresh download.
        const fresh = error instanceof WebhookRejection ? await store.refresh(signed.certificateUrl) : undefined;
        if (!fresh) throw error;
        certificate = fresh;
        await check(certificate, signed, rawBody);
      }
      return { certificateSubject: certificate.subject.replaceAll("\n", ", "), certificateHost: signed.certificateUrl.host };
    },
  };
}
