/** Reading the distinguished names of certificates as Node prints them ("C=US\nO=Microsoft Corporation\nCN=…"). */
import type { X509Certificate } from "node:crypto";

/** Values of one attribute, e.g. `attributes(certificate.issuer, "O")`. */
export function attributes(distinguishedName: string, name: string): string[] {
  return distinguishedName
    .split("\n")
    .map((line) => line.split(/=(.*)/s))
    .filter(([key]) => key.trim().toUpperCase() === name)
    .map(([, value]) => (value ?? "").trim());
}

/** How a message names a certificate: its subject's common name, or the whole subject without one. */
export function certificateName(certificate: X509Certificate): string {
  return attributes(certificate.subject, "CN")[0] ?? certificate.subject.replaceAll("\n", ", ");
}
