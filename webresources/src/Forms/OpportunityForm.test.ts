import { EnvironmentVariables, OpportunityColumns, SyncStatusOptions, renderAuditLog } from "@cosell/core";
import type { FakeDataverse } from "../../test/fakes/FakeDataverse";
import { FakeRelay } from "../../test/fakes/FakeRelay";
import { coSellOrg, ids } from "../../test/fixtures/coSellOrg";
import { openOpportunity } from "../../test/openForm";
import { waitFor } from "../../test/waitFor";

const RELAY_URL = EnvironmentVariables.relayUrl.schemaName;
const PRIVILEGE_DENIED = { errorCode: 0x80040220, message: "Principal user is missing prvReadEnvironmentVariableDefinition privilege." };

let relay: FakeRelay;
beforeEach(async () => {
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await relay.stop();
});

const orgWithRelay = (): FakeDataverse => coSellOrg({ environment: { [RELAY_URL]: relay.url } });

function setRow(org: FakeDataverse, values: Record<string, unknown>): void {
  Object.assign(org.row("opportunity", ids.opportunity)!, values);
}

describe("onLoad", () => {
  test("locks the columns the relay owns and leaves the seller's columns editable", async () => {
    const form = openOpportunity(orgWithRelay());
    await form.loaded;
    for (const column of [
      OpportunityColumns.referralId,
      OpportunityColumns.referralLink,
      OpportunityColumns.microsoftCrmId,
      OpportunityColumns.audit,
      OpportunityColumns.syncStatus,
      OpportunityColumns.referralStatus,
      OpportunityColumns.lastSyncedOn,
    ]) {
      expect(form.control(column).getDisabled()).toBe(true);
    }
    for (const column of ["name", OpportunityColumns.syncWithPartnerCenter, OpportunityColumns.helpNeeded]) {
      expect(form.control(column).getDisabled()).toBe(false);
    }
  });

  test("hides the referral link, status and Microsoft CRM id until they mean something", async () => {
    const form = openOpportunity(orgWithRelay());
    await form.loaded;
    expect(form.control(OpportunityColumns.referralLink).getVisible()).toBe(false);
    expect(form.control(OpportunityColumns.referralStatus).getVisible()).toBe(false);
    expect(form.control(OpportunityColumns.lastSyncedOn).getVisible()).toBe(false);
    expect(form.control(OpportunityColumns.microsoftCrmId).getVisible()).toBe(false);
  });

  test("shows them once the opportunity is linked to a referral", async () => {
    const org = orgWithRelay();
    setRow(org, {
      cosell_referralid: "4111fffc-2c8b-4f0c-bc4e-0c7f3f1c2d3e",
      cosell_referrallink: "https://partner.microsoft.com/dashboard/referrals/v2/deals/4111fffc",
      cosell_referralstatus: "Active · Accepted",
      cosell_microsoftcrmid: "7-ABCDEF",
    });
    const form = openOpportunity(org);
    await form.loaded;
    expect(form.control(OpportunityColumns.referralLink).getVisible()).toBe(true);
    expect(form.control(OpportunityColumns.referralStatus).getVisible()).toBe(true);
    expect(form.control(OpportunityColumns.microsoftCrmId).getVisible()).toBe(true);
  });

  test("puts the last sync error and its fix on top of the form, in the seller's language", async () => {
    const org = orgWithRelay();
    setRow(org, {
      cosell_syncstatus: SyncStatusOptions.Error,
      cosell_audit: renderAuditLog([
        { at: "2031-01-02T10:00:00Z", direction: "toPartnerCenter", outcome: "success", message: "Referral created." },
        {
          at: "2031-01-03T10:00:00Z",
          direction: "toPartnerCenter",
          outcome: "error",
          message: "Partner Center needs at least one solution on a shared referral.",
          fix: "Add a co-sell ready or Microsoft solution.",
        },
      ]),
    });
    const form = openOpportunity(org, { languageId: 1053 });
    await form.loaded;
    expect(form.formNotifications()).toContainEqual({
      uniqueId: "cosell.lastSyncError",
      level: "ERROR",
      message:
        "Den senaste synkroniseringen med Partner Center misslyckades: Partner Center needs at least one solution on a shared referral. " +
        "Så åtgärdar du det: Add a co-sell ready or Microsoft solution.",
    });
  });

  test("shows no sync error when the last sync succeeded", async () => {
    const org = orgWithRelay();
    setRow(org, { cosell_syncstatus: SyncStatusOptions.Synced, cosell_audit: "" });
    const form = openOpportunity(org);
    await form.loaded;
    expect(form.formNotifications().map((n) => n.uniqueId)).not.toContain("cosell.lastSyncError");
  });

  test("warns when the relay URL environment variable is empty", async () => {
    const form = openOpportunity(coSellOrg());
    await form.loaded;
    const warning = form.formNotifications().find((n) => n.uniqueId === "cosell.config");
    expect(warning?.level).toBe("WARNING");
    expect(warning?.message).toContain("cosell_RelayUrl");
    expect(warning?.message).toContain("is empty");
  });

  test("does not warn when the relay URL has a current value", async () => {
    const form = openOpportunity(orgWithRelay());
    await form.loaded;
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.config")).toBeUndefined();
  });

  test("names the variable and the fix when a value is unusable", async () => {
    const form = openOpportunity(coSellOrg({ environment: { [RELAY_URL]: "ftp://relay.contoso.example" } }));
    await form.loaded;
    const warning = form.formNotifications().find((n) => n.uniqueId === "cosell.config");
    expect(warning?.message).toMatch(/cosell_RelayUrl needs attention: .*ftp:\/\/relay\.contoso\.example.*https:\/\//);
  });

  test("says so when the settings cannot be read, and reads them again next time", async () => {
    const org = orgWithRelay();
    org.failNext("environmentvariabledefinition", PRIVILEGE_DENIED);
    const form = openOpportunity(org);
    await form.loaded;
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.config")?.message).toContain(
      "prvReadEnvironmentVariableDefinition",
    );
    await form.edit(OpportunityColumns.helpNeeded, null);
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.config")).toBeUndefined();
  });

  test("reads the environment variables once per page", async () => {
    const org = orgWithRelay();
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.visibility, true);
    await form.edit(OpportunityColumns.visibility, false);
    expect(org.calls.filter((c) => c.includes("environmentvariabledefinition"))).toHaveLength(1);
  });
});

