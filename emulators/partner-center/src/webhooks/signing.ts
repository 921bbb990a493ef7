/**
 * The keys and certificates Partner Center signs webhook deliveries with (partner-center-api.md
 * §4.4, §7.17), shaped like Microsoft's PKI so that a receiver can verify the chain (§4.4 step 3):
 * a root CA (`O=Microsoft Corporation`) issues an issuing CA, which issues the leaf
 * `CN=pcnotifications-dispatch.microsoft.com`. The leaf and the issuing CA name their issuer's
 * certificate in Authority Information Access ("CA Issuers") on routes of the emulator that serves
 * them, as Microsoft's certificates point at www.microsoft.com/pkiops, so a receiver given only the
 * leaf can build the chain. Each body is signed as raw bytes with RSA-SHA256, PKCS#1 v1.5.
 *
 * Node's crypto makes the keys and signs the certificates; node-forge only lays them out (its own
 * RSA takes about 100 ms a signature, and every emulator issues its own certificates).
 */
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import forge from "node-forge";

export const DISPATCH_SUBJECT = "pcnotifications-dispatch.microsoft.com";
/** Routes the certificates' AIA names: the issuing CA (DER) and the root (DER). */
export const ISSUING_CA_PATH = "/cert/issuing-ca.cer";
export const ROOT_CA_PATH = "/cert/root.cer";

export type IssuerKind = "microsoft" | "foreign";

export interface SigningOptions {
  /**
   * "microsoft" (default): every name says `O=Microsoft Corporation`, as the receiver expects.
   * "foreign": `O=Fabrikam Test Authority`, for exercising a receiver's issuer check.
   */
  issuer?: IssuerKind;
  /** Sign under this authority instead of the process-wide one for `issuer`, e.g. a throw-away root no receiver trusts. */
  authority?: SigningAuthority;
}

/** A root CA and the key of the issuing CA beneath it. */
export interface SigningAuthority {
  issuer: IssuerKind;
  rootCertificateDer: Buffer;
  rootCertificatePem: string;
  /**
   * The issuing CA and a leaf whose AIA URIs point at `baseUrl` (the emulator serving them). The
   * leaf key is the authority's own unless `newKey`, as for a rotation.
   */
  issue(baseUrl: string, options?: { newKey?: boolean }): SigningIdentity;
}

export interface SigningIdentity {
  issuer: IssuerKind;
  /** Leaf certificate, DER (what a `.cer` download holds) and PEM. */
  certificateDer: Buffer;
  certificatePem: string;
  /** The issuing CA that signed the leaf, served at ISSUING_CA_PATH. */
  issuingCertificateDer: Buffer;
  /** The root that signed the issuing CA, served at ROOT_CA_PATH. */
  rootCertificateDer: Buffer;
  rootCertificatePem: string;
  /** Issuer DN of the leaf, e.g. `CN=Microsoft Test Issuing CA (emulator), O=Microsoft Corporation, C=US`. */
  issuerName: string;
  /** `Signature <base64>`-ready value: base64 RSA-SHA256 PKCS#1 v1.5 over exactly these bytes. */
  sign(body: Buffer): string;
}

const DAY = 24 * 3600_000;
const AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
const CA_ISSUERS = "1.3.6.1.5.5.7.48.2";

interface Key {
  node: KeyObject;
  forge: forge.pki.PublicKey;
  /** SHA-1 of the public key, as forge derives a subject key identifier: the children's authority key identifier. */
  id: string;
}

interface Issuer {
  name: forge.pki.CertificateField[];
  key: Key;
}

