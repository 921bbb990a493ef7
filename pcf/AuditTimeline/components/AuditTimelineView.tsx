import * as React from "react";
import { DefaultButton, hiddenContentStyle, Icon, Link, MessageBar, MessageBarType, Stack, Text, mergeStyleSets } from "@fluentui/react";
import type { AuditLogItem, AuditOutcome, SyncStatus } from "@cosell/core";
import type { Translate } from "../../shared/localization";

type AuditEntryItem = Extract<AuditLogItem, { kind: "entry" }>;

export interface AuditTimelineViewProps {
  /** Parsed Audit column, newest first. */
  items: AuditLogItem[];
  syncStatus: SyncStatus | undefined;
  referralStatus: string;
  /** Only an http(s) address; anything else is not rendered as a link. */
  referralLink: string | undefined;
  lastSyncedOn: Date | null;
  compact: boolean;
  t: Translate;
  relative(date: Date): string;
  absolute(date: Date): string;
}

/** Entries shown before "Show all"; a long log stays one click away without flooding the form. */
const FIRST_ENTRIES = 10;

const outcomeStyle: Record<AuditOutcome | "notShared" | "pending", { icon: string; color: string; background: string }> = {
  success: { icon: "CompletedSolid", color: "#107C10", background: "#DFF6DD" },
  error: { icon: "ErrorBadge", color: "#A80000", background: "#FDE7E9" },
  warning: { icon: "Warning", color: "#8A6116", background: "#FFF4CE" },
  info: { icon: "Info", color: "#605E5C", background: "#F3F2F1" },
  notShared: { icon: "Hide3", color: "#605E5C", background: "#F3F2F1" },
  pending: { icon: "Sync", color: "#005A9E", background: "#DEECF9" },
};

const styleOfStatus: Record<SyncStatus, keyof typeof outcomeStyle> = {
  NotShared: "notShared",
  Pending: "pending",
  Synced: "success",
  Error: "error",
};

const classes = mergeStyleSets({
  badge: {
    display: "inline-flex",
    alignItems: "center",
    gap: 4,
    padding: "1px 8px",
    borderRadius: 10,
    fontSize: 12,
    lineHeight: 18,
    color: "#323130",
    whiteSpace: "nowrap",
  },
  timeline: { listStyle: "none", margin: 0, padding: 0 },
  entry: { borderLeft: "2px solid #EDEBE9", padding: "4px 0 8px 12px", position: "relative" },
  text: { whiteSpace: "pre-wrap", wordBreak: "break-word", fontFamily: "inherit", margin: 0 },
  screenReaderOnly: hiddenContentStyle,
});

function Badge({ kind, children }: { kind: keyof typeof outcomeStyle; children: React.ReactNode }): React.ReactElement {
  const { icon, color, background } = outcomeStyle[kind];
  return (
    <span className={classes.badge} style={{ background }}>
      <Icon iconName={icon} aria-hidden styles={{ root: { color } }} />
      {children}
    </span>
  );
}

function Time({ date, props }: { date: Date; props: AuditTimelineViewProps }): React.ReactElement {
  return (
    <time dateTime={date.toISOString()} title={props.absolute(date)}>
      {props.relative(date)}
    </time>
  );
}

/** The newest error, when it is the record's current state (status Error, or the latest entry). */
function currentError(items: AuditLogItem[], syncStatus: SyncStatus | undefined): AuditEntryItem | undefined {
  const entries = items.filter((item): item is AuditEntryItem => item.kind === "entry");
  if (syncStatus === "Error") return entries.find((entry) => entry.outcome === "error");
  return entries[0]?.outcome === "error" ? entries[0] : undefined;
}

export function AuditTimelineView(props: AuditTimelineViewProps): React.ReactElement {
  const { items, syncStatus, referralStatus, referralLink, lastSyncedOn, compact, t } = props;
  const [showAll, setShowAll] = React.useState(false);
  const lastError = currentError(items, syncStatus);
  const shown = showAll ? items : items.slice(0, FIRST_ENTRIES);

  return (
    <Stack tokens={{ childrenGap: 10 }}>
      <Stack horizontal={!compact} wrap={!compact} verticalAlign={compact ? undefined : "center"} tokens={{ childrenGap: compact ? 4 : 12 }}>
        {syncStatus && (
          <Badge kind={styleOfStatus[syncStatus]}>
            <span className={classes.screenReaderOnly}>{t("Status_Label")} </span>
            {t(`Status_${syncStatus}`)}
          </Badge>
        )}
        {referralStatus && <Text>{t("PartnerCenterStatus", referralStatus)}</Text>}
        <Text>
          {lastSyncedOn ? (
            <>
              {t("LastSynced")} <Time date={lastSyncedOn} props={props} />
            </>
          ) : (
            t("NeverSynced")
          )}
        </Text>
        {referralLink && (
          <Link href={referralLink} target="_blank" rel="noopener noreferrer" aria-label={t("OpenReferral_Label")}>
            {t("OpenReferral")} <Icon iconName="OpenInNewWindow" aria-hidden />
          </Link>
        )}
      </Stack>

      {lastError && (
        <MessageBar messageBarType={MessageBarType.error} isMultiline>
          <strong>{t("LastError_Title")}</strong> <Time date={new Date(lastError.at)} props={props} />
          <br />
          {lastError.message}
          {lastError.fix && (
            <>
              <br />
              {t("Fix", lastError.fix)}
            </>
          )}
        </MessageBar>
      )}

      {items.length === 0 ? (
        <Text>{t("Empty")}</Text>
      ) : (
        <>
          <ol className={classes.timeline} aria-label={t("History_Label")}>
            {shown.map((item, index) => (
              <li key={index} className={classes.entry}>
                {item.kind === "entry" ? <Entry item={item} props={props} /> : <Other text={item.text} t={t} />}
              </li>
            ))}
          </ol>
          {items.length > FIRST_ENTRIES && (
            <DefaultButton
              text={showAll ? t("ShowFewer") : t("ShowAll", items.length)}
              onClick={() => setShowAll(!showAll)}
              styles={{ root: { alignSelf: "flex-start" } }}
            />
          )}
        </>
      )}
    </Stack>
  );
}

function Entry({ item, props }: { item: AuditEntryItem; props: AuditTimelineViewProps }): React.ReactElement {
  const { t } = props;
  return (
    <Stack tokens={{ childrenGap: 2 }}>
      <Stack horizontal wrap verticalAlign="center" tokens={{ childrenGap: 8 }}>
        <Badge kind={item.outcome}>{t(`Outcome_${item.outcome}`)}</Badge>
        <Text variant="small">{t(`Direction_${item.direction}`)}</Text>
        <Text variant="small">
          <Time date={new Date(item.at)} props={props} />
        </Text>
      </Stack>
      <Text>{item.message}</Text>
      {item.fix && <Text variant="small">{t("Fix", item.fix)}</Text>}
      {item.referralId && <Text variant="small">{t("Referral", item.referralId)}</Text>}
    </Stack>
  );
}

function Other({ text, t }: { text: string; t: Translate }): React.ReactElement {
  return (
    <Stack tokens={{ childrenGap: 2 }}>
      <Text variant="small">{t("OtherText")}</Text>
      <pre className={classes.text}>{text}</pre>
    </Stack>
  );
}
