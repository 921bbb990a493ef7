/**
 * PRODUCT.md §6 scenario 7 through a browser: staging first, then production. One data folder holds
 * the partner's one Partner Center and two Dynamics 365 environments (`npm start -- --environment
 * staging`, then `--environment production`): the same managed solution is imported into each and
 * the same relay settings run against each. A seller tries the connector in staging; then production
 * takes over, shares its own deals and receives Microsoft's new referrals, while what staging did
 * stays staging's.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import type { Sandbox } from "../../scripts/sandbox/index";
import { readState } from "../../scripts/sandbox/state";
import { Harness, PartnerCenterPage } from "./sandbox/pages";
import { launchChromium, openBrowser, screenshot, startSandboxIn, type UserPage } from "./sandbox/session";

jest.setTimeout(600_000);

let dataDir: string;
let browser: Browser;
let sandbox: Sandbox | undefined;
let pages: UserPage[] = [];
let log: string[] = [];
/** What staging did, for production to be checked against. */
const staging = { referralId: "", solutionVersion: "" };

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), "cosell-e2e-staging-"));
  browser = await launchChromium();
});

afterAll(async () => {
  await stop();
  await browser?.close();
  await rm(dataDir, { recursive: true, force: true });
});

afterEach(async () => {
  const seller = pages[0];
  if (seller) await screenshot(seller.page, `last-page/${(expect.getState().currentTestName ?? "test").replace(/\//g, "-")}`);
  expect(pages.flatMap((p) => p.errors)).toEqual([]);
});

/** `npm start -- --environment <name>` on the shared data folder, with a seller's and Microsoft's browser. */
async function start(environment: string): Promise<{ harness: Harness; partnerCenter: PartnerCenterPage; sandbox: Sandbox }> {
  // The environment before, if a failing test left it running: one sandbox at a time per data folder.
  await stop();
  log = [];
  sandbox = await startSandboxIn(dataDir, environment, log);
  const seller = await openBrowser({ sandbox, browser });
  // Microsoft's page in a window of its own: a background tab would have its timers throttled.
  const microsoft = await openBrowser({ sandbox, browser });
  pages = [seller, microsoft];
  return { harness: new Harness(seller.page, sandbox.urls.harness), partnerCenter: new PartnerCenterPage(microsoft.page, sandbox.urls.partnerCenter), sandbox };
}

async function stop(): Promise<void> {
  for (const { context } of pages) await context.close();
  pages = [];
  await sandbox?.stop();
  sandbox = undefined;
}

/** A seller renames a sample deal (so the two environments' deals are told apart) and shares it. */
async function shareDeal(harness: Harness, opportunityId: string, name: string): Promise<string> {
  await harness.openRecord("opportunity", opportunityId);
  await harness.input("name").fill(name);
  await harness.input("name").press("Tab");
  await harness.prepareShare({ help: "Customer technical architecture", solution: "Contoso Cloud Migration Accelerator" });
  await harness.save();
  await harness.sharedNotice();
  await harness.refreshUntil(async () => (await harness.title.innerText()).includes(`${name} ✔`), `the ✔ on ${name}`);
  return harness.input("cosell_referralid").inputValue();
}

test("staging: the managed solution in contoso-staging shares a test deal and receives Microsoft's referrals", async () => {
  const { harness, partnerCenter, sandbox: s } = await start("staging");
  expect(log).toContain("Fresh staging environment and Partner Center with sample data.");
  staging.solutionVersion = s.solutionVersion;

  await harness.openList("opportunity");
  expect(await harness.page.locator(".shell-environment").innerText()).toBe("contoso-staging");
  staging.referralId = await shareDeal(harness, s.dataverse.sample.opportunities.cloud, "Staging trial: cloud migration");
  expect(staging.referralId).toMatch(/^[0-9a-f-]{36}$/);

  await partnerCenter.open();
  expect(await partnerCenter.row(staging.referralId).innerText()).toMatch(/Staging trial: cloud migration[\s\S]*Outgoing/);
  await partnerCenter.sendReferral({ name: "Staging check: Azure landing zone", customer: "Woodgrove Bank", dealValue: "15000", currency: "USD", country: "US", notes: "A referral Microsoft sends while staging is connected." });
  await harness.openFromList("lead", "Staging check: Azure landing zone");
  expect(await harness.input("companyname").inputValue()).toBe("Woodgrove Bank");
  await screenshot(harness.page, "7-staging-incoming-referral");
  await stop();
});

test("production: the same solution and relay settings take over the same Partner Center", async () => {
  const { harness, partnerCenter, sandbox: s } = await start("production");
  expect(log.some((line) => /^Fresh production environment with sample data; Partner Center continues from .+ \(\d+ referrals\)\.$/.test(line))).toBe(true);
  expect(s.solutionVersion).toBe(staging.solutionVersion);
  // The relay registered itself for Partner Center's webhooks, moving them from staging's relay.
  expect(s.partnerCenter.registration()?.webhookUrl).toBe(`${s.urls.relay}/hooks/partner-center`);

  // One Partner Center account: what staging shared is still listed there.
  await partnerCenter.open();
  await partnerCenter.row(staging.referralId).waitFor();

  await harness.openList("opportunity");
  expect(await harness.page.locator(".shell-environment").innerText()).toBe("contoso-production");
  const referralId = await shareDeal(harness, s.dataverse.sample.opportunities.cloud, "Production: cloud migration");
  expect(referralId).not.toBe(staging.referralId);
  await partnerCenter.row(referralId).filter({ hasText: "Production: cloud migration" }).waitFor();

  await partnerCenter.sendReferral({ name: "Production: Copilot rollout", customer: "Fabrikam Retail", dealValue: "52000", currency: "EUR", country: "NL", notes: "The first referral production receives." });
  await harness.openFromList("lead", "Production: Copilot rollout");
  expect(await harness.input("companyname").inputValue()).toBe("Fabrikam Retail");
  // Staging's referral from Microsoft was staging's to answer: production's lead list does not have it.
  await harness.openList("lead");
  expect(await harness.page.getByRole("link", { name: "Staging check: Azure landing zone" }).count()).toBe(0);
  await screenshot(partnerCenter.page, "7-production-and-staging-in-partner-center", { walkthrough: true });
  await screenshot(harness.page, "7-production-incoming-referral");
  await stop();

  // Staging's own data is kept for its next start, apart from production's.
  const tables = (await readState(dataDir, "staging")).environment?.dataverse.tables ?? {};
  expect((tables.opportunity ?? []).map((row) => row.name)).toContain("Staging trial: cloud migration ✔");
  expect((tables.lead ?? []).map((row) => row.subject)).toEqual(["Staging check: Azure landing zone"]);
});