export function createSigningAuthority(options: { issuer?: IssuerKind } = {}): SigningAuthority {
  const issuer = options.issuer ?? "microsoft";
  const organization = issuer === "microsoft" ? "Microsoft Corporation" : "Fabrikam Test Authority";
  const name = (commonName: string) => [
    { name: "countryName", value: "US" },
    { name: "organizationName", value: organization },
    { name: "commonName", value: commonName },
  ];
  const root: Issuer = { name: name(issuer === "microsoft" ? "Microsoft Test Root Certificate Authority (emulator)" : "Fabrikam Test Root CA"), key: rsaKey() };
  const issuing: Issuer = { name: name(issuer === "microsoft" ? "Microsoft Test Issuing CA (emulator)" : "Fabrikam Test Issuing CA"), key: rsaKey() };
  const leafKey = rsaKey();
  const rootCertificate = certificate(root, root, 10 * 365, [
    { name: "basicConstraints", cA: true, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);

  return {
    issuer,
    rootCertificateDer: der(rootCertificate),
    rootCertificatePem: forge.pki.certificateToPem(rootCertificate),
    issue(baseUrl, { newKey = false } = {}) {
      const issuingCertificate = certificate(issuing, root, 5 * 365, [
        { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
        { name: "subjectKeyIdentifier" },
        { name: "authorityKeyIdentifier", keyIdentifier: root.key.id },
        caIssuers(`${baseUrl}${ROOT_CA_PATH}`),
      ]);
      const leaf: Issuer = { name: name(DISPATCH_SUBJECT), key: newKey ? rsaKey() : leafKey };
      const leafCertificate = certificate(leaf, issuing, 365, [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, critical: true },
        { name: "extKeyUsage", clientAuth: true },
        { name: "subjectAltName", altNames: [{ type: 2, value: DISPATCH_SUBJECT }] },
        { name: "authorityKeyIdentifier", keyIdentifier: issuing.key.id },
        caIssuers(`${baseUrl}${ISSUING_CA_PATH}`),
      ]);
      return {
        issuer,
        certificateDer: der(leafCertificate),
        certificatePem: forge.pki.certificateToPem(leafCertificate),
        issuingCertificateDer: der(issuingCertificate),
        rootCertificateDer: der(rootCertificate),
        rootCertificatePem: forge.pki.certificateToPem(rootCertificate),
        issuerName: [...issuing.name].reverse().map((a) => `${shortName(String(a.name))}=${String(a.value)}`).join(", "),
        sign: (body) => sign("sha256", body, leaf.key.node).toString("base64"),
      };
    },
  };
}

const shared = new Map<IssuerKind, SigningAuthority>();

/**
 * One authority per issuer kind per process: RSA key generation is the slowest part of starting an
 * emulator, test runs start many, and a receiver trusting the Microsoft root keeps trusting it
 * across emulators and rotations.
 */
export function sharedSigningAuthority(issuer: IssuerKind = "microsoft"): SigningAuthority {
  let authority = shared.get(issuer);
  if (!authority) shared.set(issuer, (authority = createSigningAuthority({ issuer })));
  return authority;
}

function certificate(subject: Issuer, issuer: Issuer, validDays: number, extensions: object[]): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = subject.key.forge;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - DAY);
  cert.validity.notAfter = new Date(Date.now() + validDays * DAY);
  cert.setSubject(subject.name);
  cert.setIssuer(issuer.name);
  cert.setExtensions(extensions);
  // forge calls `sign(md)` on the "key" once it has laid out the TBSCertificate; Node signs that.
  const signer = { sign: () => sign("sha256", derOf(cert.tbsCertificate), issuer.key.node).toString("binary") };
  cert.sign(signer as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return cert;
}

/** Authority Information Access with one "CA Issuers" URI (forge has no builder for it). */
function caIssuers(uri: string): object {
  const { asn1 } = forge;
  const accessDescription = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(CA_ISSUERS).getBytes()),
    // GeneralName uniformResourceIdentifier: [6] IA5String
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, uri),
  ]);
  return { id: AUTHORITY_INFO_ACCESS, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [accessDescription]) };
}

function rsaKey(): Key {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const forgePublic = forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString());
  return { node: privateKey, forge: forgePublic, id: forge.pki.getPublicKeyFingerprint(forgePublic, { type: "RSAPublicKey" }).getBytes() };
}

function der(cert: forge.pki.Certificate): Buffer {
  return derOf(forge.pki.certificateToAsn1(cert));
}

function derOf(value: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(value).getBytes(), "binary");
}

/** A positive serial: a leading zero nibble keeps the DER integer from reading as negative. */
function serial(): string {
  return `0${randomBytes(15).toString("hex")}`;
}

function shortName(name: string): string {
  return ({ countryName: "C", organizationName: "O", commonName: "CN" } as Record<string, string>)[name] ?? name;
}
