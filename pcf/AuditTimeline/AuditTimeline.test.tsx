import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { appendAuditEntry, AUDIT_MAX_LENGTH, renderAuditLog, SyncStatusOptions, type AuditEntry } from "@cosell/core";
import { AuditTimeline } from "./index";
import { createContext } from "../__mocks__/mock-context";
import { dateTime, optionSet, text } from "../__mocks__/mock-properties";
import type { IInputs } from "./manifest";

const NOW = new Date("2025-03-14T12:00:00Z");
const minutesAgo = (n: number) => new Date(NOW.getTime() - n * 60_000).toISOString();

const REFERRAL = "4111fffc-6e3a-4c8e-a2d4-2f0d6c7e1b90";
const entries: AuditEntry[] = [
  {
    at: minutesAgo(5),
    outcome: "error",
    direction: "toPartnerCenter",
    message: "Partner Center needs at least one solution on a shared referral.",
    fix: "Add a co-sell ready or Microsoft solution to the Microsoft Partner Center Solutions list.",
    referralId: REFERRAL,
  },
  { at: minutesAgo(180), outcome: "success", direction: "toCrm", message: "Microsoft accepted the referral.", referralId: REFERRAL },
  { at: minutesAgo(60 * 24 + 30), outcome: "success", direction: "toPartnerCenter", message: "Referral created in Partner Center.", referralId: REFERRAL },
];

interface Columns {
  audit?: string | null;
  status?: number | null;
  link?: string | null;
  referralStatus?: string | null;
  lastSyncedOn?: Date | null;
}

function setup(columns: Columns = {}, options: { languageId?: number; allocatedWidth?: number } = {}) {
  const context = createContext<IInputs>(
    {
      value: text(columns.audit === undefined ? renderAuditLog(entries) : columns.audit, "Multiple"),
      syncStatus: optionSet(columns.status === undefined ? SyncStatusOptions.Error : columns.status),
      referralLink: text(columns.link === undefined ? `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL}/details` : columns.link, "SingleLine.URL"),
      referralStatus: text(columns.referralStatus === undefined ? "Active · Accepted" : columns.referralStatus),
      lastSyncedOn: dateTime(columns.lastSyncedOn === undefined ? new Date(minutesAgo(180)) : columns.lastSyncedOn),
    },
    { control: "AuditTimeline", ...options },
  );
  const control = new AuditTimeline(() => NOW);
  control.init(context);
  const view = render(control.updateView(context));
  return { context, control, view };
}

const timeline = () => screen.getByRole("list", { name: "Sync history" });
const items = () => within(timeline()).getAllByRole("listitem");

