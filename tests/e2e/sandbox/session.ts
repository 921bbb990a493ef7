/**
 * One sandbox (`startSandbox`, the code behind `npm start`) on free ports with a throw-away data
 * folder, and Chromium pages on its form harness and Partner Center emulator page.
 */
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { startSandbox, type Sandbox } from "../../../scripts/sandbox/index";
import { DEFAULT_ENVIRONMENT } from "../../../scripts/sandbox/options";

export const REPO = path.resolve(__dirname, "../../..");
const SCREENSHOTS = path.join(REPO, "test-results", "screenshots");
const WALKTHROUGH = path.join(REPO, "docs", "screenshots");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export interface E2eSession {
  sandbox: Sandbox;
  browser: Browser;
  /** Lines the sandbox printed while starting, for a failing start's message. */
  log: string[];
  close(): Promise<void>;
}

export async function startSession(): Promise<E2eSession> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "cosell-e2e-"));
  const log: string[] = [];
  const sandbox = await startSandboxIn(dataDir, DEFAULT_ENVIRONMENT, log);
  const browser = await launchChromium();
  return {
    sandbox,
    browser,
    log,
    async close() {
      await browser.close();
      await sandbox.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium is not installed at ${CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM_PATH.`);
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** `npm start -- --environment <name> --data-dir <dataDir>` on free ports. */
export function startSandboxIn(dataDir: string, environment: string, log: string[]): Promise<Sandbox> {
  return startSandbox(
    { ports: { harness: 0, partnerCenter: 0, dataverse: 0, relay: 0, identity: 0 }, dataDir, reset: false, build: true, relayLogLevel: "error", environment },
    (line) => log.push(line),
  );
}

export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and script errors the harness reported; a test fails on any. */
  errors: string[];
}

/**
 * A browser profile on the harness. Requests to other origins (the Office CDN Fluent UI loads fonts
 * and icons from, as in Dynamics 365) are refused: the suite runs offline.
 */
export async function openBrowser(session: Pick<E2eSession, "browser" | "sandbox">, options: { languageId?: number } = {}): Promise<UserPage> {
  // The browser's locale follows the user's Dynamics language, as a person's browser would.
  const locale = ({ 1053: "sv-SE", 2052: "zh-CN", 1043: "nl-NL", 1040: "it-IT", 1045: "pl-PL" } as Record<number, string>)[options.languageId ?? 1033] ?? "en-US";
  const context = await session.browser.newContext({ viewport: { width: 1440, height: 1000 }, locale });
  const { harness, partnerCenter } = session.sandbox.urls;
  await context.route((url) => !url.href.startsWith(harness) && !url.href.startsWith(partnerCenter) && !url.href.startsWith(session.sandbox.urls.relay) && !url.href.startsWith(session.sandbox.urls.identity), (route) => route.abort("blockedbyclient"));
  if (options.languageId) await context.addCookies([{ name: "cosell_sandbox_lang", value: String(options.languageId), url: harness }]);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" && message.text().startsWith("Script error")) errors.push(message.text());
  });
  return { context, page, errors };
}

export async function screenshot(page: Page, name: string, options: { walkthrough?: boolean } = {}): Promise<void> {
  const file = path.join(SCREENSHOTS, `${name.replace(/[^\w/ ·-]+/g, "_")}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  if (options.walkthrough) {
    fs.mkdirSync(WALKTHROUGH, { recursive: true });
    fs.copyFileSync(file, path.join(WALKTHROUGH, `${name}.png`));
  }
}
