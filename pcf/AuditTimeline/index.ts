import * as React from "react";
import { parseAuditLog, SyncStatusOptions, type AuditLogItem, type SyncStatus } from "@cosell/core";
import { AuditTimelineView } from "./components/AuditTimelineView";
import { COMPACT_WIDTH } from "../shared/layout";
import { localeOf, translator } from "../shared/localization";
import { absoluteTime, relativeTime } from "../shared/relativeTime";
import type { IInputs, IOutputs } from "./manifest";

/**
 * `CoSell.AuditTimeline`, bound to cosell_audit plus the status columns: the sync history the relay
 * writes (core audit format) as a timeline, with the current status, link and last error. Read-only.
 */
export class AuditTimeline implements ComponentFramework.ReactControl<IInputs, IOutputs> {
  private items: AuditLogItem[] = [];
  private parsedText: string | null | undefined;

  /** `now` is injectable so relative times can be checked. */
  constructor(private readonly now: () => Date = () => new Date()) {}

  public init(context: ComponentFramework.Context<IInputs>): void {
    context.mode.trackContainerResize(true);
  }

  public updateView(context: ComponentFramework.Context<IInputs>): React.ReactElement {
    const { value, syncStatus, referralLink, referralStatus, lastSyncedOn } = context.parameters;
    // Resizes and status updates re-render without re-parsing a log of up to 20,000 characters.
    if (this.parsedText === undefined || value.raw !== this.parsedText) {
      this.parsedText = value.raw;
      this.items = parseAuditLog(value.raw);
    }
    const locale = localeOf(context.userSettings.languageId);
    const now = this.now();
    return React.createElement(AuditTimelineView, {
      items: this.items,
      syncStatus: syncStatusOf(syncStatus.raw),
      referralStatus: referralStatus.raw?.trim() ?? "",
      referralLink: webAddress(referralLink.raw),
      lastSyncedOn: lastSyncedOn.raw,
      compact: context.mode.allocatedWidth > 0 && context.mode.allocatedWidth < COMPACT_WIDTH,
      t: translator(context.resources),
      relative: (date) => relativeTime(date, now, locale),
      absolute: (date) => absoluteTime(date, locale, context.userSettings.getTimeZoneOffsetMinutes(date)),
    });
  }

  public getOutputs(): IOutputs {
    return {};
  }

  public destroy(): void {
    this.items = [];
  }
}

function syncStatusOf(value: number | null): SyncStatus | undefined {
  return (Object.keys(SyncStatusOptions) as SyncStatus[]).find((status) => SyncStatusOptions[status] === value);
}

/** The referral link comes from Partner Center data; only http(s) addresses become links. */
function webAddress(text: string | null): string | undefined {
  if (!text) return undefined;
  try {
    const url = new URL(text.trim());
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}
