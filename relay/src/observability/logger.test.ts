import { createLogger } from "./logger";

describe("relay logger", () => {
  it("redacts authorization headers, signatures, tokens and secrets wherever they appear", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", secretHeaders: ["X-Cosell-Webhook-Secret"], destination: { write: (line: string) => void lines.push(line) } });
    logger.info(
      {
        req: { headers: { authorization: "Bearer eyJ.secret.token", "x-ms-signature": "Signature c2ln", "x-cosell-webhook-secret": "s3cr3t-hook-value", accept: "application/json" } },
        credentials: { clientSecret: "client-secret", accessToken: "access-token", cacheKey: "cache-key" },
        token: "top-level-token",
        referralId: "4111fffc-f9ee-4d53-bba6-569135228642",
      },
      "incoming call",
    );
    const [entry] = lines.map((line) => JSON.parse(line));
    for (const secret of ["eyJ.secret.token", "c2ln", "s3cr3t-hook-value", "client-secret", "access-token", "cache-key", "top-level-token"]) {
      expect(lines[0]).not.toContain(secret);
    }
    expect(entry.req.headers).toEqual({ authorization: "[redacted]", "x-ms-signature": "[redacted]", "x-cosell-webhook-secret": "[redacted]", accept: "application/json" });
    expect(entry.referralId).toBe("4111fffc-f9ee-4d53-bba6-569135228642");
  });
});
