import { EnvironmentVariables, type SyncConfig } from "@cosell/core";
import { loadSyncConfig } from "../config/environmentVariables";
import { errorText } from "../errorText";
import { t } from "../ui/i18n";
import { NotificationId, clearFormNotification, showFormNotification } from "../ui/notifications";

/**
 * The configuration for this page, or undefined when it cannot be used; either way the form says
 * what is wrong (unreadable variables, a bad value, an empty relay URL) in one warning.
 */
export async function loadConfiguration(fc: Xrm.FormContext): Promise<SyncConfig | undefined> {
  let warning: string | undefined;
  let config: SyncConfig | undefined;
  try {
    const result = await loadSyncConfig();
    if (result.ok) {
      config = result.config;
      if (config.relayUrl === "") warning = t("relayUrlMissing", { variable: EnvironmentVariables.relayUrl.schemaName });
    } else {
      warning = result.errors.map((e) => t("configIssue", { variable: e.variable, message: e.message, fix: e.fix })).join(" ");
    }
  } catch (e) {
    warning = t("configUnreadable", { detail: errorText(e) });
  }
  if (warning === undefined) clearFormNotification(fc, NotificationId.config);
  else showFormNotification(fc, NotificationId.config, "WARNING", warning);
  return config;
}
