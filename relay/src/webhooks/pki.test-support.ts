/**
 * A small PKI for tests of the webhook verifier: roots, issuing CAs and leaves, optionally naming
 * their issuer's certificate in Authority Information Access ("CA Issuers") the way Microsoft's do.
 * node-forge lays out the certificates; Node's crypto signs them, since forge's own RSA takes about
 * 100 ms a signature and a test builds dozens.
 */
import { createSign, generateKeyPairSync, sign, X509Certificate, type KeyObject } from "node:crypto";
import forge from "node-forge";

const DAY = 24 * 3600_000;
const AUTHORITY_INFO_ACCESS = "1.3.6.1.5.5.7.1.1";
const CA_ISSUERS = "1.3.6.1.5.5.7.48.2";

export interface TestKey {
  privateKey: KeyObject;
  privateKeyPem: string;
  forgePublic: forge.pki.PublicKey;
}

export interface TestCertificate {
  der: Buffer;
  pem: string;
  x509: X509Certificate;
  key: TestKey;
  name: forge.pki.CertificateField[];
}

export interface CertificateOptions {
  commonName: string;
  /** `O=` of the subject; default Microsoft Corporation. */
  organization?: string;
  /** A CA certificate (basicConstraints cA, keyCertSign). Default false. */
  ca?: boolean;
  /** Include the keyUsage extension. Default true; without it, nothing but basicConstraints says whether the key may issue. */
  keyUsage?: boolean;
  /** URI put in Authority Information Access as "CA Issuers". */
  caIssuers?: string;
  /** Default: from yesterday. */
  notBefore?: Date;
  /** Default: a year from now. */
  notAfter?: Date;
}

export function testKey(): TestKey {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    privateKey,
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    forgePublic: forge.pki.publicKeyFromPem(publicKey.export({ type: "spki", format: "pem" }).toString()),
  };
}

/** A self-signed certificate: a root when `ca`, otherwise a leaf that vouches for itself. */
export function selfSigned(options: CertificateOptions): TestCertificate {
  const key = testKey();
  const name = nameOf(options);
  return build(options, key, name, { name, key });
}

export function issue(issuer: Pick<TestCertificate, "name" | "key">, options: CertificateOptions): TestCertificate {
  return build(options, testKey(), nameOf(options), issuer);
}

/** Base64 RSA-SHA256 (PKCS#1 v1.5) over the body, as Partner Center signs a delivery. */
export function signBody(body: Buffer, certificate: Pick<TestCertificate, "key">): string {
  return createSign("sha256").update(body).sign(certificate.key.privateKeyPem, "base64");
}

function nameOf(options: CertificateOptions): forge.pki.CertificateField[] {
  return [
    { name: "organizationName", value: options.organization ?? "Microsoft Corporation" },
    { name: "commonName", value: options.commonName },
  ];
}

let serial = 0;

function build(options: CertificateOptions, key: TestKey, name: forge.pki.CertificateField[], issuer: Pick<TestCertificate, "name" | "key">): TestCertificate {
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = key.forgePublic;
  certificate.serialNumber = (++serial).toString(16).padStart(2, "0");
  certificate.validity.notBefore = options.notBefore ?? new Date(Date.now() - DAY);
  certificate.validity.notAfter = options.notAfter ?? new Date(Date.now() + 365 * DAY);
  certificate.setSubject(name);
  certificate.setIssuer(issuer.name);
  certificate.setExtensions([
    options.ca ? { name: "basicConstraints", cA: true, critical: true } : { name: "basicConstraints", cA: false },
    ...(options.keyUsage === false ? [] : [options.ca ? { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true } : { name: "keyUsage", digitalSignature: true, critical: true }]),
    ...(options.caIssuers ? [caIssuersExtension(options.caIssuers)] : []),
  ]);
  // forge calls `sign(md)` on the "key" once it has laid out the TBSCertificate; Node signs that.
  const signer = { sign: () => sign("sha256", derOf(certificate.tbsCertificate), issuer.key.privateKey).toString("binary") };
  certificate.sign(signer as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const der = derOf(forge.pki.certificateToAsn1(certificate));
  return { der, pem: forge.pki.certificateToPem(certificate), x509: new X509Certificate(der), key, name };
}

function caIssuersExtension(uri: string) {
  const { asn1 } = forge;
  const accessDescription = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(CA_ISSUERS).getBytes()),
    // GeneralName uniformResourceIdentifier [6] IA5String
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, uri),
  ]);
  return { id: AUTHORITY_INFO_ACCESS, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [accessDescription]) };
}

function derOf(value: forge.asn1.Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(value).getBytes(), "binary");
}
