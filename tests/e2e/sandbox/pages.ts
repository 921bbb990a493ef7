/** What a person looks at and clicks, as Playwright locators: the harness's forms and lists, the Partner Center emulator page. */
import type { Locator, Page } from "playwright-core";

const DEFAULT_WAIT_MS = 30_000;

export class Harness {
  constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  async openRecord(entity: string, id?: string, query = ""): Promise<void> {
    await this.page.goto(`${this.url}/main.aspx?pagetype=entityrecord&etn=${entity}${id ? `&id=${id}` : ""}${query}`);
    await this.formReady();
  }

  async openList(entity: string): Promise<void> {
    await this.page.goto(`${this.url}/main.aspx?pagetype=entitylist&etn=${entity}`);
    await this.page.waitForSelector("body[data-page-ready]");
  }

  async openEnvironmentVariables(): Promise<void> {
    await this.page.goto(`${this.url}/main.aspx?pagetype=envvars`);
    await this.page.waitForSelector("body[data-page-ready]");
  }

  /** Waits until the form's scripts and controls have loaded (a navigation starts a new page). */
  async formReady(): Promise<void> {
    await this.page.waitForSelector("body[data-form-ready]", { timeout: DEFAULT_WAIT_MS });
  }

  get section(): Locator {
    return this.page.locator('[data-section="cosell_microsoftpartnercenter"]');
  }

  field(control: string): Locator {
    return this.page.locator(`.form-body [data-control="${control}"]`);
  }

  input(control: string): Locator {
    return this.field(control).locator("input, textarea, select").first();
  }

  command(name: string | RegExp): Locator {
    return this.page.locator(".command-bar").getByRole("button", { name, exact: typeof name === "string" });
  }

  get title(): Locator {
    return this.page.locator(".form-title");
  }

  get notifications(): Locator {
    return this.page.locator(".form-notifications");
  }

  notification(text: string | RegExp): Locator {
    return this.notifications.locator(".form-notification").filter({ hasText: text });
  }

  /** Presses the form's Refresh until `check` holds: the relay works in the background, as in Dynamics 365. */
  async refreshUntil(check: () => Promise<boolean>, what: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
      const loads = Number(await this.page.locator("body").getAttribute("data-form-loads"));
      await this.command(/Refresh|Odśwież/).click();
      await this.page.waitForFunction((before) => Number(document.body.dataset.formLoads) > before, loads);
    }
  }

  /** Sync = Yes, a kind of help, one solution from the catalog: what a seller does to share a deal. */
  async prepareShare(options: { help: string; solution: string; visible?: boolean }): Promise<void> {
    const section = this.section;
    await section.getByRole("switch", { name: "Sync with Partner Center" }).click();
    await section.getByRole("combobox", { name: "How can Microsoft help?" }).click();
    await this.page.getByRole("listbox").getByRole("option", { name: new RegExp(options.help) }).click();
    if (options.visible) {
      await section.getByRole("switch", { name: "Microsoft Partner Center Referral Visibility" }).click();
      await this.page.getByRole("alertdialog").getByRole("button", { name: "Make visible" }).click();
    }
    await section.getByRole("searchbox").fill(options.solution.split(" ")[1]);
    await section.getByRole("button", { name: `Add ${options.solution}` }).click();
    await this.attachedSolution(options.solution).waitFor();
  }

  attachedSolution(name: string): Locator {
    return this.field("cosell_solutions").getByRole("grid").getByText(name, { exact: true });
  }

  async save(): Promise<void> {
    await this.command("Save").click();
  }

  /**
   * After a save with Sync = Yes the form asks the relay to sync. The Dataverse webhook may have
   * started the same sync a moment earlier: then the relay answers that Partner Center is already up
   * to date, or, while that sync still runs, that the change is queued. The form then reloads with
   * what the relay has written so far.
   */
  async sharedNotice(): Promise<void> {
    await this.notification(/Shared with Microsoft\. Referral [0-9a-f-]{36}\.|Partner Center is already up to date\.|Queued for Partner Center\./).waitFor();
  }

  /** Opens a list and presses its Refresh until a record named `name` shows, then opens that record. */
  async openFromList(entity: string, name: string, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    await this.openList(entity);
    const link = this.page.getByRole("link", { name, exact: true });
    const deadline = Date.now() + timeoutMs;
    while (!(await link.isVisible())) {
      if (Date.now() > deadline) throw new Error(`"${name}" did not show in the ${entity} list within ${timeoutMs / 1000} s.`);
      await this.page.locator(".command-bar").getByRole("button", { name: "Refresh" }).click();
      await this.page.locator("table.grid").waitFor();
    }
    await link.click();
    await this.formReady();
  }

  /** Confirms the platform's confirm dialog. */
  async confirmDialog(): Promise<void> {
    await this.page.getByRole("dialog").getByRole("button").first().click();
  }
}

export class PartnerCenterPage {
  constructor(
    readonly page: Page,
    readonly url: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(`${this.url}/`);
    await this.page.locator("#referrals tr").first().waitFor();
  }

  /** The table row of a referral, found by deal name; the page refreshes itself every 2 s. */
  row(name: string | RegExp): Locator {
    return this.page.locator("#referrals tr").filter({ hasText: name });
  }

  /** The deal value cell of a referral, e.g. "310,000 EUR". */
  value(name: string | RegExp): Locator {
    return this.row(name).locator("td").nth(3);
  }

  async sendReferral(fields: { name: string; customer: string; dealValue: string; currency: string; country: string; notes: string }): Promise<void> {
    const form = this.page.locator("#incoming");
    await form.locator('select[name="from"]').selectOption("microsoft");
    for (const [name, value] of Object.entries(fields)) await form.locator(`[name="${name}"]`).fill(value);
    await form.getByRole("button", { name: "Send referral" }).click();
    await this.row(fields.name).waitFor();
  }
}
