/**
 * The key Partner Center signs webhook deliveries with (partner-center-api.md §4.4, §7.17): a test
 * CA whose subject names `O=Microsoft Corporation` issues a leaf for
 * `CN=pcnotifications-dispatch.microsoft.com`. Each body is signed as raw bytes with RSA-SHA256,
 * PKCS#1 v1.5. Keys come from Node's crypto (fast); node-forge builds the X.509 certificates.
 */
import { createPrivateKey, createSign, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import forge from "node-forge";

export const DISPATCH_SUBJECT = "pcnotifications-dispatch.microsoft.com";

export interface SigningOptions {
  /**
   * "microsoft" (default): the CA's subject is `O=Microsoft Corporation`, as the receiver expects.
   * "foreign": `O=Fabrikam Test Authority`, for exercising a receiver's issuer check.
   */
  issuer?: "microsoft" | "foreign";
}

export interface SigningIdentity {
  issuer: "microsoft" | "foreign";
  /** Leaf certificate, DER (what a `.cer` download holds) and PEM. */
  certificateDer: Buffer;
  certificatePem: string;
  /** The test root that issued the leaf, for receivers that verify the chain. */
  caCertificateDer: Buffer;
  caCertificatePem: string;
  /** Issuer DN of the leaf, e.g. `CN=Microsoft Test Root..., O=Microsoft Corporation, C=US`. */
  issuerName: string;
  /** `Signature <base64>`-ready value: base64 RSA-SHA256 PKCS#1 v1.5 over exactly these bytes. */
  sign(body: Buffer): string;
}

export function createSigningIdentity(options: SigningOptions = {}): SigningIdentity {
  const issuer = options.issuer ?? "microsoft";
  const caKeys = rsaKeyPair();
  const leafKeys = rsaKeyPair();
  const caSubject = issuer === "microsoft"
    ? [{ name: "countryName", value: "US" }, { name: "organizationName", value: "Microsoft Corporation" }, { name: "commonName", value: "Microsoft Test Root Certificate Authority (emulator)" }]
    : [{ name: "countryName", value: "US" }, { name: "organizationName", value: "Fabrikam Test Authority" }, { name: "commonName", value: "Fabrikam Test Root CA" }];

  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.forgePublic;
  ca.serialNumber = serial();
  ca.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  ca.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  ca.setSubject(caSubject);
  ca.setIssuer(caSubject);
  ca.setExtensions([
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  ca.sign(caKeys.forgePrivate, forge.md.sha256.create());

  const leaf = forge.pki.createCertificate();
  leaf.publicKey = leafKeys.forgePublic;
  leaf.serialNumber = serial();
  leaf.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  leaf.validity.notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  leaf.setSubject([
    { name: "countryName", value: "US" },
    { name: "organizationName", value: issuer === "microsoft" ? "Microsoft Corporation" : "Fabrikam Test Authority" },
    { name: "commonName", value: DISPATCH_SUBJECT },
  ]);
  leaf.setIssuer(caSubject);
  leaf.setExtensions([
    { name: "basicConstraints", cA: false },
    { name: "keyUsage", digitalSignature: true, critical: true },
    { name: "extKeyUsage", clientAuth: true },
    { name: "subjectAltName", altNames: [{ type: 2, value: DISPATCH_SUBJECT }] },
    { name: "authorityKeyIdentifier", keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  leaf.sign(caKeys.forgePrivate, forge.md.sha256.create());

  const der = (cert: forge.pki.Certificate) => Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
  return {
    issuer,
    certificateDer: der(leaf),
    certificatePem: forge.pki.certificateToPem(leaf),
    caCertificateDer: der(ca),
    caCertificatePem: forge.pki.certificateToPem(ca),
    issuerName: [...caSubject].reverse().map((a) => `${shortName(a.name)}=${a.value}`).join(", "),
    sign: (body) => createSign("RSA-SHA256").update(body).sign(leafKeys.node).toString("base64"),
  };
}

function rsaKeyPair(): { node: KeyObject; forgePublic: forge.pki.rsa.PublicKey; forgePrivate: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { node: createPrivateKey(pem), forgePublic: forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e), forgePrivate };
}

/** A positive serial: a leading zero nibble keeps the DER integer from reading as negative. */
function serial(): string {
  return `0${randomBytes(15).toString("hex")}`;
}

function shortName(name: string): string {
  return ({ countryName: "C", organizationName: "O", commonName: "CN" } as Record<string, string>)[name] ?? name;
}

const cached = new Map<string, SigningIdentity>();

/**
 * One signing identity per issuer kind per process: RSA key generation is the slowest part of
 * starting an emulator, and test runs start many.
 */
export function sharedSigningIdentity(options: SigningOptions = {}): SigningIdentity {
  const issuer = options.issuer ?? "microsoft";
  let identity = cached.get(issuer);
  if (!identity) cached.set(issuer, (identity = createSigningIdentity({ issuer })));
  return identity;
}
