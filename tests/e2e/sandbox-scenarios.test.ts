/**
 * PRODUCT.md §6 through a browser: the sandbox `npm start` runs (emulators, relay, form harness with
 * the built solution) driven by Chromium as a seller, an admin and Microsoft would drive it. Each
 * scenario ends with a screenshot under test-results/screenshots; the walk-through ones are copied
 * to docs/screenshots.
 */
import type { Locator, Page } from "playwright-core";
import { EnvironmentVariables, parseReferral, type Referral } from "@cosell/core";
import { Harness, PartnerCenterPage } from "./sandbox/pages";
import { openBrowser, screenshot, startSession, type E2eSession, type UserPage } from "./sandbox/session";

// The project's testTimeout is not applied when jest runs every project from the root config.
jest.setTimeout(180_000);

let session: E2eSession;
let seller: UserPage;
let harness: Harness;
let partnerCenter: PartnerCenterPage;
/** The referral scenario 1 creates, followed through Microsoft's answer and the win. */
let sharedReferralId = "";

beforeAll(async () => {
  session = await startSession();
  seller = await openBrowser(session);
  harness = new Harness(seller.page, session.sandbox.urls.harness);
  // Microsoft's page in a window of its own: a background tab would have its timers throttled.
  const microsoft = await openBrowser(session);
  partnerCenter = new PartnerCenterPage(microsoft.page, session.sandbox.urls.partnerCenter);
}, 900_000);

afterAll(async () => {
  await session?.close();
});

afterEach(async () => {
  // The page as the test left it, to see what a failing step was looking at.
  await screenshot(seller.page, `last-page/${(expect.getState().currentTestName ?? "test").replace(/\//g, "-")}`);
  // A script error in the page is a defect even when the scenario's outcome looks right.
  expect(seller.errors).toEqual([]);
});

const ids = () => session.sandbox.dataverse.sample;

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replace(/\s+/g, " ").trim();
}

describe("1 · CRM → Partner Center: a seller shares a deal", () => {
  test("the referral exists in Partner Center; id, link, Audit and ✔ come back to the form", async () => {
    await harness.openRecord("opportunity", ids().opportunities.cloud);
    await harness.prepareShare({ help: "Customer technical architecture", solution: "Contoso Cloud Migration Accelerator", visible: true });
    await harness.save();

    await harness.sharedNotice();
    await harness.refreshUntil(async () => (await harness.title.innerText()).includes("Contoso cloud migration ✔"), "the ✔ on the opportunity name");
    const referralId = await harness.input("cosell_referralid").inputValue();
    expect(referralId).toMatch(/^[0-9a-f-]{36}$/);
    sharedReferralId = referralId;
    expect(await harness.field("cosell_referrallink").getByRole("link").getAttribute("href")).toContain(referralId);
    expect(await harness.input("cosell_syncstatus").locator("option:checked").innerText()).toBe("Synced");
    expect(await text(seller.page, '[data-control="cosell_audit"]')).toMatch(/Success.*Shared with Partner Center as a co-sell referral/);
    await screenshot(seller.page, "1-shared-with-microsoft", { walkthrough: true });

    await partnerCenter.open();
    const row = partnerCenter.row(referralId);
    await row.waitFor();
    expect(await row.innerText()).toMatch(/Contoso cloud migration[\s\S]*Outgoing[\s\S]*Active · Accepted/);
    await screenshot(partnerCenter.page, "1-referral-in-partner-center", { walkthrough: true });
    // One opportunity, one referral: the save's own sync and the Dataverse webhook's must not both create one.
    // A co-sell deal is two POSTs (partner-center-api.md §3.3): the partner's referral, and the one
    // inviting Microsoft into the same engagement — so the page lists both halves.
    const forThisDeal = session.sandbox.partnerCenter.referrals.list().map(parseReferral).filter((r) => r.name === "Contoso cloud migration");
    const invitesMicrosoft = (r: Referral) => (r.target ?? []).some((t) => t.id === "msft");
    expect(forThisDeal.filter((r) => !invitesMicrosoft(r)).map((r) => r.id)).toEqual([referralId]);
    expect(forThisDeal.filter(invitesMicrosoft).map((r) => r.engagementId)).toEqual([forThisDeal.find((r) => r.id === referralId)!.engagementId]);
    expect(await partnerCenter.row("Contoso cloud migration").count()).toBe(2);
  });

  test("Microsoft accepts the co-sell on the Partner Center page and the form shows it", async () => {
    const row = partnerCenter.row(sharedReferralId);
    await row.getByRole("button", { name: "Accept co-sell" }).click();
    await row.locator("td").nth(4).filter({ hasText: /\S/ }).waitFor();
    const msxId = (await row.locator("td").nth(4).innerText()).trim();
    await screenshot(partnerCenter.page, "1-microsoft-accepted-in-partner-center", { walkthrough: true });

    await harness.refreshUntil(async () => (await harness.input("cosell_microsoftcrmid").inputValue()) === msxId, "Microsoft's CRM id on the form");
    expect(await harness.field("cosell_microsoftcrmid").isVisible()).toBe(true);
    await screenshot(seller.page, "1-microsoft-accepted-on-the-form", { walkthrough: true });
  });
});