describe("checks while the seller edits", () => {
  test("a complete opportunity set to sync shows no problem and refreshes the command bar", async () => {
    const form = openOpportunity(orgWithRelay());
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(form.controlNotifications("description")).toEqual([]);
    expect(form.formNotifications().filter((n) => n.level === "ERROR")).toEqual([]);
    expect(form.ribbonRefreshes).toBe(1);
  });

  test("one notification per problem, on the column when it is on the form, in the seller's language", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null });
    org.row("account", ids.account)!.address1_country = "Sverige";
    const form = openOpportunity(org, { languageId: 1045 });
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);

    const description = form.controlNotifications("description");
    expect(description).toHaveLength(1);
    expect(description[0]).toMatch(/opis/i);
    // The country is an account column, not on this form: a form notification says it.
    const country = form.formNotifications().filter((n) => n.uniqueId.includes("country-invalid"));
    expect(country).toHaveLength(1);
    expect(country[0].level).toBe("ERROR");
    expect(country[0].message).toContain("Sverige");
  });

  test("fixing the column clears its notification", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null });
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(form.controlNotifications("description")).toHaveLength(1);

    await form.edit("description", "Move the warehouse to Azure.");
    expect(form.controlNotifications("description")).toEqual([]);
  });

  test("switching sync off clears every co-sell problem", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null, cosell_syncwithpartnercenter: true });
    const form = openOpportunity(org);
    await form.loaded;
    expect(form.controlNotifications("description")).toHaveLength(1);

    await form.edit(OpportunityColumns.syncWithPartnerCenter, false);
    expect(form.controlNotifications("description")).toEqual([]);
  });

  test("asking Microsoft for help needs a customer contact", async () => {
    const org = orgWithRelay();
    org.row("opportunity", ids.opportunity)!._parentcontactid_value = null;
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(form.controlNotifications("parentcontactid")).toHaveLength(1);

    await form.edit(OpportunityColumns.helpNeeded, null);
    expect(form.controlNotifications("parentcontactid")).toEqual([]);
  });

  test("a referral visible to Microsoft sellers cannot be made private again", async () => {
    const org = orgWithRelay();
    // Partner-led (no help asked): visibility is the seller's own choice, until it is shared.
    setRow(org, {
      cosell_syncwithpartnercenter: true,
      cosell_helpneeded: null,
      cosell_visibility: true,
      cosell_referralid: "4111fffc-2c8b-4f0c-bc4e-0c7f3f1c2d3e",
      cosell_referralstatus: "Active · Accepted",
    });
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.visibility, false);
    expect(form.controlNotifications(OpportunityColumns.visibility)).toHaveLength(1);
  });

  test("a closed referral takes no changes", async () => {
    const org = orgWithRelay();
    setRow(org, {
      statecode: 1,
      statuscode: 3,
      cosell_syncwithpartnercenter: true,
      cosell_referralid: "4111fffc-2c8b-4f0c-bc4e-0c7f3f1c2d3e",
      cosell_referralstatus: "Closed · Won",
    });
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit("estimatedvalue", 150000);
    await form.edit(OpportunityColumns.helpNeeded, null);
    expect(form.controlNotifications("estimatedvalue")[0]).toContain("Closed · Won");
  });

  test("a solution is required before sharing; the subgrid is not a column, so the form says it", async () => {
    const org = orgWithRelay();
    const form = openOpportunity(org, { id: undefined });
    await form.loaded;
    await form.edit("name", "New deal");
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(form.formNotifications().some((n) => n.uniqueId.includes("solution-required"))).toBe(true);
  });
});

