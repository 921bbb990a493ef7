/**
 * The relay as deployed, end to end over HTTP: configured from its environment variables, fed by
 * the Partner Center emulator's signed webhooks and the Dataverse emulator's service endpoint,
 * called by a seller with an Entra ID token, checked by `doctor`, loaded by `catalog import`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { LeadColumns, OpportunityColumns, SolutionKindOptions, SolutionTable } from "@cosell/core";
import ExcelJS from "exceljs";
import { registerWebhook } from "../../relay/src/dataverse";
import { addCatalogSolution, attachSolution, completeSellerProfile, createCustomer, draftCoSellOpportunity } from "./support/deals";
import { until } from "./support/harness";
import { RELAY_APP, startRelayHarness, WEBHOOK_SECRET, type RelayHarness } from "./relay-harness";

describe("the relay over HTTP, between the two emulators", () => {
  let h: RelayHarness;
  let solutionRowId: string;

  beforeAll(async () => {
    h = await startRelayHarness();
    solutionRowId = await addCatalogSolution(h);
  });
  afterAll(async () => {
    await h?.stop();
  });
  afterEach(() => {
    if (h.logs.length) console.log(h.logs.join(""));
    h.logs.length = 0;
  });

  it("is live and ready, and tells the form how to sign in", async () => {
    expect(await (await fetch(`${h.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${h.url}/readyz`)).json()).toMatchObject({ status: "ready", checks: { database: { ok: true }, queue: { ok: true } } });
    expect(await (await fetch(`${h.url}/api/v1/client-config`)).json()).toEqual({
      auth: { kind: "msal", clientId: "9a8b7c6d-5e4f-4321-8fed-cba987654321", authority: `${h.identity.baseUrl}/${h.identity.tenantId}`, scopes: ["api://9a8b7c6d-5e4f-4321-8fed-cba987654321/user_impersonation"] },
    });
  });

  it("turns a signed Partner Center event into a pull job, and the incoming referral into a lead", async () => {
    const registered = await h.cli(["--public-url", h.url, "webhooks", "register"]);
    expect(registered).toMatchObject({ code: 0 });
    expect(h.partnerCenter.registration()?.webhookUrl).toBe(`${h.url}/hooks/partner-center`);

    const referral = h.partnerCenter.microsoft.createIncomingReferral();
    const referralId = String(referral.id);
    const lead = await until(async () => (await h.admin.list("leads", `?$select=leadid,subject&$filter=${LeadColumns.referralId} eq '${referralId}'`))[0], "the lead of the incoming referral");
    expect(lead.leadid).toBeTruthy();
    // The lead is written before its link is recorded: wait for the job to finish.
    expect(await until(async () => (await h.relay.state.linkByReferral(referralId))?.crmId, "the link of the incoming referral")).toBe(lead.leadid);

    const delivery = h.partnerCenter.deliveries.list().find((d) => JSON.stringify(d).includes(referralId));
    expect(delivery).toBeDefined();
    const metrics = await (await fetch(`${h.url}/metrics`)).text();
    expect(metrics).toMatch(/cosell_events_received_total\{source="partner-center",type="referral-created"\} [1-9]/);
    expect(metrics).toMatch(/cosell_jobs_total\{queue="pull-referral",outcome="completed"\} [1-9]/);
    expect(metrics).toMatch(/cosell_sync_latency_seconds_count\{queue="pull-referral"\} [1-9]/);
    expect(metrics).toMatch(/cosell_upstream_requests_total\{platform="partner-center"\} [1-9]/);
  });

  it("syncs an opportunity for the seller who asked, acting on Dataverse as that seller", async () => {
    const sellerUserId = await completeSellerProfile(h);
    const customer = await createCustomer(h.seller);
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Contoso warehouse robots" });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });

    const refused = await fetch(`${h.url}/api/v1/opportunities/${opportunityId}/sync`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(refused.status).toBe(401);

    const response = await fetch(`${h.url}/api/v1/opportunities/${opportunityId}/sync`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${await h.sellerToken()}`, "accept-language": "en-US" },
      body: "{}",
    });
    const body = (await response.json()) as { outcome: string; referralId?: string; message: string };
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ outcome: "synced", referralId: expect.any(String), message: expect.any(String) });

    const referral = h.partnerCenter.referrals.get(body.referralId!);
    expect(referral).toMatchObject({ name: "Contoso warehouse robots", externalReferenceId: opportunityId });
    const row = await h.admin.get("opportunities", opportunityId, [OpportunityColumns.referralId, "_modifiedby_value", "_modifiedonbehalfby_value"]);
    expect(row[OpportunityColumns.referralId]).toBe(body.referralId);
    // Written as the seller, on behalf of whom the relay's application user acted.
    expect(row._modifiedby_value).toBe(sellerUserId);
    const [relayUser] = await h.admin.list("systemusers", `?$select=systemuserid&$filter=applicationid eq ${RELAY_APP.clientId}`);
    expect(row._modifiedonbehalfby_value).toBe(relayUser.systemuserid);
  });

  it("doctor names the Dataverse webhook steps that are missing, and the command that adds them", async () => {
    const hook = `${h.url}/hooks/dataverse`;
    const none = await h.cli(["doctor"], { COSELL_PUBLIC_URL: h.url });
    expect(none.out).toContain(`warn  Dataverse webhook: no service endpoint posts to ${hook}; changes reach Partner Center only through the reconcile sweep`);
    expect(none.out).toContain('fix: run "cosell-relay dataverse register-webhook".');

    // As an admin might have set it up by hand: opportunity steps only, watching two columns.
    await registerWebhook(h.relay.dataverse, {
      name: "Co-sell relay",
      url: hook,
      secret: { header: "x-cosell-webhook-secret", value: WEBHOOK_SECRET },
      steps: [
        { message: "Create", table: "opportunity" },
        { message: "Update", table: "opportunity", filteringAttributes: ["name", "estimatedvalue"] },
      ],
    });
    const partial = await h.cli(["doctor"], { COSELL_PUBLIC_URL: h.url });
    expect(partial.out).toMatch(/warn {2}Dataverse webhook: service endpoint "Co-sell relay" posts to .*, but Update of opportunity does not notify on .*cosell_syncwithpartnercenter.*; no step for Update of lead: those changes wait for the reconcile sweep/);
  });

  it("registers its Dataverse webhook, and a second relay may not take it over unasked", async () => {
    const registered = await h.cli(["--public-url", h.url, "dataverse", "register-webhook"]);
    expect(registered.err).toBe("");
    expect(registered.code).toBe(0);
    expect(registered.out).toContain(`Service endpoint "Co-sell relay" posts to ${h.url}/hooks/dataverse, with the shared secret in the x-cosell-webhook-secret header.`);
    expect(registered.out).toContain("Step: Create of opportunity");
    const watched = /Step: Update of opportunity, when (.*) change/.exec(registered.out)?.[1].split(", ");
    expect(watched).toEqual(expect.arrayContaining(["cosell_syncwithpartnercenter", "cosell_helpneeded", "estimatedvalue", "estimatedclosedate", "transactioncurrencyid"]));
    expect(watched).not.toContain("cosell_audit");
    expect(registered.out).toContain("Step: Update of lead, when statecode, statuscode, cosell_declinereason change");
    // The emulator offers no Win/Lose message filters on opportunity; the command says what that means.
    expect(registered.out).toContain("Not registered: Win of opportunity. Dataverse cannot run Win steps on table opportunity. Such changes reach Partner Center only through a reconcile sweep");

    const [endpoint] = await h.admin.list("serviceendpoints", "?$select=serviceendpointid,url,authtype&$filter=name eq 'Co-sell relay'");
    expect(endpoint).toMatchObject({ url: `${h.url}/hooks/dataverse`, authtype: 5 });
    const steps = await h.admin.list("sdkmessageprocessingsteps", `?$select=name,filteringattributes&$filter=_eventhandler_value eq ${String(endpoint.serviceendpointid)}`);
    expect(steps.map((step) => step.name).sort()).toEqual(["Co-sell relay: Create of opportunity", "Co-sell relay: Update of lead", "Co-sell relay: Update of opportunity"]);

    const again = await h.cli(["--public-url", h.url, "dataverse", "register-webhook"]);
    expect(again.code).toBe(0);
    expect(await h.admin.list("sdkmessageprocessingsteps", `?$select=name&$filter=_eventhandler_value eq ${String(endpoint.serviceendpointid)}`)).toHaveLength(3);

    const elsewhere = await h.cli(["--public-url", "https://staging-relay.contoso.example", "dataverse", "register-webhook"]);
    expect(elsewhere.code).toBe(1);
    expect(elsewhere.err).toContain(`already posts to ${h.url}/hooks/dataverse, which is not this relay`);
    expect(elsewhere.err).toContain("--overwrite");
    expect((await h.admin.get("serviceendpoints", String(endpoint.serviceendpointid), ["url"])).url).toBe(`${h.url}/hooks/dataverse`);
  });

  it("pushes an opportunity when Dataverse's service endpoint reports Sync = Yes", async () => {
    await completeSellerProfile(h);
    const customer = await createCustomer(h.seller, { name: "Fourth Coffee", address1_postalcode: "10115", address1_country: "DE" }, { firstname: "Max", lastname: "Muster", emailaddress1: "max@fourthcoffee.example" });
    const opportunityId = await draftCoSellOpportunity(h, customer, { name: "Fourth Coffee rollout" });
    await attachSolution(h.seller, opportunityId, solutionRowId);
    await h.seller.update("opportunities", opportunityId, { [OpportunityColumns.syncWithPartnerCenter]: true });

    const referralId = await until(
      async () => ((await h.admin.get("opportunities", opportunityId, [OpportunityColumns.referralId]))[OpportunityColumns.referralId] as string | null) ?? undefined,
      "the referral id on the opportunity",
    );
    expect(h.partnerCenter.referrals.get(referralId)).toMatchObject({ name: "Fourth Coffee rollout", externalReferenceId: opportunityId });
    expect(h.dataverse.webhooks.deliveries.some((d) => d.id === opportunityId && d.delivered && d.status === 202)).toBe(true);
    expect(await (await fetch(`${h.url}/metrics`)).text()).toMatch(/cosell_events_received_total\{source="dataverse",type="opportunity-update"\} [1-9]/);
  });

  it("doctor checks the relay's environment and prints ok lines", async () => {
    const { code, out } = await h.cli(["doctor"], { COSELL_PUBLIC_URL: h.url });
    expect(out).toMatch(/^ok {4}Configuration: /m);
    expect(out).toMatch(/^ok {4}Partner Center Referrals API: reachable/m);
    expect(out).toContain(`ok    Partner Center webhook registration: ${h.url}/hooks/partner-center receives`);
    expect(out).toMatch(/^ok {4}Dataverse access: signed in as application user /m);
    expect(out).toMatch(/^ok {4}Dataverse environment variables: all 5 valid/m);
    expect(out).toContain(`ok    Dataverse webhook: service endpoint "Co-sell relay" posts to ${h.url}/hooks/dataverse (3 steps)`);
    expect(out).toContain("skip  Dataverse webhook: this environment runs no Win of opportunity or Lose of opportunity steps; won and lost opportunities sync at the next reconcile sweep");
    // The running relay holds the database; doctor says so instead of opening it twice.
    expect(out).toMatch(/^skip {2}Job queue: the relay \(process \d+\) has the database open/m);
    expect(code).toBe(0);
  });

  describe("catalog import", () => {
    const folder = mkdtempSync(path.join(tmpdir(), "relay-catalog-"));
    const catalogRow = async (identifier: string) =>
      (await h.admin.list(SolutionTable.entitySetName, `?$select=${SolutionTable.name},${SolutionTable.kind},${SolutionTable.publisher}&$filter=${SolutionTable.solutionIdentifier} eq '${identifier}'`))[0];

    it("creates the rows of a CSV, and a second run changes nothing", async () => {
      const csv = path.join(folder, "catalog.csv");
      writeFileSync(csv, "Solution ID,Name,Kind,Publisher\nSOL-50001-AAA,Contoso Route Planner,Co-sell ready partner solution,Contoso\nSOL-50002-BBB,Azure OpenAI,Microsoft solution,Microsoft\n");
      const first = await h.cli(["catalog", "import", csv]);
      expect(first).toMatchObject({ code: 0, out: expect.stringContaining("Imported 2 solutions from") });
      expect(first.out).toContain("2 created, 0 updated, 0 unchanged");
      expect(await catalogRow("SOL-50002-BBB")).toMatchObject({ [SolutionTable.name]: "Azure OpenAI", [SolutionTable.kind]: SolutionKindOptions.MicrosoftSolution, [SolutionTable.publisher]: "Microsoft" });

      const again = await h.cli(["catalog", "import", csv]);
      expect(again.out).toContain("0 created, 0 updated, 2 unchanged");
    });

    it("updates and adds rows from a workbook, keyed by solution id", async () => {
      const workbook = new ExcelJS.Workbook();
      const sheet = workbook.addWorksheet("Catalog");
      sheet.addRow(["Solution ID", "Name", "Kind"]);
      sheet.addRow(["SOL-50001-AAA", "Contoso Route Planner 2", "3P"]);
      sheet.addRow(["SOL-50003-CCC", "Contoso Dispatch", "3P"]);
      const xlsx = path.join(folder, "catalog.xlsx");
      await workbook.xlsx.writeFile(xlsx);

      const result = await h.cli(["catalog", "import", xlsx]);
      expect(result.code).toBe(0);
      expect(result.out).toContain("1 created, 1 updated, 0 unchanged");
      expect(await catalogRow("SOL-50001-AAA")).toMatchObject({ [SolutionTable.name]: "Contoso Route Planner 2", [SolutionTable.publisher]: "Contoso" });
      expect(await catalogRow("SOL-50003-CCC")).toMatchObject({ [SolutionTable.kind]: SolutionKindOptions.CoSellReadyPartnerSolution });
    });

    it("writes nothing when a row is wrong, and names the row", async () => {
      const csv = path.join(folder, "broken.csv");
      writeFileSync(csv, "Solution ID,Name,Kind\nSOL-50004-DDD,Good row,3P\nSOL-5-,Bad id,3P\n");
      const result = await h.cli(["catalog", "import", csv]);
      expect(result.code).toBe(1);
      expect(result.err).toContain('Row 3: "SOL-5-" is not a co-sell solution id');
      expect(result.err).toContain("nothing was written");
      expect(await catalogRow("SOL-50004-DDD")).toBeUndefined();
    });
  });
});
