/**
 * The four built PCF bundles in Chromium, on the platform libraries model-driven apps provide, in a
 * form host whose Web API is the Dataverse emulator with the product's solution imported. Each test
 * drives the control's main interaction as a seller would and saves a screenshot.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import {
  HelpNeededOptions,
  OpportunitySolutionRelationship,
  renderAuditLog,
  SolutionKindOptions,
  SolutionNames,
  SyncStatusOptions,
  type AuditEntry,
} from "@cosell/core";
import { startDataverseEmulator, type DataverseEmulator } from "@cosell/emulators/dataverse/src";
import { CONTROLS_DIR, startPcfHost, type PcfHostServer } from "./pcf-host/server";

const REPO = path.resolve(__dirname, "../..");
const SOLUTION = path.join(REPO, "solution");
const SCREENSHOTS = path.join(REPO, "test-results", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const NAV = OpportunitySolutionRelationship.navigationProperty;

// The project's testTimeout is not applied when jest runs every project from the root config.
jest.setTimeout(180_000);

interface MountSpec {
  control: string;
  languageId: number;
  width: number;
  label?: string;
  disabled?: boolean;
  record: { entityName: string; id: string };
  properties?: Record<string, { type: string; raw: unknown; options?: { Label: string; Value: number }[] }>;
  dataset?: { name: string; entity: string; relationship: string; columns: string[] };
}

declare global {
  interface Window {
    PcfHost: { mount(spec: MountSpec): Promise<void>; outputs: Record<string, unknown>[]; opened: unknown[] };
  }
}

function buildControlsIfMissing(): void {
  const missing = () => SolutionNames.controls.filter((control) => !fs.existsSync(path.join(CONTROLS_DIR, control, "bundle.js")));
  if (missing().length === 0) return;
  const build = spawnSync("npm", ["run", "build", "-w", "pcf"], { cwd: REPO, stdio: "inherit", shell: process.platform === "win32" });
  if (build.status !== 0 || missing().length > 0) {
    throw new Error(`The PCF bundles for ${missing().join(", ")} are missing and \`npm run build -w pcf\` failed; run it to see why.`);
  }
}

let dataverse: DataverseEmulator;
let token: string;
let host: PcfHostServer;
let browser: Browser;

async function api<T = Record<string, unknown>>(method: string, resource: string, body?: unknown): Promise<{ status: number; body: T; entityId?: string }> {
  const response = await fetch(dataverse.apiUrl + resource, {
    method,
    headers: { Authorization: `Bearer ${token}`, Accept: "application/json", "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${resource}: ${response.status} ${text}`);
  const entityId = /\(([0-9a-f-]{36})\)$/i.exec(response.headers.get("OData-EntityId") ?? "")?.[1];
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T, entityId };
}

async function create(entitySet: string, body: Record<string, unknown>): Promise<string> {
  const { entityId } = await api("POST", entitySet, body);
  if (!entityId) throw new Error(`POST ${entitySet} returned no OData-EntityId`);
  return entityId;
}

async function attachedSolutionNames(opportunityId: string): Promise<string[]> {
  const { body } = await api<{ value: { cosell_name: string }[] }>("GET", `opportunities(${opportunityId})/${NAV}?$select=cosell_name`);
  return body.value.map((row) => row.cosell_name).sort();
}

/** A page showing one control; fails the test on any script error in the page. */
async function open(spec: MountSpec): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 720, height: 900 } });
  const errors: string[] = [];
  const local = (url: string) => url.startsWith(host.url);
  // The platform's Fluent copy loads Segoe UI and the icon font from the Office CDN, as it does in
  // Dynamics 365; the test runs offline, so those requests are refused and their failures ignored.
  await page.route((url) => !local(url.href), (route) => route.abort("blockedbyclient"));
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && local(message.location().url || host.url)) errors.push(message.text());
  });
  await page.goto(`${host.url}/?control=${spec.control}`);
  await page.evaluate((mountSpec) => window.PcfHost.mount(mountSpec), spec);
  return { page, errors };
}

async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.locator("main").screenshot({ path: path.join(SCREENSHOTS, `${name}.png`) });
}

const outputs = (page: Page) => page.evaluate(() => window.PcfHost.outputs);
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute("aria-label") ?? document.activeElement?.textContent ?? "");

beforeAll(async () => {
  buildControlsIfMissing();
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  dataverse = await startDataverseEmulator({ solutions: [SOLUTION], sampleData: true });
  token = await dataverse.tokenFor({ upn: "seller@contoso.example", name: "Alex Seller" });
  host = await startPcfHost({ apiUrl: dataverse.apiUrl, token });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await dataverse?.stop();
});

