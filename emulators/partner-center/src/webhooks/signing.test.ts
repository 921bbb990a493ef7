import { createVerify, X509Certificate } from "node:crypto";
import { createSigningAuthority, DISPATCH_SUBJECT, ISSUING_CA_PATH, ROOT_CA_PATH, sharedSigningAuthority } from "./signing";

const BASE = "http://127.0.0.1:4010";

describe("signing authorities", () => {
  const microsoft = createSigningAuthority();
  const identity = microsoft.issue(BASE);

  it("chains the dispatch leaf through an issuing CA to a root, every name saying O=Microsoft Corporation", () => {
    const leaf = new X509Certificate(identity.certificateDer);
    const issuing = new X509Certificate(identity.issuingCertificateDer);
    const root = new X509Certificate(microsoft.rootCertificatePem);
    expect(leaf.subject).toContain(`CN=${DISPATCH_SUBJECT}`);
    expect(leaf.issuer).toContain("O=Microsoft Corporation");
    expect(leaf.checkIssued(issuing) && leaf.verify(issuing.publicKey)).toBe(true);
    expect(issuing.checkIssued(root) && issuing.verify(root.publicKey)).toBe(true);
    expect(root.checkIssued(root) && root.verify(root.publicKey)).toBe(true);
    expect([leaf.ca, issuing.ca, root.ca]).toEqual([false, true, true]);
    expect(identity.issuerName).toBe("CN=Microsoft Test Issuing CA (emulator), O=Microsoft Corporation, C=US");
  });

  it("names each issuer's certificate in Authority Information Access, on the emulator that serves it", () => {
    expect(new X509Certificate(identity.certificateDer).infoAccess).toContain(`CA Issuers - URI:${BASE}${ISSUING_CA_PATH}`);
    expect(new X509Certificate(identity.issuingCertificateDer).infoAccess).toContain(`CA Issuers - URI:${BASE}${ROOT_CA_PATH}`);
    expect(new X509Certificate(identity.rootCertificateDer).infoAccess).toBeUndefined();
  });

  it("signs bytes with RSA-SHA256 that the leaf's public key verifies", () => {
    const body = Buffer.from('{"EventName":"referral-created"}');
    const signature = Buffer.from(identity.sign(body), "base64");
    const key = new X509Certificate(identity.certificatePem).publicKey;
    expect(createVerify("RSA-SHA256").update(body).verify(key, signature)).toBe(true);
    expect(createVerify("RSA-SHA256").update(Buffer.from("{}")).verify(key, signature)).toBe(false);
  });

  it("keeps the root and the leaf key across emulators, and makes a new leaf key for a rotation", () => {
    const elsewhere = microsoft.issue("http://127.0.0.1:4020");
    const rotated = microsoft.issue(BASE, { newKey: true });
    const publicKey = (der: Buffer) => new X509Certificate(der).publicKey.export({ type: "spki", format: "der" }).toString("base64");
    expect(elsewhere.rootCertificatePem).toBe(identity.rootCertificatePem);
    expect(publicKey(elsewhere.certificateDer)).toBe(publicKey(identity.certificateDer));
    expect(publicKey(rotated.certificateDer)).not.toBe(publicKey(identity.certificateDer));
    expect(new X509Certificate(rotated.certificateDer).verify(new X509Certificate(identity.issuingCertificateDer).publicKey)).toBe(true);
    expect(sharedSigningAuthority()).toBe(sharedSigningAuthority("microsoft"));
  });

  it("can issue from a foreign authority instead", () => {
    const foreign = createSigningAuthority({ issuer: "foreign" }).issue(BASE);
    expect(new X509Certificate(foreign.certificateDer).issuer).not.toContain("Microsoft");
    expect(new X509Certificate(foreign.rootCertificatePem).subject).toContain("O=Fabrikam Test Authority");
  });
});