describe("2 · Updating a shared deal updates the referral", () => {
  test("deal value, close date, description and currency reach Partner Center", async () => {
    await harness.openRecord("opportunity", ids().opportunities.cloud);
    await harness.input("estimatedvalue").fill("310000");
    await harness.input("estimatedvalue").press("Tab");
    await harness.input("estimatedclosedate").fill("2031-03-31");
    await harness.input("description").fill("Move the ERP estate and 60 line-of-business apps to Azure by Q4.");
    await harness.input("description").press("Tab");
    const currency = harness.field("transactioncurrencyid");
    await currency.getByRole("button", { name: /Remove US Dollar/ }).click();
    await currency.getByRole("combobox").fill("Euro");
    await currency.getByRole("option", { name: /Euro/ }).click();
    await harness.save();
    await harness.sharedNotice();

    await partnerCenter.open();
    await partnerCenter.value(sharedReferralId).filter({ hasText: /^310,000 EUR$/ }).waitFor();
    await screenshot(partnerCenter.page, "2-referral-updated");
  });
});

describe("3 · Partner Center → CRM: a referral created in Partner Center appears in Dynamics", () => {
  test("a new incoming referral becomes a lead with its details, waiting for an answer", async () => {
    await partnerCenter.open();
    await partnerCenter.sendReferral({ name: "Woodgrove: Azure migration", customer: "Woodgrove Bank", dealValue: "25000", currency: "USD", country: "US", notes: "Customer wants help planning a move to Azure." });
    await screenshot(partnerCenter.page, "3-referral-sent-from-partner-center", { walkthrough: true });

    await harness.openFromList("lead", "Woodgrove: Azure migration");
    await harness.notification(/waiting for your answer/).waitFor();
    expect(await harness.input("companyname").inputValue()).toBe("Woodgrove Bank");
    expect(await harness.input("cosell_referralstatus").inputValue()).toBe("New · Pending");
    expect(await harness.command("Accept referral").isVisible()).toBe(true);
    await screenshot(seller.page, "3-incoming-referral-as-lead", { walkthrough: true });
  });
});

