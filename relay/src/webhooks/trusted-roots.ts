/**
 * The roots a Partner Center signing certificate must chain to (partner-center-api.md §4.4 step 3,
 * "the Microsoft Root"). By default only Microsoft's own roots from the CA bundle built into Node
 * (Node 20: "Microsoft RSA Root Certificate Authority 2017" and "Microsoft ECC Root Certificate
 * Authority 2017"), not the whole bundle: the reference names Microsoft's root, and every other
 * public CA would only widen who can issue a certificate the relay accepts.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { attributes, certificateName } from "./names";

export const MICROSOFT_ROOT_ORGANIZATION = "Microsoft Corporation";

let bundled: X509Certificate[] | undefined;

/** Microsoft's roots in Node's CA bundle (read once); empty when the bundle has none. */
export function microsoftRootCertificates(): X509Certificate[] {
  bundled ??= rootCertificates.map((pem) => new X509Certificate(pem)).filter((root) => attributes(root.subject, "O").includes(MICROSOFT_ROOT_ORGANIZATION));
  return bundled;
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/**
 * Every certificate in these PEM files (a file may hold several). Throws an Error whose message says
 * which file is unusable and why, for the configuration to report.
 */
export function readTrustedRoots(files: readonly string[]): X509Certificate[] {
  return files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new Error(`cannot read ${file} (${code === "ENOENT" ? "no such file" : (code ?? "unreadable")})`);
    }
    const blocks = text.match(PEM_CERTIFICATE);
    if (!blocks) throw new Error(`${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
    return blocks.map((pem, index) => {
      let root: X509Certificate;
      try {
        root = new X509Certificate(pem);
      } catch {
        throw new Error(`certificate ${index + 1} in ${file} is not a valid X.509 certificate`);
      }
      if (!root.ca) throw new Error(`"${certificateName(root)}" in ${file} is not a CA certificate, so it cannot be a root`);
      return root;
    });
  });
}
