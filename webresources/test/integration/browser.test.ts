/**
 * The built web resources in Chromium, served the way Dataverse serves them (cache-token paths
 * under `/webresources/`): both form scripts load as classic scripts into one `CoSell` namespace,
 * the Opportunity script imports the co-sell library ES module through `getWebResourceUrl`, runs
 * core's rules in the browser and reads its strings with `getResourceString`; MSAL imports too.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { OpportunityColumns } from "@cosell/core";
import { buildWebResources, type WebResourceFile } from "../../scripts/bundle";
import { resourceStrings } from "../../src/strings";

const CHROMIUM = "/usr/bin/chromium";
const CACHE_TOKEN = "%7B638900000000000000%7D";

let outDir: string;
let server: Server;
let origin: string;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium is needed at ${CHROMIUM} for this test (apt-get install chromium).`);
  outDir = await mkdtemp(path.join(tmpdir(), "cosell-browser-"));
  const files = await buildWebResources(outDir);
  server = createServer((req, res) => void serve(files, req.url ?? "/", res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((r) => server?.close(r));
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

beforeEach(async () => {
  page = await browser.newPage();
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${origin}/main.aspx`);
  expect(errors).toEqual([]);
});
afterEach(async () => {
  await page.close();
});

async function serve(files: WebResourceFile[], url: string, res: import("node:http").ServerResponse): Promise<void> {
  if (url === "/main.aspx") {
    res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
    res.end(hostPage());
    return;
  }
  const name = decodeURIComponent(url).replace(/^\/\{\d+\}\/webresources\//, "");
  const file = files.find((f) => f.name === name);
  if (!file) {
    res.writeHead(404).end();
    return;
  }
  // Dataverse serves JScript web resources with a JavaScript MIME type, which module imports need.
  res.writeHead(200, { "Content-Type": file.type === 3 ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8" });
  res.end(await readFile(path.join(outDir, file.file)));
}

/** A model-driven page in miniature: the parts of `Xrm` and of a form context the scripts touch. */
function hostPage(): string {
  const strings = JSON.stringify(resourceStrings(1033));
  return `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><script>
window.CoSell = { Host: { loaded: true } };
const strings = ${strings};
const rows = {
  opportunity: { opportunityid: "66666666-6666-4666-8666-666666666666", name: "Deal", estimatedvalue: 1000, estimatedclosedate: "2031-01-01",
    description: null, statecode: 0, _parentaccountid_value: null, _transactioncurrencyid_value: null, _ownerid_value: null,
    cosell_syncwithpartnercenter: true, cosell_opportunity_cosell_solution: [] },
};
window.notifications = [];
window.Xrm = {
  Utility: {
    getGlobalContext: () => ({
      getClientUrl: () => location.origin,
      getWebResourceUrl: (name) => "/${CACHE_TOKEN}/webresources/" + name,
      userSettings: { languageId: 1033, userId: "{11111111-1111-4111-8111-111111111111}" },
    }),
    getResourceString: (library, key) => (library === "cosell_/strings/FormScripts" ? strings[key] ?? null : null),
  },
  WebApi: {
    retrieveMultipleRecords: async () => ({ entities: [] }),
    retrieveRecord: async (entity) => ({ ...rows[entity] }),
  },
};
const values = { ${JSON.stringify(OpportunityColumns.syncWithPartnerCenter)}: true };
const attribute = (name) => ({
  getName: () => name, getValue: () => values[name] ?? null, addOnChange() {},
  controls: { get: () => [], forEach() {} },
});
window.formContext = {
  getAttribute: (name) => (name === undefined ? Object.keys(values).map(attribute) : name in values ? attribute(name) : null),
  getControl: () => null,
  data: { addOnLoad() {}, entity: { getId: () => "{66666666-6666-4666-8666-666666666666}", addOnPostSave() {}, getEntityName: () => "opportunity" } },
  ui: {
    setFormNotification: (message, level, id) => window.notifications.push({ message, level, id }),
    clearFormNotification: () => true,
    refreshRibbon() {},
  },
};
</script>
<script src="/${CACHE_TOKEN}/webresources/cosell_/js/OpportunityForm.js"></script>
<script src="/${CACHE_TOKEN}/webresources/cosell_/js/LeadForm.js"></script>
</body></html>`;
}

test("both form scripts register in one CoSell namespace next to what was there", async () => {
  const namespace = await page.evaluate(() => {
    const ns = (window as unknown as { CoSell: Record<string, Record<string, unknown>> }).CoSell;
    return Object.fromEntries(Object.entries(ns).map(([k, v]) => [k, Object.keys(v).sort()]));
  });
  expect(namespace).toEqual({
    Host: ["loaded"],
    OpportunityForm: ["isShareEnabled", "onCoSellFieldChange", "onLoad", "onSave", "shareWithMicrosoft"],
    LeadForm: ["acceptReferral", "declineReferral", "isReferralPending", "onLoad"],
  });
});

test("onLoad imports the co-sell library by its cached URL and shows core's rule messages", async () => {
  const requested: string[] = [];
  page.on("request", (r) => requested.push(new URL(r.url()).pathname));
  const notifications = await page.evaluate(async () => {
    const w = window as unknown as {
      CoSell: { OpportunityForm: { onLoad(ctx: unknown): Promise<void> } };
      formContext: unknown;
      notifications: { message: string; level: string; id: string }[];
    };
    await w.CoSell.OpportunityForm.onLoad({ getFormContext: () => w.formContext });
    return w.notifications;
  });
  expect(requested).toContain(`/${CACHE_TOKEN}/webresources/cosell_/js/CoSellLibrary.js`);
  const ids = notifications.map((n) => n.id);
  expect(ids).toContain("cosell.rule.solution-required.cosell_opportunity_cosell_solution");
  expect(ids).toContain("cosell.rule.notes-missing.description");
  expect(notifications.find((n) => n.id.includes("solution-required"))?.message).toBe(
    `${resourceStrings(1033)["rule.solution-required"]} ${resourceStrings(1033)["rule.solution-required.fix"]}`,
  );
});

test("the MSAL web resource imports as an ES module in the browser", async () => {
  const exported = await page.evaluate(async (url) => {
    const msal = (await import(url)) as Record<string, unknown>;
    return [typeof msal.PublicClientApplication, typeof msal.InteractionRequiredAuthError];
  }, `/${CACHE_TOKEN}/webresources/cosell_/js/Msal.js`);
  expect(exported).toEqual(["function", "function"]);
});
