import { EnvironmentVariables, OpportunityColumns, SyncStatusOptions } from "@cosell/core";
import { FakeRelay } from "../../test/fakes/FakeRelay";
import { coSellOrg, ids } from "../../test/fixtures/coSellOrg";
import { openOpportunity } from "../../test/openForm";
import { waitFor } from "../../test/waitFor";
import { isShareEnabled, shareWithMicrosoft } from "./ShareWithMicrosoft";

let relay: FakeRelay;
beforeEach(async () => {
  relay = await FakeRelay.start();
});
afterEach(async () => {
  await relay.stop();
});

function sharedOrg() {
  const org = coSellOrg({ environment: { [EnvironmentVariables.relayUrl.schemaName]: relay.url } });
  Object.assign(org.row("opportunity", ids.opportunity)!, { cosell_syncwithpartnercenter: true });
  return org;
}

const relayNotice = (form: ReturnType<typeof openOpportunity>) => form.formNotifications().find((n) => n.uniqueId === "cosell.relay");

describe("isShareEnabled", () => {
  test("is off for a record that is not saved yet", async () => {
    const form = openOpportunity(sharedOrg(), { id: undefined });
    await form.loaded;
    form.attribute(OpportunityColumns.syncWithPartnerCenter).setValue(true as never);
    expect(isShareEnabled(form.formContext)).toBe(false);
  });

  test("is off while Sync with Partner Center is No", async () => {
    const form = openOpportunity(coSellOrg());
    await form.loaded;
    expect(isShareEnabled(form.formContext)).toBe(false);
  });

  test("is on for a saved record with Sync with Partner Center = Yes", async () => {
    const form = openOpportunity(sharedOrg());
    await form.loaded;
    expect(isShareEnabled(form.formContext)).toBe(true);
  });
});

describe("shareWithMicrosoft", () => {
  test("syncs now behind a progress indicator and reloads the form", async () => {
    const org = sharedOrg();
    relay.onCall = () => Object.assign(org.row("opportunity", ids.opportunity)!, { cosell_syncstatus: SyncStatusOptions.Synced, cosell_referralid: "REF-9" });
    const form = openOpportunity(org);
    await form.loaded;
    await shareWithMicrosoft(form.formContext);

    expect(form.progress).toEqual(["Sharing with Microsoft…", null]);
    expect(relay.apiRequests().map((r) => r.path)).toEqual([`/api/v1/opportunities/${ids.opportunity}/sync`]);
    expect(relayNotice(form)?.message).toBe("Shared with Microsoft. Referral REF-1.");
    expect(form.attribute(OpportunityColumns.referralId).getValue()).toBe("REF-9");
  });

  test("saves unsaved changes first; the save's own sync does the rest", async () => {
    const org = sharedOrg();
    const form = openOpportunity(org);
    await form.loaded;
    await form.edit("name", "Fabrikam data platform v2");
    await shareWithMicrosoft(form.formContext);
    await waitFor(() => relay.apiRequests().length === 1);
    expect(org.row("opportunity", ids.opportunity)!.name).toBe("Fabrikam data platform v2");
    await waitFor(() => expect(relayNotice(form)?.message).toMatch(/^Shared with Microsoft/));
  });

  test("does not call the relay for an opportunity that breaks the co-sell rules", async () => {
    const org = sharedOrg();
    org.row("opportunity", ids.opportunity)!.estimatedclosedate = null;
    const form = openOpportunity(org, { languageId: 1043 });
    await form.loaded;
    await shareWithMicrosoft(form.formContext);
    expect(relay.apiRequests()).toEqual([]);
    expect(relayNotice(form)?.message).toBe("Niet gedeeld met Microsoft: los de gemarkeerde problemen op het formulier op.");
    expect(form.controlNotifications("estimatedclosedate")).toHaveLength(1);
  });

  test("an unreachable relay closes the progress indicator and says the change is safe", async () => {
    const form = openOpportunity(sharedOrg());
    await form.loaded;
    await relay.stop();
    await shareWithMicrosoft(form.formContext);
    expect(form.progress).toEqual(["Sharing with Microsoft…", null]);
    expect(relayNotice(form)?.message).toContain("the background sync sends them to Partner Center");
    relay = await FakeRelay.start();
  });
});