describe("saving", () => {
  test("an ordinary save with Sync = No is never held back and does not call the relay", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null });
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit("name", "Renamed");
    expect(await form.save()).toBe("saved");
    expect(org.row("opportunity", ids.opportunity)!.name).toBe("Renamed");
    expect(relay.apiRequests()).toEqual([]);
  });

  test("a save that would share an invalid referral is blocked with the problems on the form", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null });
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(await form.save()).toBe("prevented");
    await waitFor(() => form.formNotifications().some((n) => n.uniqueId === "cosell.saveBlocked"));
    expect(org.row("opportunity", ids.opportunity)!.cosell_syncwithpartnercenter).toBe(false);
    expect(form.saves).toEqual([{ mode: 1, outcome: "prevented" }]);
    expect(relay.apiRequests()).toEqual([]);
  });

  test("an autosave that would share an invalid referral is blocked too", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null });
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(await form.save(70)).toBe("prevented");
    await waitFor(() => form.formNotifications().some((n) => n.uniqueId === "cosell.saveBlocked"));
    expect(form.saves).toHaveLength(1);
  });

  test("a valid sharing save goes through, then the relay syncs and the form shows the referral", async () => {
    const org = orgWithRelay();
    relay.onCall = (route, id) => {
      if (route === "sync") setRow(org, { cosell_referralid: "REF-1", cosell_referrallink: "https://partner.microsoft.com/r/REF-1", cosell_syncstatus: SyncStatusOptions.Synced, opportunityid: id });
    };
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    expect(await form.save()).toBe("prevented");

    await waitFor(() => expect(form.formNotifications()).toContainEqual(expect.objectContaining({ uniqueId: "cosell.relay", message: "Shared with Microsoft. Referral REF-1." })));
    expect(form.saves).toEqual([
      { mode: 1, outcome: "prevented" },
      { mode: 1, outcome: "saved" },
    ]);
    expect(org.row("opportunity", ids.opportunity)!.cosell_syncwithpartnercenter).toBe(true);
    const [call] = relay.apiRequests();
    expect(call.path).toBe(`/api/v1/opportunities/${ids.opportunity}/sync`);
    expect(call.authorization).toBe("Bearer sandbox.alex.seller@contoso.example.1");
    // Reloaded after the call: the relay's columns are on the form and the link is shown.
    expect(form.attribute(OpportunityColumns.referralId).getValue()).toBe("REF-1");
    expect(form.control(OpportunityColumns.referralLink).getVisible()).toBe(true);
  });

  test("Save & Close closes the form once the checked save is done", async () => {
    const form = openOpportunity(orgWithRelay());
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    await form.save(2);
    await waitFor(() => form.closed);
    expect(form.saves.map((s) => s.outcome)).toEqual(["prevented", "saved"]);
  });

  test("Save & New opens a new opportunity once the checked save is done", async () => {
    const form = openOpportunity(orgWithRelay());
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    await form.save(59);
    await waitFor(() => form.openedForms.length === 1);
    expect(form.openedForms[0]).toEqual({ entityName: "opportunity" });
  });

  test("assigning the record is not a co-sell edit and is not held back", async () => {
    const org = orgWithRelay();
    setRow(org, { description: null, cosell_syncwithpartnercenter: true });
    const form = openOpportunity(org);
    await form.loaded;
    expect(await form.save(47)).toBe("saved");
  });

  test("when the checks cannot read Dataverse the save goes through with a warning", async () => {
    const org = orgWithRelay();
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    org.failNext("transactioncurrency", { errorCode: 0x80040220, message: "Principal user is missing prvReadTransactionCurrency privilege." });
    await form.save();
    await waitFor(() => form.saves.length === 2);
    expect(form.saves[1].outcome).toBe("saved");
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.checks")?.message).toContain("prvReadTransactionCurrency");
  });

  test("a change made while the check runs is checked again before anything is saved", async () => {
    const org = orgWithRelay();
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    const callsBefore = org.calls.length;
    const release = org.hold();
    await form.save();
    // While the check reads Dataverse, the seller empties the description.
    await waitFor(() => org.calls.length > callsBefore);
    await form.edit("description", "");
    release();
    await waitFor(() => form.formNotifications().some((n) => n.uniqueId === "cosell.saveBlocked"));
    expect(form.saves.map((s) => s.outcome)).not.toContain("saved");
    expect(org.row("opportunity", ids.opportunity)!.description).toBe("Move the warehouse to Azure.");
  });
});

