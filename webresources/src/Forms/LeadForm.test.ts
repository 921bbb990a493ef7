import { EnvironmentVariables, LeadColumns } from "@cosell/core";
import type { FakeDataverse } from "../../test/fakes/FakeDataverse";
import { FakeRelay, problem } from "../../test/fakes/FakeRelay";
import { coSellOrg, ids, leadForm } from "../../test/fixtures/coSellOrg";
import { FakeFormHost } from "../../test/fakes/FakeFormHost";
import { openLead } from "../../test/openForm";
import * as LeadForm from "./LeadForm";

const NEW_OPPORTUNITY = "99999999-9999-4999-8999-999999999999";

let relay: FakeRelay;
beforeEach(async () => {
  relay = await FakeRelay.start();
  relay.setDefault("accept", { status: 200, body: { outcome: "accepted", opportunityId: NEW_OPPORTUNITY, message: "Accepted." } });
});
afterEach(async () => {
  await relay.stop();
});

const org = (): FakeDataverse => coSellOrg({ environment: { [EnvironmentVariables.relayUrl.schemaName]: relay.url } });
const leadNotice = (form: FakeFormHost) => form.formNotifications().find((n) => n.uniqueId === "cosell.lead");

describe("onLoad", () => {
  test("a lead waiting for an answer says so, locks the relay's columns and asks for a decline reason", async () => {
    const form = openLead(org());
    await form.loaded;
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.referralPending")?.level).toBe("INFO");
    expect(form.control(LeadColumns.referralId).getDisabled()).toBe(true);
    expect(form.control(LeadColumns.referralLink).getVisible()).toBe(true);
    expect(form.control(LeadColumns.declineReason).getVisible()).toBe(true);
  });

  test("an answered referral shows no prompt and no decline reason", async () => {
    const dataverse = org();
    dataverse.row("lead", ids.lead)!.cosell_referralstatus = "Closed · Declined";
    const form = openLead(dataverse);
    await form.loaded;
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.referralPending")).toBeUndefined();
    expect(form.control(LeadColumns.declineReason).getVisible()).toBe(false);
  });
});

describe("isReferralPending", () => {
  test.each([
    ["a new referral", {}, true],
    ["a referral Partner Center has not reported a status for yet", { cosell_referralstatus: null }, true],
    ["an accepted referral", { cosell_referralstatus: "Active · Accepted" }, false],
    ["an expired referral", { cosell_referralstatus: "Closed · Expired" }, false],
    ["a qualified lead", { statecode: 1 }, false],
    ["a lead that did not come from Partner Center", { cosell_referralid: null, cosell_referralstatus: null }, false],
  ])("%s → %s", async (_name, values, pending) => {
    const dataverse = org();
    Object.assign(dataverse.row("lead", ids.lead)!, values);
    const form = openLead(dataverse);
    await form.loaded;
    expect(LeadForm.isReferralPending(form.formContext)).toBe(pending);
  });
});

describe("acceptReferral", () => {
  test("confirms, accepts through the relay and opens the new opportunity", async () => {
    const form = openLead(org());
    await form.loaded;
    await LeadForm.acceptReferral(form.formContext);
    expect(form.confirmations).toHaveLength(1);
    expect(form.confirmations[0].title).toBe("Accept referral");
    expect(relay.apiRequests().map((r) => r.path)).toEqual([`/api/v1/leads/${ids.lead}/accept`]);
    expect(form.progress).toEqual(["Accepting the referral…", null]);
    expect(form.openedForms).toEqual([{ entityName: "opportunity", entityId: NEW_OPPORTUNITY }]);
  });

  test("does nothing when the seller cancels", async () => {
    const form = openLead(org());
    await form.loaded;
    form.confirmAnswers = [false];
    await LeadForm.acceptReferral(form.formContext);
    expect(relay.apiRequests()).toEqual([]);
  });

  test("an unreachable relay means nothing was accepted", async () => {
    const form = openLead(org(), { languageId: 2052 });
    await form.loaded;
    await relay.stop();
    await LeadForm.acceptReferral(form.formContext);
    expect(leadNotice(form)?.message).toMatch(/^无法连接共同销售中继服务（.*）。未做任何更改；请稍后重试。$/);
    expect(form.openedForms).toEqual([]);
    relay = await FakeRelay.start();
  });

  test("a refusal from the relay is shown with its details", async () => {
    relay.answer("accept", problem(409, "Referral already closed", "Partner Center reports the referral as Expired."));
    const form = openLead(org());
    await form.loaded;
    await LeadForm.acceptReferral(form.formContext);
    expect(leadNotice(form)).toEqual({
      uniqueId: "cosell.lead",
      level: "ERROR",
      message: "The co-sell relay reported a problem: Referral already closed. Partner Center reports the referral as Expired.",
    });
  });
});

describe("declineReferral", () => {
  test("asks for a reason first and sends nothing without one", async () => {
    const form = openLead(org());
    await form.loaded;
    await LeadForm.declineReferral(form.formContext);
    expect(form.controlNotifications(LeadColumns.declineReason)).toEqual([
      "Enter why you decline this referral, then choose Decline referral again.",
    ]);
    expect(form.confirmations).toEqual([]);
    expect(relay.apiRequests()).toEqual([]);

    await form.edit(LeadColumns.declineReason, "No budget this year");
    expect(form.controlNotifications(LeadColumns.declineReason)).toEqual([]);
  });

  test("with a reason: confirms, saves the reason, declines through the relay and reloads", async () => {
    const dataverse = org();
    relay.onCall = () => Object.assign(dataverse.row("lead", ids.lead)!, { statecode: 2, cosell_referralstatus: "Closed · Declined" });
    const form = openLead(dataverse);
    await form.loaded;
    await form.edit(LeadColumns.declineReason, "No budget this year");
    await LeadForm.declineReferral(form.formContext);

    expect(form.confirmations[0].text).toBe(
      "Decline this referral in Partner Center with the reason “No budget this year”? This cannot be undone.",
    );
    expect(dataverse.row("lead", ids.lead)!.cosell_declinereason).toBe("No budget this year");
    const [call] = relay.apiRequests();
    expect(call.path).toBe(`/api/v1/leads/${ids.lead}/decline`);
    expect(call.body).toEqual({ reason: "No budget this year" });
    expect(leadNotice(form)?.message).toBe("Referral declined in Partner Center.");
    // Reloaded: the referral is answered, so the prompt is gone.
    expect(LeadForm.isReferralPending(form.formContext)).toBe(false);
    expect(form.formNotifications().find((n) => n.uniqueId === "cosell.referralPending")).toBeUndefined();
  });

  test("a form without the decline reason column says what the administrator must add", async () => {
    const form = FakeFormHost.open(org(), {
      entityName: "lead",
      id: ids.lead,
      columns: leadForm.filter((c) => c.name !== LeadColumns.declineReason),
      userId: ids.seller,
      handlers: { onLoad: LeadForm.onLoad },
    });
    await form.loaded;
    await LeadForm.declineReferral(form.formContext);
    expect(form.alerts[0].text).toContain("cosell_declinereason");
    expect(relay.apiRequests()).toEqual([]);
  });
});
