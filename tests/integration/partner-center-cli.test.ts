import { runCli } from "../../relay/src/cli";
import { startHarness, type Harness } from "./partner-center-harness";
import { startTestRelay, type TestRelay } from "./partner-center-relay";

describe("cosell-relay webhooks against the emulator", () => {
  let h: Harness;
  let relay: TestRelay;
  let out: string[];
  let err: string[];

  beforeEach(async () => {
    h = await startHarness({ webhooks: { retryIntervalMs: 10, maxAttempts: 3 } });
    relay = await startTestRelay(h.emulator);
    out = [];
    err = [];
  });
  afterEach(async () => {
    await relay.stop();
    await h.stop();
  });

  const cli = (...args: string[]) =>
    runCli(["--partner-center-url", h.emulator.url, "--public-url", relay.url, "webhooks", ...args], {
      io: { out: (line) => out.push(line), err: (line) => err.push(line) },
      env: {},
      tokenProvider: h.tokenProvider,
      // Real short pauses: the emulator delivers in the background while the command polls.
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.min(ms, 50))),
    });

  it("registers the referral events and test-created for the relay's URL, and shows it", async () => {
    expect(await cli("show")).toBe(0);
    expect(out.join("\n")).toContain("No webhook registration exists");

    expect(await cli("register")).toBe(0);
    expect(h.emulator.registration()).toMatchObject({
      webhookUrl: relay.hookUrl,
      webhookEvents: ["referral-created", "referral-updated", "related-referral-created", "related-referral-updated", "test-created"],
    });

    out = [];
    expect(await cli("register")).toBe(0);
    expect(out.join("\n")).toContain("Nothing to change");

    out = [];
    expect(await cli("show")).toBe(0);
    expect(out.join("\n")).toContain(`${relay.hookUrl} (this relay)`);
  });

  it("refuses to take over another URL's registration unless told to --overwrite", async () => {
    await h.client.webhooks.register({ webhookUrl: "https://crm-connector.contoso.example/api/referrals", webhookEvents: ["referral-created", "subscription-updated"] });

    expect(await cli("register")).toBe(1);
    const message = err.join("\n");
    expect(message).toContain("https://crm-connector.contoso.example/api/referrals");
    expect(message).toContain("--overwrite");
    expect(h.emulator.registration()?.webhookUrl).toBe("https://crm-connector.contoso.example/api/referrals");

    expect(await cli("register", "--overwrite")).toBe(0);
    expect(h.emulator.registration()?.webhookUrl).toBe(relay.hookUrl);
    expect(out.join("\n")).toContain("Replaced the registration of https://crm-connector.contoso.example/api/referrals");
  });

  it("sends a test event and follows its delivery until the relay has accepted it", async () => {
    expect(await cli("register", "--signature-header", "x-ms-signature")).toBe(0);
    out = [];
    expect(await cli("test", "--interval", "0.05", "--timeout", "10")).toBe(0);

    const printed = out.join("\n");
    expect(printed).toMatch(/Test event [0-9a-f-]{36} sent to/);
    expect(printed).toMatch(/attempt 1: OK/);
    expect(printed).toContain("Delivered");
    expect(relay.received.map((r) => r.event.eventName)).toEqual(["test-created"]);
  });

  it("prints every failed attempt and exits non-zero when the relay rejects the test event", async () => {
    await relay.stop();
    relay = await startTestRelay(h.emulator, { trustedHosts: ["3psostorageacct.blob.core.windows.net"] });
    expect(await cli("register")).toBe(0);
    out = [];
    expect(await cli("test", "--interval", "0.05", "--timeout", "10")).toBe(1);

    expect(out.filter((line) => /attempt \d: Unauthorized/.test(line))).toHaveLength(3);
    expect(err.join("\n")).toContain("could not deliver the test event");
  });

  it("explains what is missing instead of failing obscurely", async () => {
    expect(await cli("test")).toBe(1);
    expect(err.join("\n")).toContain('run "cosell-relay webhooks register" first');

    err = [];
    const code = await runCli(["--partner-center-url", h.emulator.url, "webhooks", "register"], {
      io: { out: (line) => out.push(line), err: (line) => err.push(line) },
      env: {},
      tokenProvider: h.tokenProvider,
    });
    expect(code).toBe(1);
    expect(err.join("\n")).toContain("--public-url");
  });
});
