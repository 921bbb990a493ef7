import * as React from "react";
import {
  ActionButton,
  Dropdown,
  getId,
  Icon,
  MessageBar,
  MessageBarType,
  Spinner,
  SpinnerSize,
  Stack,
  Text,
  type IDropdownOption,
} from "@fluentui/react";
import { errorMessage } from "../../shared/errors";
import type { Translate } from "../../shared/localization";
import type { CoSellNeed } from "../coSellNeeds";

export interface HelpChoice {
  value: number;
  label: string;
  description: string;
}

export interface HelpNeededPickerProps {
  value: number | null;
  choices: HelpChoice[];
  disabled: boolean;
  /** The column label the form shows; the dropdown is named after it. */
  label: string;
  /** The opportunity has been saved, so its contact and solutions can be checked. */
  saved: boolean;
  compact: boolean;
  t: Translate;
  onChange(value: number | null): void;
  checkNeeds(value: number): Promise<CoSellNeed[]>;
  /** Subscribes `recheck` to changes made elsewhere on the form (e.g. a solution attached); returns the unsubscribe. */
  watchNeeds(recheck: () => void): () => void;
}

const NONE = "none";

export function HelpNeededPicker(props: HelpNeededPickerProps): React.ReactElement {
  const { value, choices, disabled, label, saved, compact, t } = props;
  const [descriptionId] = React.useState(() => getId("cosell-help-description"));
  const selected = choices.find((choice) => choice.value === value);

  const options: IDropdownOption<string>[] = [
    { key: NONE, text: t("Help_None"), data: t("Help_None_Desc") },
    ...choices.map((choice) => ({ key: choice.value, text: choice.label, data: choice.description })),
  ];

  return (
    <Stack tokens={{ childrenGap: 8 }}>
      <Dropdown
        ariaLabel={label}
        aria-describedby={descriptionId}
        options={options}
        selectedKey={value ?? NONE}
        disabled={disabled}
        dropdownWidth={compact ? undefined : "auto"}
        onChange={(_event, option) => {
          if (option) props.onChange(option.key === NONE ? null : Number(option.key));
        }}
        onRenderOption={(option) =>
          option ? (
            <Stack styles={{ root: { padding: "4px 0", whiteSpace: "normal" } }}>
              <Text>{option.text}</Text>
              <Text variant="small">{String(option.data ?? "")}</Text>
            </Stack>
          ) : null
        }
      />
      <Text id={descriptionId} variant="small">
        {selected ? selected.description : value === null ? t("Help_None_Desc") : ""}
      </Text>
      {value !== null && (saved ? <Needs value={value} t={t} check={props.checkNeeds} watch={props.watchNeeds} /> : <Text>{t("Needs_SaveFirst")}</Text>)}
    </Stack>
  );
}

type Check = { state: "checking" } | { state: "failed"; detail: string } | { state: "done"; needs: CoSellNeed[] };

interface NeedsProps {
  value: number;
  t: Translate;
  check(value: number): Promise<CoSellNeed[]>;
  watch(recheck: () => void): () => void;
}

function Needs({ value, t, check, watch }: NeedsProps): React.ReactElement {
  const [result, setResult] = React.useState<Check>({ state: "checking" });
  const [attempt, setAttempt] = React.useState(0);
  const latest = React.useRef({ check });
  latest.current = { check };

  React.useEffect(() => watch(() => setAttempt((n) => n + 1)), [watch]);

  React.useEffect(() => {
    let current = true;
    setResult({ state: "checking" });
    latest.current.check(value).then(
      (needs) => current && setResult({ state: "done", needs }),
      (error: unknown) => current && setResult({ state: "failed", detail: errorMessage(error) }),
    );
    return () => {
      current = false;
    };
  }, [value, attempt]);

  const again = (
    <ActionButton iconProps={{ iconName: "Refresh" }} onClick={() => setAttempt((n) => n + 1)} disabled={result.state === "checking"}>
      {t("Needs_CheckAgain")}
    </ActionButton>
  );

  if (result.state === "checking") return <Spinner size={SpinnerSize.small} label={t("Needs_Checking")} labelPosition="right" />;
  if (result.state === "failed") {
    return (
      <MessageBar messageBarType={MessageBarType.error} isMultiline actions={again}>
        {[t("Needs_Failed"), result.detail].filter(Boolean).join(" ")}
      </MessageBar>
    );
  }
  const missing = result.needs.filter((need) => need.problems.length > 0);
  return (
    <Stack tokens={{ childrenGap: 4 }} role="group" aria-label={t("Needs_Title")}>
      {missing.length === 0 ? (
        <MessageBar messageBarType={MessageBarType.success} isMultiline>
          {t("Needs_Ready")}
        </MessageBar>
      ) : (
        <MessageBar messageBarType={MessageBarType.warning} isMultiline>
          {t("Needs_Title")}
        </MessageBar>
      )}
      <ul style={{ listStyle: "none", margin: 0, padding: 0 }}>
        {result.needs.map((need) => {
          const met = need.problems.length === 0;
          return (
            <li key={need.kind}>
              <Stack horizontal tokens={{ childrenGap: 8 }} styles={{ root: { padding: "2px 0" } }}>
                <Icon iconName={met ? "CompletedSolid" : "ErrorBadge"} aria-hidden styles={{ root: { paddingTop: 3 } }} />
                <Stack>
                  <Text>
                    {t(`Need_${need.kind}`)}: {t(met ? "Need_Met" : "Need_Missing")}
                  </Text>
                  {need.problems.map((problem, index) => (
                    <Text key={index} variant="small">
                      {t(`Rule_${problem.code}`, problem.contact ?? "")}
                    </Text>
                  ))}
                </Stack>
              </Stack>
            </li>
          );
        })}
      </ul>
      {again}
    </Stack>
  );
}