describe("4 · Accept / decline an incoming referral; win / lose closes it", () => {
  test("accepting the lead qualifies it into an opportunity and accepts the referral", async () => {
    await harness.command("Accept referral").click();
    await harness.confirmDialog();
    await seller.page.waitForURL(/etn=opportunity/);
    await harness.formReady();
    expect(await harness.title.innerText()).toContain("Woodgrove: Azure migration");
    expect(await harness.input("cosell_referralstatus").inputValue()).toMatch(/Active · Accepted/);
    await screenshot(seller.page, "4-lead-accepted-opportunity");
    await partnerCenter.open();
    await partnerCenter.row("Woodgrove: Azure migration").filter({ hasText: "Active · Accepted" }).waitFor();
  });

  test("declining a lead asks for the reason and declines the referral", async () => {
    await partnerCenter.open();
    await partnerCenter.sendReferral({ name: "Tailspin: data estate review", customer: "Tailspin Toys", dealValue: "40000", currency: "EUR", country: "NL", notes: "Assessment of the data estate." });
    await harness.openFromList("lead", "Tailspin: data estate review");

    await harness.command("Decline referral").click();
    await harness.field("cosell_declinereason").getByText(/Enter why you decline/).waitFor();
    await harness.input("cosell_declinereason").fill("The customer chose to stay on premises.");
    await harness.input("cosell_declinereason").press("Tab");
    await harness.command("Decline referral").click();
    await harness.confirmDialog();
    await harness.notification(/Referral declined in Partner Center/).waitFor();
    await screenshot(seller.page, "4-lead-declined");
    await partnerCenter.open();
    await partnerCenter.row("Tailspin: data estate review").filter({ hasText: "Closed · Declined" }).waitFor();
  });

  test("closing a shared opportunity as won closes its referral as Won", async () => {
    await harness.openRecord("opportunity", ids().opportunities.cloud);
    await harness.command("Close as Won").click();
    await harness.confirmDialog();
    await harness.page.locator(".form-subtitle").filter({ hasText: "Read-only" }).waitFor();
    await partnerCenter.open();
    await partnerCenter.row(sharedReferralId).filter({ hasText: "Closed · Won" }).waitFor();
    await screenshot(partnerCenter.page, "4-won-in-partner-center", { walkthrough: true });
  });

  test("a new opportunity, shared and then lost, closes its referral as Lost", async () => {
    await harness.openRecord("opportunity");
    await harness.input("name").fill("Adventure Works Copilot pilot");
    const pick = async (control: string, search: string, name: string) => {
      await harness.field(control).getByRole("combobox").fill(search);
      await harness.field(control).getByRole("option", { name: new RegExp(name) }).click();
    };
    await pick("parentaccountid", "Adventure", "Adventure Works BV");
    await pick("parentcontactid", "Sanne", "Sanne de Vries");
    await pick("transactioncurrencyid", "Euro", "Euro");
    await harness.input("estimatedvalue").fill("45000");
    await harness.input("estimatedclosedate").fill("2031-06-30");
    await harness.input("description").fill("Copilot pilot for 200 seats.");
    await harness.input("description").press("Tab");
    await harness.save();
    await seller.page.waitForFunction(() => /[?&]id=[0-9a-f-]{36}/.test(location.search));
    await harness.section.getByRole("searchbox").waitFor();
    await harness.prepareShare({ help: "Proof of concept or demo", solution: "Contoso Secure Workplace" });
    await harness.save();
    await harness.sharedNotice();
    await harness.refreshUntil(async () => (await harness.input("cosell_referralid").inputValue()) !== "", "the referral id on the form");

    await harness.command("Close as Lost").click();
    await harness.confirmDialog();
    await harness.page.locator(".form-subtitle").filter({ hasText: "Read-only" }).waitFor();
    await partnerCenter.open();
    await partnerCenter.row("Adventure Works Copilot pilot").filter({ hasText: "Closed · Lost" }).waitFor();
    await screenshot(partnerCenter.page, "4-lost-in-partner-center");
  });
});

describe("5 · A broken referral is not sent; the seller sees what to fix", () => {
  test("the form blocks the save and marks each problem", async () => {
    await harness.openRecord("opportunity", ids().opportunities.litware);
    await harness.section.getByRole("switch", { name: "Sync with Partner Center" }).click();
    await harness.section.getByRole("combobox", { name: "How can Microsoft help?" }).click();
    await seller.page.getByRole("listbox").getByRole("option", { name: /General or other/ }).click();
    await harness.save();
    await harness.notification(/Not saved: this opportunity cannot be shared with Microsoft yet/).waitFor();
    const notices = await text(seller.page, ".form-notifications");
    expect(notices).toMatch(/United States/);
    expect(notices).toMatch(/solution/i);
    expect(await harness.title.innerText()).not.toContain("✔");
    await screenshot(seller.page, "5-broken-referral-blocked-on-the-form", { walkthrough: true });
  });

  test("shared another way (an import), the relay refuses it: Audit says why, the name shows ✖", async () => {
    // Imports and bulk edits bypass form scripts; the relay runs the same rules before sending.
    const opportunity = ids().opportunities.modernisation;
    const response = await seller.context.request.patch(`${session.sandbox.urls.harness}/api/data/v9.2/opportunities(${opportunity})`, {
      data: { cosell_syncwithpartnercenter: true, cosell_helpneeded: 645210001 },
      headers: { "If-Match": "*" },
    });
    expect(response.status()).toBe(204);
    await harness.openRecord("opportunity", opportunity);
    await harness.refreshUntil(async () => (await harness.title.innerText()).includes("✖"), "the ✖ on the opportunity name");
    await harness.notification(/Last sync with Partner Center failed/).waitFor();
    expect(await text(seller.page, '[data-control="cosell_audit"]')).toMatch(/solution/i);
    await screenshot(seller.page, "5-broken-referral-refused-by-the-relay", { walkthrough: true });
  });
});