describe("PCF controls in Chromium", () => {
  let analytics: string;
  let opportunity: string;

  beforeAll(async () => {
    analytics = await create("cosell_solutions", {
      cosell_name: "Contoso Analytics Suite",
      cosell_solutionidentifier: "SOL-15974-MQF",
      cosell_kind: SolutionKindOptions.CoSellReadyPartnerSolution,
    });
    await create("cosell_solutions", { cosell_name: "Microsoft 365 Copilot", cosell_solutionidentifier: "SOL-00042-MSFT", cosell_kind: SolutionKindOptions.MicrosoftSolution });
    const contact = await create("contacts", { firstname: "Ana", lastname: "Silva", emailaddress1: "ana.silva@contoso.example" });
    opportunity = await create("opportunities", { name: "Contoso data platform", "parentcontactid@odata.bind": `/contacts(${contact})` });
  });

  it("Visibility: switched on with the keyboard after confirming, then locked", async () => {
    const { page, errors } = await open({
      control: "Visibility",
      languageId: 1033,
      width: 600,
      label: "Microsoft Partner Center Referral Visibility",
      record: { entityName: "opportunity", id: opportunity },
      properties: { value: { type: "TwoOptions", raw: false, options: [{ Label: "No", Value: 0 }, { Label: "Yes", Value: 1 }] } },
    });
    const toggle = page.getByRole("switch", { name: "Microsoft Partner Center Referral Visibility" });

    await page.keyboard.press("Tab");
    expect(await focused(page)).toBe("Microsoft Partner Center Referral Visibility");
    await page.keyboard.press("Space");
    // The dialog element itself has no box (its content is fixed-positioned): wait for it in the DOM.
    const dialog = page.getByRole("alertdialog", { name: "Make visible to Microsoft sellers?" });
    await dialog.waitFor({ state: "attached" });
    expect(await dialog.textContent()).toContain("This can't be undone");
    await page.waitForFunction(() => document.activeElement?.textContent === "Cancel");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await toggle.getAttribute("aria-checked")).toBe("false");
    expect(await focused(page)).toBe("Microsoft Partner Center Referral Visibility");
    expect(await outputs(page)).toEqual([]);

    await page.keyboard.press("Space");
    await dialog.waitFor({ state: "attached" });
    await page.waitForFunction(() => document.activeElement?.textContent === "Cancel");
    await page.keyboard.press("Shift+Tab");
    expect(await focused(page)).toBe("Make visible");
    await page.keyboard.press("Enter");
    await dialog.waitFor({ state: "detached" });

    expect(await outputs(page)).toEqual([{ value: true }]);
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    expect(await toggle.isDisabled()).toBe(true);
    expect(await page.getByText("Shared with Microsoft sellers. This can't be undone.").isVisible()).toBe(true);
    await screenshot(page, "visibility");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("HelpNeeded: choosing help shows what co-sell still needs, read from Dataverse", async () => {
    const { page, errors } = await open({
      control: "HelpNeeded",
      languageId: 1033,
      width: 600,
      label: "How can Microsoft help?",
      record: { entityName: "opportunity", id: opportunity },
      properties: {
        value: { type: "OptionSet", raw: null, options: Object.entries(HelpNeededOptions).map(([code, value]) => ({ Label: code, Value: value })) },
      },
    });

    await page.getByRole("combobox", { name: "How can Microsoft help?" }).click();
    await page.getByRole("option", { name: /^Proof of concept or demo/ }).click();
    expect(await outputs(page)).toEqual([{ value: HelpNeededOptions.ProofOfConceptOrDemo }]);
    await page.getByText("Solution: missing").waitFor();
    expect(await page.getByText("Customer contact: in place").isVisible()).toBe(true);

    await api("POST", `opportunities(${opportunity})/${NAV}/$ref`, { "@odata.id": `${dataverse.apiUrl}cosell_solutions(${analytics})` });
    await page.getByRole("button", { name: "Check again" }).click();
    await page.getByText("Ready for co-sell: the customer contact and a solution are in place.").waitFor();
    await screenshot(page, "help-needed");
    await api("DELETE", `opportunities(${opportunity})/${NAV}(${analytics})/$ref`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("SolutionsGrid: searches the catalog, attaches and removes a solution on the N:N", async () => {
    const { page, errors } = await open({
      control: "SolutionsGrid",
      languageId: 1033,
      width: 640,
      record: { entityName: "opportunity", id: opportunity },
      dataset: { name: "solutions", entity: "cosell_solution", relationship: NAV, columns: ["cosell_name", "cosell_solutionidentifier", "cosell_kind"] },
    });
    await page.getByText("Add at least one solution: Microsoft requires one before the opportunity can be shared.").waitFor();

    await page.getByRole("searchbox", { name: "Add a solution" }).fill("analytics");
    await page.getByRole("button", { name: "Add Contoso Analytics Suite" }).click();
    const grid = page.getByRole("grid", { name: "Attached solutions" });
    await grid.getByRole("rowheader", { name: "Contoso Analytics Suite" }).waitFor();
    expect(await grid.getByRole("row", { name: /Contoso Analytics Suite/ }).textContent()).toContain("SOL-15974-MQF");
    expect(await attachedSolutionNames(opportunity)).toEqual(["Contoso Analytics Suite"]);

    await page.getByRole("searchbox", { name: "Add a solution" }).fill("SOL-00042");
    await page.getByRole("button", { name: "Add Microsoft 365 Copilot" }).click();
    await grid.getByRole("rowheader", { name: "Microsoft 365 Copilot" }).waitFor();
    await screenshot(page, "solutions-grid");

    await page.getByRole("button", { name: "Remove Contoso Analytics Suite" }).click();
    await grid.getByRole("rowheader", { name: "Contoso Analytics Suite" }).waitFor({ state: "detached" });
    expect(await attachedSolutionNames(opportunity)).toEqual(["Microsoft 365 Copilot"]);
    await api("DELETE", `opportunities(${opportunity})/${NAV}(${(await solutionId("SOL-00042-MSFT"))})/$ref`);
    expect(errors).toEqual([]);
    await page.close();
  });

  it("AuditTimeline: the sync history with status, link and the last error's fix", async () => {
    const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();
    const referral = "4111fffc-6e3a-4c8e-a2d4-2f0d6c7e1b90";
    const entries: AuditEntry[] = [
      {
        at: minutesAgo(5),
        outcome: "error",
        direction: "toPartnerCenter",
        message: "Partner Center needs at least one solution on a shared referral.",
        fix: "Add a co-sell ready or Microsoft solution to the Microsoft Partner Center Solutions list.",
        referralId: referral,
      },
      ...Array.from({ length: 13 }, (_, i): AuditEntry => ({
        at: minutesAgo(60 * (i + 1)),
        outcome: i === 12 ? "success" : "info",
        direction: i === 12 ? "toPartnerCenter" : "toCrm",
        message: i === 12 ? "Referral created in Partner Center." : `Partner Center update ${12 - i} applied: deal value and close date.`,
        referralId: referral,
      })),
    ];
    const { page, errors } = await open({
      control: "AuditTimeline",
      languageId: 1033,
      width: 640,
      record: { entityName: "opportunity", id: opportunity },
      properties: {
        value: { type: "Multiple", raw: renderAuditLog(entries) },
        syncStatus: { type: "OptionSet", raw: SyncStatusOptions.Error },
        referralLink: { type: "SingleLine.URL", raw: `https://partner.microsoft.com/dashboard/referrals/v2/leads/${referral}/details` },
        referralStatus: { type: "SingleLine.Text", raw: "Active · Accepted" },
        lastSyncedOn: { type: "DateAndTime.DateAndTime", raw: minutesAgo(60) },
      },
    });
    const history = page.getByRole("list", { name: "Sync history" });
    await history.waitFor();
    expect(await history.getByRole("listitem").count()).toBe(10);
    expect(await history.getByRole("listitem").first().textContent()).toContain("5 minutes ago");
    expect(await page.getByText("Last sync error").isVisible()).toBe(true);
    expect(await page.getByText("Last synced: 1 hour ago").isVisible()).toBe(true);
    const link = page.getByRole("link", { name: "Open the referral in Partner Center (opens in a new tab)" });
    expect(await link.getAttribute("href")).toBe(`https://partner.microsoft.com/dashboard/referrals/v2/leads/${referral}/details`);
    await screenshot(page, "audit-timeline");

    await page.getByRole("button", { name: "Show all 14 entries" }).click();
    expect(await history.getByRole("listitem").count()).toBe(14);
    expect(errors).toEqual([]);
    await page.close();
  });
});

async function solutionId(identifier: string): Promise<string> {
  const { body } = await api<{ value: { cosell_solutionid: string }[] }>("GET", `cosell_solutions?$select=cosell_solutionid&$filter=cosell_solutionidentifier eq '${identifier}'`);
  return body.value[0].cosell_solutionid;
}
