/**
 * Bad input from sellers and admins: every co-sell rule a deal can break, a country or currency
 * that is not ISO, notes longer than Partner Center takes, an invalid solution id in the catalog
 * import, field-mapping JSON that does not parse, a deal value field that does not exist. Each one
 * gets a clear message (what is wrong and how to fix it) where the person sees it, and nothing at
 * all is sent to Partner Center.
 */
import { EnvironmentVariables, HelpNeededOptions, OpportunityColumns, parseAuditLog, SolutionTable, SyncStatusOptions } from "@cosell/core";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { CrmSession, Row } from "../integration/support/crm";
import { attachSolution, createCustomer } from "../integration/support/deals";
import { prepareSeller, type SellerSetup } from "./support/deals";
import { SELLER, startEnvironment, until, type Environment } from "./support/environment";

interface Violation {
  code: string;
  field: string;
  message: string;
  fix: string;
}
interface SyncAnswer {
  outcome: string;
  message: string;
  violations?: Violation[];
}

describe("bad input from sellers and admins", () => {
  let env: Environment;
  let setup: SellerSetup;
  let n = 0;
  const refused: string[] = [];

  /** Partner Center requests that would change something: none may happen in this file. */
  const partnerCenterWrites = () =>
    Object.entries(env.partnerCenter.counters.snapshot())
      .filter(([route]) => /^(POST|PATCH|PUT|DELETE) \/v1\.0\/engagements\/referrals/.test(route))
      .reduce((sum, [, byStatus]) => sum + Object.values(byStatus).reduce((a, b) => a + b, 0), 0);

  /** A deal as a seller fills it in, with `broken` applied, saved with Sync = Yes. */
  async function brokenDeal(broken: { opportunity?: Row; account?: Row; contact?: Row | null; solution?: boolean; seller?: CrmSession }): Promise<string> {
    n++;
    const seller = broken.seller ?? env.seller;
    const customer = await createCustomer(
      seller,
      { name: `Broken ${n} Ltd`, address1_postalcode: "98052", address1_country: "US", ...broken.account },
      broken.contact === null ? undefined : { firstname: "Lee", lastname: `Broken ${n}`, emailaddress1: `lee.${n}@broken.example`, ...broken.contact },
    );
    const id = await seller.create("opportunities", {
      name: `Broken deal ${n}`,
      estimatedvalue: 25_000,
      estimatedclosedate: "2030-06-30",
      description: "Customer wants a data platform.",
      [OpportunityColumns.helpNeeded]: HelpNeededOptions.CustomerTechnicalArchitecture,
      [OpportunityColumns.visibility]: true,
      "parentaccountid@odata.bind": `/accounts(${customer.accountId})`,
      "customerid_account@odata.bind": `/accounts(${customer.accountId})`,
      ...(broken.contact === null ? {} : { "parentcontactid@odata.bind": `/contacts(${customer.contactId})` }),
      "transactioncurrencyid@odata.bind": `/transactioncurrencies(${setup.usdId})`,
      ...broken.opportunity,
    });
    if (broken.solution !== false) await attachSolution(seller, id, setup.solutionRowId);
    await seller.update("opportunities", id, { [OpportunityColumns.syncWithPartnerCenter]: true });
    return id;
  }

  /** What the form shows after "Sync now": the relay's answer for the seller. */
  async function syncNow(id: string, language = "en-US", user = SELLER): Promise<SyncAnswer> {
    const response = await fetch(`${env.relayUrl}/api/v1/opportunities/${id}/sync`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await env.sellerToken(user)}`, "accept-language": language },
      body: "{}",
    });
    expect(response.status).toBe(200);
    return (await response.json()) as SyncAnswer;
  }

  /** What the seller sees on the record: Sync Status Error, ✖ on the name, the problem in Audit. */
  async function recordSays(id: string): Promise<{ name: string; messages: string[] }> {
    const row = await until(async () => {
      const current = await env.admin.get("opportunities", id);
      return current[OpportunityColumns.syncStatus] === SyncStatusOptions.Error && current;
    }, "Sync Status Error on the opportunity");
    expect(row[OpportunityColumns.referralId] ?? null).toBeNull();
    const messages = parseAuditLog(String(row[OpportunityColumns.audit])).flatMap((item) => (item.kind === "entry" && item.outcome === "error" ? [`${item.message} ${item.fix ?? ""}`] : []));
    return { name: String(row.name), messages };
  }

  beforeAll(async () => {
    env = await startEnvironment({ database: "postgres" });
    setup = await prepareSeller(env);
  });
  afterAll(async () => {
    console.log(`bad input: ${refused.length} kinds of bad input refused with a message (${refused.join("; ")}), ${partnerCenterWrites()} Partner Center writes, ${env?.leakedSecrets().length ?? 0} log lines with secrets`);
    expect(env.leakedSecrets()).toEqual([]);
    await env?.stop();
  });
  afterEach(() => {
    expect(partnerCenterWrites()).toBe(0);
  });

  const rules: [string, () => Promise<string>, string, RegExp][] = [
    ["no solution attached", () => brokenDeal({ solution: false }), "solution-required", /at least one solution/],
    ["co-sell without a customer contact", () => brokenDeal({ contact: null }), "contact-required", /needs a customer contact/],
    ["a contact without an e-mail", () => brokenDeal({ contact: { emailaddress1: null } }), "contact-incomplete", /has no name or e-mail/],
    ["no country on the account", () => brokenDeal({ account: { address1_country: null } }), "country-missing", /no country code/],
    ["a country that is not ISO 3166", () => brokenDeal({ account: { address1_country: "USA" } }), "country-invalid", /"USA" is not a two-letter ISO 3166/],
    ["no deal value", () => brokenDeal({ opportunity: { estimatedvalue: null } }), "deal-value-missing", /deal value is empty/],
    ["a negative deal value", () => brokenDeal({ opportunity: { estimatedvalue: -5 } }), "deal-value-invalid", /must be a number of zero or more/],
    ["no close date", () => brokenDeal({ opportunity: { estimatedclosedate: null } }), "close-date-missing", /close date is empty/],
    ["no description", () => brokenDeal({ opportunity: { description: null } }), "notes-missing", /description is empty/],
    ["no topic", () => brokenDeal({ opportunity: { name: "" } }), "name-missing", /has no name/],
    ["no customer account", () => brokenDeal({ opportunity: { "parentaccountid@odata.bind": null, "customerid_account@odata.bind": null } }), "customer-missing", /no customer account/],
  ];

  it.each(rules)("%s: the form and Audit say what to fix, nothing is sent", async (kind, make, code, text) => {
    const id = await make();
    const answer = await syncNow(id);
    expect(answer.outcome).toBe("invalid");
    const violation = answer.violations?.find((v) => v.code === code);
    expect(violation).toMatchObject({ message: expect.stringMatching(text), fix: expect.any(String) });
    expect(violation!.fix.length).toBeGreaterThan(10);
    const record = await recordSays(id);
    // A mark alone is no name: a deal without a topic keeps it empty, and Audit says what to fix.
    expect(record.name).toMatch(code === "name-missing" ? /^$/ : /✖$/);
    expect(record.messages.join("\n")).toMatch(text);
    refused.push(kind);
  });

  it("an owner without a phone number: the new seller is told to complete their profile", async () => {
    const newHire = { upn: "pat.newhire@contoso.example", name: "Pat Newhire" };
    const id = await brokenDeal({ seller: env.sessionFor(newHire) });
    const answer = await syncNow(id, "en-US", newHire);
    expect(answer.violations).toEqual(expect.arrayContaining([expect.objectContaining({ code: "owner-incomplete", fix: expect.stringMatching(/main phone/) })]));
    expect((await recordSays(id)).messages.join("\n")).toMatch(/owner's name, e-mail and phone/);
    refused.push("owner without a phone");
  });

  it("a currency whose code is not ISO 4217: the form and Audit say so", async () => {
    const bitcoin = await env.admin.create("transactioncurrencies", { isocurrencycode: "XBT", currencyname: "Bitcoin", currencysymbol: "₿", exchangerate: 0.00002, currencyprecision: 2 });
    const id = await brokenDeal({ opportunity: { "transactioncurrencyid@odata.bind": `/transactioncurrencies(${bitcoin})` } });
    const answer = await syncNow(id);
    expect(answer.violations).toEqual(expect.arrayContaining([expect.objectContaining({ code: "currency-invalid", message: expect.stringContaining('"XBT"') })]));
    expect((await recordSays(id)).messages.join("\n")).toContain("ISO 4217");
    refused.push("currency not ISO 4217");
  });

  it("several problems at once are all listed, in the seller's language", async () => {
    const id = await brokenDeal({ account: { address1_country: "Sverige" }, opportunity: { description: null }, solution: false });
    const answer = await syncNow(id, "sv-SE");
    expect(answer.outcome).toBe("invalid");
    expect(answer.violations?.map((v) => v.code).sort()).toEqual(["country-invalid", "notes-missing", "solution-required"]);
    expect(answer.violations?.find((v) => v.code === "country-invalid")?.message).toMatch(/Sverige/);
    expect(answer.violations?.find((v) => v.code === "solution-required")?.message).not.toMatch(/Partner Center needs at least one solution/);
    refused.push("several problems, in Swedish");
  });

  it("oversized notes: refused before anything is sent", async () => {
    n++;
    const long = "Customer wants a data platform. ".repeat(70);
    let id: string | undefined;
    try {
      id = await brokenDeal({ opportunity: { description: long } });
    } catch (error) {
      // Dynamics 365 itself refuses text longer than the column, with its own message on the form.
      expect((error as Error).message).toMatch(/length|long|exceed/i);
      refused.push("oversized notes (by Dynamics 365)");
      return;
    }
    const answer = await syncNow(id);
    expect(answer.violations).toEqual(expect.arrayContaining([expect.objectContaining({ code: "notes-too-long", message: expect.stringContaining(`${long.length} characters`) })]));
    refused.push("oversized notes (by the relay)");
  });

  it("an invalid solution id in the catalog import: the row is named and nothing is written", async () => {
    const folder = mkdtempSync(path.join(tmpdir(), "cosell-catalog-"));
    const csv = path.join(folder, "catalog.csv");
    writeFileSync(csv, "Solution ID,Name,Kind\nSOL-60001-AAA,Good row,3P\nSOL-6-,Bad id,3P\n,No id at all,3P\n");
    const result = await env.cli(["catalog", "import", csv]);
    expect(result.code).toBe(1);
    expect(result.err).toContain('Row 3: "SOL-6-" is not a co-sell solution id');
    expect(result.err).toContain("nothing was written");
    expect(await env.admin.list(SolutionTable.entitySetName, `?$select=${SolutionTable.name}&$filter=${SolutionTable.solutionIdentifier} eq 'SOL-60001-AAA'`)).toEqual([]);
    refused.push("catalog import with an invalid solution id");
  });

  describe("admin settings", () => {
    it.each([
      ["field-mapping JSON that does not parse", EnvironmentVariables.fieldMapping.schemaName, '{"opportunity": {"details.dealValue": ["estimatedvalue"]', /cosell_FieldMapping/],
      ["a deal value field that does not exist", EnvironmentVariables.dealValueField.schemaName, "new_dealvaluethatisnotthere", /new_dealvaluethatisnotthere/],
    ])("%s: the record says which setting to fix, nothing is sent", async (kind, variable, value, text) => {
      // The relay caches the environment variables for a while; a fresh relay reads the broken value at once.
      const main = env;
      env = await startEnvironment({ database: "postgres" });
      try {
        setup = await prepareSeller(env);
        await setEnvironmentVariable(env, variable, value);
        const id = await brokenDeal({});
        const answer = await syncNow(id);
        expect(answer.outcome).toBe("invalid");
        expect(answer.message).toMatch(text);
        const record = await recordSays(id);
        expect(record.messages.join("\n")).toMatch(text);
        expect(partnerCenterWrites()).toBe(0);
        expect(env.leakedSecrets()).toEqual([]);
        refused.push(kind);
      } finally {
        await env.stop();
        env = main;
      }
    });
  });
});

async function setEnvironmentVariable(env: Environment, schemaName: string, value: string): Promise<void> {
  const [definition] = await env.admin.list("environmentvariabledefinitions", `?$select=environmentvariabledefinitionid&$filter=schemaname eq '${schemaName}'`);
  await env.admin.create("environmentvariablevalues", {
    value,
    schemaname: `${schemaName}_value`,
    "EnvironmentVariableDefinitionId@odata.bind": `/environmentvariabledefinitions(${String(definition.environmentvariabledefinitionid)})`,
  });
}
