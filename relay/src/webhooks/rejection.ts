/**
 * Why a webhook delivery was refused. The HTTP layer answers 401 with `toProblem()`; nothing here
 * carries the signature, a token or the body.
 */

export type WebhookRejectionReason =
  | "missing-signature"
  | "malformed-signature"
  | "missing-algorithm"
  | "unsupported-algorithm"
  | "missing-certificate-url"
  | "untrusted-certificate-url"
  | "certificate-unavailable"
  | "untrusted-issuer"
  | "subject-mismatch"
  | "certificate-not-valid-now"
  | "untrusted-certificate-chain"
  | "bad-signature";

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  reason: WebhookRejectionReason;
}

export class WebhookRejection extends Error {
  readonly status = 401;

  constructor(
    readonly reason: WebhookRejectionReason,
    message: string,
    /**
     * Host of the certificate URL the problem is about, safe to log: `X-MS-Certificate-Url`'s, or an
     * issuing certificate's when that one could not be used.
     */
    readonly certificateHost?: string,
  ) {
    super(message);
    this.name = "WebhookRejection";
  }

  /** RFC 9457 problem details for the 401 response. */
  toProblem(): ProblemDetails {
    return { type: "about:blank", title: "Unauthorized", status: this.status, detail: this.message, reason: this.reason };
  }
}