describe("AuditTimeline", () => {
  it("shows the sync history newest first with outcome, direction, time and fix", () => {
    setup();
    const [latest, accepted, created] = items();
    expect(latest).toHaveTextContent("Error");
    expect(latest).toHaveTextContent("Dynamics 365 → Partner Center");
    expect(latest).toHaveTextContent("5 minutes ago");
    expect(latest).toHaveTextContent("Partner Center needs at least one solution on a shared referral.");
    expect(latest).toHaveTextContent("Fix: Add a co-sell ready or Microsoft solution to the Microsoft Partner Center Solutions list.");
    expect(latest).toHaveTextContent(`Referral ${REFERRAL}`);
    expect(accepted).toHaveTextContent("Success");
    expect(accepted).toHaveTextContent("Partner Center → Dynamics 365");
    expect(accepted).toHaveTextContent("3 hours ago");
    expect(created).toHaveTextContent("yesterday");
    expect(within(latest).getByText("5 minutes ago")).toHaveAttribute("datetime", minutesAgo(5));
  });

  it("shows the status, the Partner Center status, the last sync and the referral link", () => {
    setup({ status: SyncStatusOptions.Synced, audit: renderAuditLog(entries.slice(1)) });
    expect(screen.getByText("Synced")).toBeVisible();
    expect(screen.getByText("Partner Center: Active · Accepted")).toBeVisible();
    expect(screen.getByText(/Last synced:/)).toHaveTextContent("Last synced: 3 hours ago");
    const link = screen.getByRole("link", { name: "Open the referral in Partner Center (opens in a new tab)" });
    expect(link).toHaveAttribute("href", `https://partner.microsoft.com/dashboard/referrals/v2/leads/${REFERRAL}/details`);
    expect(link).toHaveAttribute("target", "_blank");
    expect(link).toHaveAttribute("rel", "noopener noreferrer");
    expect(screen.queryByText("Last sync error")).not.toBeInTheDocument();
  });

  it("puts the last error and its fix at the top while the sync is failing", async () => {
    setup({ status: SyncStatusOptions.Error });
    const title = await screen.findByText("Last sync error");
    const bar = title.closest(".ms-MessageBar") as HTMLElement;
    expect(bar).toHaveTextContent("Partner Center needs at least one solution on a shared referral.");
    expect(bar).toHaveTextContent("Fix: Add a co-sell ready or Microsoft solution");
  });

  it("shows a long log ten entries at a time", async () => {
    const user = userEvent.setup();
    let log = "";
    for (let i = 199; i >= 0; i--) {
      log = appendAuditEntry(log, { at: minutesAgo(i * 7 + 1), outcome: i % 3 ? "success" : "warning", direction: "toCrm", message: `Update ${200 - i} applied from Partner Center.` });
    }
    expect(log.length).toBeLessThanOrEqual(AUDIT_MAX_LENGTH);
    const total = log.split("\n\n").length;
    setup({ audit: log, status: SyncStatusOptions.Synced });

    expect(items()).toHaveLength(10);
    expect(items()[0]).toHaveTextContent("Update 200 applied from Partner Center.");
    await user.click(screen.getByRole("button", { name: `Show all ${total} entries` }));
    expect(items()).toHaveLength(total);
    await user.click(screen.getByRole("button", { name: "Show fewer" }));
    expect(items()).toHaveLength(10);
  });

  it("keeps text that is not a sync entry, and damaged entries, readable", () => {
    const foreign = "Synced by the Partner Center connector (Power Automate) on 2023-05-02.\nReferral ID: 7d1c…";
    const damaged = "2025-13-45 99:99:99 UTC · ✖ Error · Somewhere\n  half a line";
    setup({ audit: `${renderAuditLog(entries.slice(0, 1))}\n\n${damaged}\n\n${foreign}`, status: SyncStatusOptions.Error });
    const [entry, rest] = items();
    expect(entry).toHaveTextContent("Partner Center needs at least one solution");
    expect(rest).toHaveTextContent("Other notes");
    expect(within(rest).getByText(/2025-13-45 99:99:99 UTC/)).toHaveTextContent(damaged.replace(/\s+/g, " "));
    expect(rest).toHaveTextContent("Synced by the Partner Center connector (Power Automate) on 2023-05-02.");
  });

  it("shows arbitrary text without failing", () => {
    setup({ audit: "\u0000\u0007 <script>alert(1)</script> ✖✖✖\r\n\r\n  ", status: null });
    expect(items()).toHaveLength(1);
    expect(items()[0]).toHaveTextContent("<script>alert(1)</script>");
    expect(document.querySelector("script")).toBeNull();
  });

  it("says when there is no history yet", () => {
    setup({ audit: null, status: SyncStatusOptions.NotShared, link: null, referralStatus: null, lastSyncedOn: null });
    expect(screen.getByText("No sync history yet.")).toBeVisible();
    expect(screen.getByText("Not shared")).toBeVisible();
    expect(screen.getByText("Not synced yet")).toBeVisible();
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
  });

  it("never turns a non-web referral link into a link", () => {
    setup({ link: "javascript:alert(document.cookie)" });
    expect(screen.queryByRole("link")).not.toBeInTheDocument();
  });

  it("updates when the relay writes a new entry", () => {
    const { context, control, view } = setup({ status: SyncStatusOptions.Error });
    context.parameters.value = text(
      appendAuditEntry(context.parameters.value.raw, { at: minutesAgo(1), outcome: "success", direction: "toPartnerCenter", message: "Referral updated." }),
      "Multiple",
    );
    context.parameters.syncStatus = optionSet(SyncStatusOptions.Synced);
    context.updatedProperties = ["value", "syncStatus"];
    view.rerender(control.updateView(context));
    expect(items()).toHaveLength(4);
    expect(items()[0]).toHaveTextContent("Referral updated.");
    expect(screen.queryByText("Last sync error")).not.toBeInTheDocument();
  });

  it.each([
    [300, "column"],
    [800, "row"],
  ])("lays the header out for the allocated width (%i px)", (allocatedWidth, direction) => {
    const { context } = setup({}, { allocatedWidth });
    expect(context.mode.trackContainerResize).toHaveBeenCalledWith(true);
    const header = screen.getByText("Partner Center: Active · Accepted").parentElement as HTMLElement;
    expect(getComputedStyle(header).flexDirection).toBe(direction);
  });

  it.each([
    [1033, "Sync history", "5 minutes ago"],
    [1053, "Synkroniseringshistorik", "för 5 minuter sedan"],
    [2052, "同步历史记录", "5分钟前"],
    [1043, "Synchronisatiegeschiedenis", "5 minuten geleden"],
    [1040, "Cronologia di sincronizzazione", "5 minuti fa"],
    [1045, "Historia synchronizacji", "5 minut temu"],
  ])("speaks the seller's language (%i)", (languageId, label, relative) => {
    setup({}, { languageId });
    const list = screen.getByRole("list", { name: label });
    expect(within(list).getAllByRole("listitem")[0]).toHaveTextContent(relative);
  });
});
