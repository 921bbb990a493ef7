import { readFileSync } from "node:fs";
import path from "node:path";
import { eventType, NotificationFormatError, readNotification, signalFor } from "./dataverse-notification";

const OPPORTUNITY = "b6d2a3c4-1e2f-4a5b-9c8d-7e6f5a4b3c2d";
const SOLUTION = "5e4d3c2b-1a09-4876-9543-210fedcba987";
const CONTRACTS = "http://schemas.microsoft.com/xrm/2011/Contracts";
const sample = JSON.parse(readFileSync(path.resolve(__dirname, "../../../../shared/reference/dataverse/webhook-remoteexecutioncontext-contact-update.json"), "utf8"));

const entity = (logicalName: string, id: string, attributes: Record<string, unknown>) => ({
  __type: `Entity:${CONTRACTS}`,
  Attributes: Object.entries(attributes).map(([key, value]) => ({ key, value })),
  Id: id,
  LogicalName: logicalName,
});

const context = (message: string, attributes?: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  MessageName: message,
  PrimaryEntityName: "opportunity",
  PrimaryEntityId: OPPORTUNITY,
  InputParameters: attributes ? [{ key: "Target", value: entity("opportunity", OPPORTUNITY, attributes) }] : [],
  PreEntityImages: [],
  PostEntityImages: [],
  ...extra,
});

describe("Dataverse notifications", () => {
  it("reads the documented RemoteExecutionContext sample", () => {
    const notification = readNotification(sample);
    expect(notification).toMatchObject({ message: "Update", entity: "contact", id: "6d81597f-0f9f-e711-8122-000d3aa2331c" });
    expect(notification.changed).toEqual(new Set(["firstname", "contactid", "fullname", "yomifullname", "modifiedon", "modifiedby", "modifiedonbehalfby"]));
    expect(notification.values.get("fullname")).toBe("James Glynn (sample)");
    expect(signalFor(notification)).toEqual([{ kind: "ignore", why: "table contact is not synced" }]);
    expect(eventType(notification)).toBe("other-update");
  });

  it("pushes an opportunity shared with Partner Center, or linked to a referral", () => {
    expect(signalFor(readNotification(context("Create", { name: "Deal", cosell_syncwithpartnercenter: true })))).toEqual([
      { kind: "push-opportunity", opportunityId: OPPORTUNITY, reason: "dataverse opportunity Create" },
    ]);
    const linked = context("Update", { estimatedvalue: { __type: `Money:${CONTRACTS}`, Value: 10 } }, {
      PostEntityImages: [{ key: "image", value: entity("opportunity", OPPORTUNITY, { cosell_referralid: "4111fffc-f9ee-4d53-bba6-569135228642", cosell_syncwithpartnercenter: false }) }],
    });
    expect(signalFor(readNotification(linked))).toEqual([{ kind: "push-opportunity", opportunityId: OPPORTUNITY, reason: "dataverse opportunity Update" }]);
  });

  it("leaves out opportunities known not to be shared, and the relay's own writes", () => {
    expect(signalFor(readNotification(context("Create", { name: "Local deal" })))[0]).toMatchObject({ kind: "ignore" });
    expect(signalFor(readNotification(context("Update", { cosell_syncwithpartnercenter: false, name: "x" })))[0]).toMatchObject({ kind: "ignore" });
    expect(signalFor(readNotification(context("Update", { cosell_audit: "…", cosell_lastsyncedon: "/Date(1506384247000)/", modifiedon: "/Date(1506384247000)/" })))[0]).toMatchObject({
      kind: "ignore",
      why: expect.stringContaining("bookkeeping"),
    });
    expect(signalFor(readNotification(context("Delete")))[0]).toMatchObject({ kind: "ignore" });
  });

  it("pushes when the notification cannot tell: an update not naming the sync column, or a trimmed context", () => {
    expect(signalFor(readNotification(context("Update", { description: "new notes" })))[0]).toMatchObject({ kind: "push-opportunity" });
    // x-ms-dynamics-msg-size-exceeded: the platform drops InputParameters and the images.
    expect(signalFor(readNotification({ MessageName: "Update", PrimaryEntityName: "opportunity", PrimaryEntityId: `{${OPPORTUNITY.toUpperCase()}}` }))).toEqual([
      { kind: "push-opportunity", opportunityId: OPPORTUNITY, reason: "dataverse opportunity Update" },
    ]);
    expect(signalFor(readNotification(context("Win", undefined)))[0]).toMatchObject({ kind: "push-opportunity" });
  });

  it("pushes the opportunity when co-sell solutions are attached or removed", () => {
    const associate = {
      MessageName: "Associate",
      PrimaryEntityName: "opportunity",
      PrimaryEntityId: OPPORTUNITY,
      InputParameters: [
        { key: "Target", value: { __type: `EntityReference:${CONTRACTS}`, Id: OPPORTUNITY, LogicalName: "opportunity" } },
        { key: "Relationship", value: { __type: `Relationship:${CONTRACTS}`, PrimaryEntityRole: null, SchemaName: "cosell_opportunity_cosell_solution" } },
        { key: "RelatedEntities", value: [{ __type: `EntityReference:${CONTRACTS}`, Id: SOLUTION, LogicalName: "cosell_solution" }] },
      ],
    };
    expect(signalFor(readNotification(associate))).toEqual([{ kind: "push-opportunity", opportunityId: OPPORTUNITY, reason: "dataverse solutions Associate" }]);
    const other = { ...associate, InputParameters: [associate.InputParameters[0], { key: "Relationship", value: { SchemaName: "opportunitycompetitors_association" } }] };
    expect(signalFor(readNotification(other))[0]).toMatchObject({ kind: "ignore" });
  });

  it("pulls the referral of a lead that names it, and asks for a lookup otherwise", () => {
    const lead = (attributes: Record<string, unknown>, message = "Update") => ({ ...context(message, attributes), PrimaryEntityName: "lead" });
    expect(signalFor(readNotification(lead({ cosell_referralid: "4111FFFC-F9EE-4D53-BBA6-569135228642", statecode: { Value: 2 } })))).toEqual([
      { kind: "pull-referral", referralId: "4111fffc-f9ee-4d53-bba6-569135228642", reason: "dataverse lead Update" },
    ]);
    expect(signalFor(readNotification(lead({ statecode: { Value: 1 } })))).toEqual([{ kind: "lead", leadId: OPPORTUNITY, reason: "dataverse lead Update" }]);
    expect(signalFor(readNotification(lead({ subject: "Walk-in" }, "Create")))[0]).toMatchObject({ kind: "ignore" });
  });

  it("says what is missing from a body that is not a notification", () => {
    expect(() => readNotification([])).toThrow(NotificationFormatError);
    expect(() => readNotification({ PrimaryEntityName: "opportunity", PrimaryEntityId: OPPORTUNITY })).toThrow("The notification has no MessageName.");
    expect(() => readNotification({ MessageName: "Update", PrimaryEntityName: "opportunity", PrimaryEntityId: "42" })).toThrow("PrimaryEntityId is not a GUID");
  });
});