describe("what the relay answers after a save", () => {
  async function shareAndSave(org: FakeDataverse, languageId?: number) {
    const form = openOpportunity(org, { languageId });
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    await form.save();
    await waitFor(() => form.saves.length === 2);
    return form;
  }
  const relayNotice = (form: Awaited<ReturnType<typeof shareAndSave>>) => form.formNotifications().find((n) => n.uniqueId === "cosell.relay");

  test("an unreachable relay is said plainly, with the background sync as the way forward", async () => {
    const org = orgWithRelay();
    await relay.stop();
    const form = await shareAndSave(org);
    await waitFor(() => expect(relayNotice(form)?.level).toBe("WARNING"));
    expect(relayNotice(form)?.message).toMatch(/could not be reached .*Your changes are saved; the background sync sends them to Partner Center/);
    relay = await FakeRelay.start();
  });

  test("a gateway answering for a stopped relay counts as unreachable", async () => {
    relay.answer("sync", { status: 503, body: "<html>Service Unavailable</html>", contentType: "text/html" });
    const form = await shareAndSave(orgWithRelay());
    await waitFor(() => expect(relayNotice(form)?.message).toContain("HTTP 503 from a gateway"));
  });

  test("a revoked token is replaced once, then the call succeeds", async () => {
    const org = orgWithRelay();
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit(OpportunityColumns.syncWithPartnerCenter, true);
    await form.save();
    await waitFor(() => relay.apiRequests().length === 1);
    await waitFor(() => relayNotice(form)?.message.startsWith("Shared") === true);
    relay.revokeTokens();

    await form.edit("name", "Fabrikam data platform, phase 2");
    await form.save();
    await waitFor(() => relay.apiRequests().length === 3);
    const [, rejected, retried] = relay.apiRequests();
    expect(rejected.authorization).toBe("Bearer sandbox.alex.seller@contoso.example.1");
    expect(retried.authorization).toBe("Bearer sandbox.alex.seller@contoso.example.2");
    await waitFor(() => expect(relayNotice(form)?.message).toMatch(/^Shared with Microsoft/));
  });

  test("a token the relay keeps refusing ends in a sign-in message", async () => {
    relay.answer("sync", { status: 401, contentType: "application/problem+json", body: { type: "about:blank", title: "Unauthorized", status: 401, detail: "audience mismatch" } });
    relay.answer("sync", { status: 401, contentType: "application/problem+json", body: { type: "about:blank", title: "Unauthorized", status: 401, detail: "audience mismatch" } });
    const form = await shareAndSave(orgWithRelay());
    await waitFor(() => expect(relayNotice(form)?.level).toBe("ERROR"));
    expect(relayNotice(form)?.message).toContain("did not accept your sign-in (audience mismatch)");
    expect(relay.apiRequests()).toHaveLength(2);
  });

  test("violations the relay found are shown per column in the seller's language", async () => {
    relay.answer("sync", {
      status: 200,
      body: {
        outcome: "invalid",
        message: "Not shared.",
        violations: [{ code: "notes-missing", field: "description", messageKey: "notes-missing" }],
      },
    });
    const form = await shareAndSave(orgWithRelay(), 1040);
    await waitFor(() => expect(form.controlNotifications("description")).toHaveLength(1));
    expect(relayNotice(form)?.message).toBe("Non condivisa con Microsoft: correggi i problemi segnalati nel modulo.");
  });

  test("a sync error is shown as the last sync error, with the fix the relay wrote to Audit", async () => {
    const org = orgWithRelay();
    relay.answer("sync", { status: 200, body: { outcome: "error", message: "Partner Center answered 400: invalid country." } });
    relay.onCall = () =>
      setRow(org, {
        cosell_syncstatus: SyncStatusOptions.Error,
        cosell_audit: renderAuditLog([
          {
            at: "2031-01-03T10:00:00Z",
            direction: "toPartnerCenter",
            outcome: "error",
            message: "Partner Center answered 400: invalid country.",
            fix: "Use a two-letter country code.",
          },
        ]),
      });
    const form = await shareAndSave(org);
    await waitFor(() =>
      expect(form.formNotifications().find((n) => n.uniqueId === "cosell.lastSyncError")?.message).toBe(
        "Last sync with Partner Center failed: Partner Center answered 400: invalid country. How to fix: Use a two-letter country code.",
      ),
    );
  });

  test("a queued sync says the result follows in Audit", async () => {
    relay.answer("sync", { status: 202, body: { outcome: "queued", message: "Queued behind a running sync." } });
    const form = await shareAndSave(orgWithRelay());
    await waitFor(() => expect(relayNotice(form)?.message).toBe("Queued for Partner Center. The result appears in Audit in a moment."));
  });

  test("a relay fault shows its problem details", async () => {
    relay.answer("sync", {
      status: 500,
      contentType: "application/problem+json",
      body: { type: "about:blank", title: "Partner Center unavailable", status: 500, detail: "Retry in a few minutes." },
    });
    const form = await shareAndSave(orgWithRelay());
    await waitFor(() =>
      expect(relayNotice(form)?.message).toBe("The co-sell relay reported a problem: Partner Center unavailable. Retry in a few minutes."),
    );
  });

  test("the seller sees progress while a slow relay works", async () => {
    relay.setDefault("sync", { status: 200, delayMs: 300, body: { outcome: "noop", message: "Nothing to send." } });
    const form = await shareAndSave(orgWithRelay());
    await waitFor(() => expect(relayNotice(form)?.message).toBe("Sharing with Microsoft…"));
    await waitFor(() => expect(relayNotice(form)?.message).toBe("Partner Center is already up to date."));
  });
});
