import * as React from "react";
import { DefaultButton, Dialog, DialogFooter, DialogType, getId, Icon, PrimaryButton, Stack, Text, Toggle } from "@fluentui/react";
import type { Translate } from "../../shared/localization";

export interface VisibilityToggleProps {
  /** Visible to Microsoft sellers: saved so, or confirmed on the form and not yet saved. */
  visible: boolean;
  /** The form, field security or the record state make the column read-only. */
  disabled: boolean;
  /** The column label the form shows; the switch is named after it. */
  label: string;
  /** Narrow containers put the lock note under the switch. */
  compact: boolean;
  t: Translate;
  onMakeVisible(): void;
}

const CANCEL_CLASS = "cosell-visibility-cancel";

/**
 * Visibility is one-way (partner-center-api.md §2.8, ARCHITECTURE.md sync rules): switching it on
 * asks for confirmation, and once on the switch stays locked.
 */
export function VisibilityToggle({ visible, disabled, label, compact, t, onMakeVisible }: VisibilityToggleProps): React.ReactElement {
  const [confirming, setConfirming] = React.useState(false);
  const [noteId] = React.useState(() => getId("cosell-visibility-note"));

  const cancel = (): void => setConfirming(false);
  const confirm = (): void => {
    setConfirming(false);
    onMakeVisible();
  };

  return (
    <Stack horizontal={!compact} verticalAlign={compact ? undefined : "center"} tokens={{ childrenGap: compact ? 4 : 12 }}>
      <Toggle
        checked={visible}
        disabled={disabled || visible}
        onText={t("Visibility_On")}
        offText={t("Visibility_Off")}
        ariaLabel={label}
        aria-describedby={visible ? noteId : undefined}
        onChange={(_event, checked) => {
          if (checked && !visible) setConfirming(true);
        }}
        styles={{ root: { marginBottom: 0 } }}
      />
      {visible && (
        <Stack horizontal verticalAlign="center" tokens={{ childrenGap: 6 }}>
          <Icon iconName="Lock" aria-hidden />
          <Text id={noteId} variant="small">
            {t("Visibility_Locked")}
          </Text>
        </Stack>
      )}
      <Dialog
        hidden={!confirming}
        onDismiss={cancel}
        dialogContentProps={{
          type: DialogType.normal,
          title: t("Confirm_Title"),
          subText: t("Confirm_Text"),
          showCloseButton: false,
        }}
        // The change cannot be undone, so focus starts on the safe choice.
        modalProps={{ isBlocking: true, focusTrapZoneProps: { firstFocusableSelector: CANCEL_CLASS } }}
      >
        <DialogFooter>
          <PrimaryButton onClick={confirm} text={t("Confirm_Yes")} />
          <DefaultButton className={CANCEL_CLASS} onClick={cancel} text={t("Confirm_No")} />
        </DialogFooter>
      </Dialog>
    </Stack>
  );
}
