/**
 * Verifies one Partner Center webhook delivery: headers, trusted certificate, signature over the
 * raw body bytes. Resolves when the delivery is authentic, rejects with a WebhookRejection otherwise.
 */
import { CertificateStore, type CertificateStoreOptions } from "./certificate-store";
import { WebhookRejection } from "./rejection";
import { checkCertificate, readSignatureHeaders, verifyBody, type CertificatePolicy, type HeaderBag } from "./signature";

export interface WebhookVerifierOptions extends CertificateStoreOptions, Partial<CertificatePolicy> {}

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
    trustedIssuers: options.trustedIssuers,
  };
  const now = options.now ?? Date.now;

  return {
    async verify(headers, rawBody) {
      const signed = readSignatureHeaders(headers);
      let certificate = await store.get(signed.certificateUrl);
      try {
        checkCertificate(certificate, policy, new Date(now()), signed.certificateUrl.host);
        verifyBody(certificate, signed, rawBody);
      } catch (error) {
        // The cached copy may predate a rotation; check once more against a fresh download.
        const fresh = error instanceof WebhookRejection ? await store.refresh(signed.certificateUrl) : undefined;
        if (!fresh) throw error;
        certificate = fresh;
        checkCertificate(certificate, policy, new Date(now()), signed.certificateUrl.host);
        verifyBody(certificate, signed, rawBody);
      }
      return { certificateSubject: certificate.subject.replaceAll("\n", ", "), certificateHost: signed.certificateUrl.host };
    },
  };
}