describe("Keyboard only: the Microsoft Partner Center section without a mouse", () => {
  /** Presses Tab (or Shift+Tab) until the element has the focus: it is reachable from the keyboard. */
  async function tabTo(target: Locator, key: "Tab" | "Shift+Tab" = "Tab", limit = 80): Promise<void> {
    for (let presses = 0; !(await target.evaluate((element) => element === document.activeElement)); presses++) {
      if (presses === limit) throw new Error(`${String(target)} was not reached with ${limit} presses of ${key}.`);
      await seller.page.keyboard.press(key);
    }
  }

  test("a seller fixes the refused deal and shares it with the keyboard", async () => {
    const page = seller.page;
    await harness.openRecord("opportunity", ids().opportunities.modernisation);
    await tabTo(harness.section.getByRole("searchbox"));
    await page.keyboard.type("Fabric");
    const add = harness.section.getByRole("button", { name: "Add Contoso Analytics on Microsoft Fabric" });
    await add.waitFor();
    await tabTo(add);
    await page.keyboard.press("Enter");
    await harness.attachedSolution("Contoso Analytics on Microsoft Fabric").waitFor();

    await tabTo(harness.command("Share with Microsoft / Sync now"), "Shift+Tab");
    await page.keyboard.press("Enter");
    await harness.notification(/Shared with Microsoft\. Referral/).waitFor();
    await harness.title.filter({ hasText: "Northwind analytics modernisation ✔" }).waitFor();
    await screenshot(page, "keyboard-shared-with-microsoft");
  });

  test("the switch and the help picker work with Space and the arrow keys", async () => {
    const page = seller.page;
    await harness.openRecord("opportunity", ids().opportunities.security);
    const sync = harness.section.getByRole("switch", { name: "Sync with Partner Center" });
    await tabTo(sync);
    await page.keyboard.press("Space");
    expect(await sync.getAttribute("aria-checked")).toBe("true");
    await page.keyboard.press("Tab");
    const help = harness.section.getByRole("combobox", { name: "How can Microsoft help?" });
    expect(await help.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    expect(await help.innerText()).toMatch(/^General or other/);
    await harness.field("cosell_solutions").getByText(/Add at least one solution/).waitFor();
    // Leave without saving (the next scenario starts from the saved record): the unsaved-changes
    // dialog takes the keyboard too.
    await tabTo(harness.command("← Back"), "Shift+Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog", { name: "Unsaved changes" }).waitFor();
    await page.keyboard.press("Enter");
    await page.waitForSelector("body[data-page-ready] table.grid");
  });
});

describe("In Polish (?lang=1045)", () => {
  test("the form, the command and the co-sell problems read in Polish", async () => {
    const polish = await openBrowser(session, { languageId: 1045 });
    const page = new Harness(polish.page, session.sandbox.urls.harness);
    await page.openRecord("opportunity", ids().opportunities.security, "&lang=1045");
    await page.section.getByRole("heading", { name: "Microsoft Partner Center" }).waitFor();
    await page.section.getByRole("switch", { name: "Synchronizuj z Partner Center" }).click();
    await page.section.getByRole("combobox", { name: "Jak firma Microsoft może pomóc?" }).click();
    await polish.page.getByRole("listbox").getByRole("option").nth(1).click();
    await page.command("Zapisz").click();
    await page.notification(/^.{0,3}Nie zapisano/).waitFor();
    expect(await page.page.locator(".shell-nav").innerText()).toContain("Szanse sprzedaży");
    await screenshot(polish.page, "polish-co-sell-problems", { walkthrough: true });
    expect(polish.errors).toEqual([]);
    await polish.context.close();
  });
});

describe("6 · The three customisations work by environment variable alone", () => {
  /** The relay reads the variables at job time and keeps them for up to 30 s; Sync now until the change shows. */
  async function syncNowUntil(check: () => Promise<boolean>, what: string): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out after 60 s waiting for ${what}.`);
      const loads = Number(await seller.page.locator("body").getAttribute("data-form-loads"));
      await harness.command("Share with Microsoft / Sync now").click();
      // The command reloads the form once the relay answered; a refused check leaves it as it is.
      await seller.page.waitForFunction((before) => Number(document.body.dataset.formLoads) > before, loads, { timeout: 20_000 }).catch(async () => {
        throw new Error(`Sync now did not complete: ${await text(seller.page, ".form-notifications")}`);
      });
    }
  }

  /** With the deal value in Budget Amount, that is the column a seller fills in. */
  async function fillBudget(value: string): Promise<void> {
    await harness.input("budgetamount").fill(value);
    await harness.input("budgetamount").press("Tab");
  }

  /** What an admin does on Settings › Environment variables; the variables add up over the tests below. */
  async function setVariable(schemaName: string, value: string): Promise<void> {
    await harness.openEnvironmentVariables();
    const row = seller.page.locator(`tr[data-variable="${schemaName}"]`);
    await row.getByRole("textbox").fill(value);
    await row.getByRole("button", { name: "Save" }).click();
    await row.getByRole("button", { name: "Use default" }).waitFor();
  }

  afterAll(async () => {
    for (const variable of [EnvironmentVariables.displayCheckMark, EnvironmentVariables.dealValueField, EnvironmentVariables.countryCodeField]) {
      await session.sandbox.dataverse.setEnvironmentVariable(variable.schemaName, variable.defaultValue);
    }
  });

  test("check mark off: the name of a shared deal gets no ✔", async () => {
    await setVariable(EnvironmentVariables.displayCheckMark.schemaName, "no");
    await screenshot(seller.page, "6-environment-variables", { walkthrough: true });
    await harness.openRecord("opportunity", ids().opportunities.security);
    await harness.prepareShare({ help: "General or other", solution: "Contoso Secure Workplace" });
    await harness.save();
    await harness.sharedNotice();
    await syncNowUntil(async () => (await harness.title.innerText()).trim() === "Adventure Works security review", "the name without a mark");
  });

  test("another deal value field: Budget Amount is what Partner Center gets", async () => {
    await setVariable(EnvironmentVariables.dealValueField.schemaName, "budgetamount");
    await harness.openRecord("opportunity", ids().opportunities.dataPlatform);
    await harness.prepareShare({ help: "Quotes or licensing", solution: "Contoso Analytics on Microsoft Fabric" });
    await harness.save();
    await harness.sharedNotice();
    await harness.refreshUntil(async () => (await harness.input("cosell_referralid").inputValue()) !== "", "the referral id on the form");
    const referralId = await harness.input("cosell_referralid").inputValue();
    await partnerCenter.open();
    await syncNowUntil(async () => (await partnerCenter.value(referralId).filter({ hasText: /^1,500,000 SEK$/ }).count()) === 1, "the budget amount in Partner Center");
  });

  test("another country code field: the account's second address gives the ISO code", async () => {
    await setVariable(EnvironmentVariables.countryCodeField.schemaName, "address2_country");
    await harness.openRecord("opportunity", ids().opportunities.litware);
    await fillBudget("120000");
    await harness.prepareShare({ help: "General or other", solution: "Azure Migrate and Modernize" });
    await harness.save();
    await harness.notification(/Shared with Microsoft|already up to date|Last sync with Partner Center failed/).waitFor();
    await syncNowUntil(async () => (await harness.input("cosell_syncstatus").locator("option:checked").innerText()) === "Synced", "a synced referral");
    await partnerCenter.open();
    await partnerCenter.row(await harness.input("cosell_referralid").inputValue()).waitFor();
    await screenshot(partnerCenter.page, "6-customised-referrals-in-partner-center");
  });
});
