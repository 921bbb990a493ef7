import { createVerify, X509Certificate } from "node:crypto";
import { createSigningIdentity, DISPATCH_SUBJECT } from "./signing";

describe("createSigningIdentity", () => {
  const microsoft = createSigningIdentity();

  it("issues a leaf for the dispatch host from a CA whose issuer names Microsoft Corporation", () => {
    const leaf = new X509Certificate(microsoft.certificateDer);
    const root = new X509Certificate(microsoft.caCertificatePem);
    expect(leaf.subject).toContain(`CN=${DISPATCH_SUBJECT}`);
    expect(leaf.issuer).toContain("O=Microsoft Corporation");
    expect(leaf.checkIssued(root)).toBe(true);
    expect(leaf.verify(root.publicKey)).toBe(true);
    expect(root.ca).toBe(true);
  });

  it("signs bytes with RSA-SHA256 that the leaf's public key verifies", () => {
    const body = Buffer.from('{"EventName":"referral-created"}');
    const signature = Buffer.from(microsoft.sign(body), "base64");
    const key = new X509Certificate(microsoft.certificatePem).publicKey;
    expect(createVerify("RSA-SHA256").update(body).verify(key, signature)).toBe(true);
    expect(createVerify("RSA-SHA256").update(Buffer.from("{}")).verify(key, signature)).toBe(false);
  });

  it("can issue from a foreign CA instead", () => {
    const foreign = createSigningIdentity({ issuer: "foreign" });
    expect(new X509Certificate(foreign.certificateDer).issuer).not.toContain("Microsoft");
  });
});
