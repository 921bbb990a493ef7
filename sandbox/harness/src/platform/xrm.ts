/**
 * The `Xrm` global the platform gives scripts: `Xrm.WebApi`, `Xrm.Utility` (global context,
 * resource strings, progress indicator, metadata), `Xrm.Navigation` (dialogs, forms, URLs).
 */
import type { Platform } from "./platform";
import { recordUrl } from "./platform";
import { bareGuid, clientGuid } from "./session";

const CLIENT_VERSION = "9.2.25111.00000";

export function globalContext(platform: Platform): Xrm.GlobalContext {
  const session = platform.session;
  const userId = session.user.systemUserId ? clientGuid(session.user.systemUserId) : "";
  return {
    client: { getClient: () => "Web", getClientState: () => "Online", getFormFactor: () => 1, isOffline: () => false },
    organizationSettings: {
      languageId: 1033,
      uniqueName: session.environment.organization,
      isAutoSaveEnabled: false,
      useSkypeProtocol: false,
      defaultCountryCode: "",
      isEmailMonitoringAllowed: false,
      isTrackingEnabled: false,
    },
    userSettings: {
      userId,
      userName: session.user.fullName,
      languageId: platform.languageId,
      isRTL: false,
      isGuidedHelpEnabled: false,
      isHighContrastEnabled: false,
      securityRoles: [],
      roles: { get: () => [], getLength: () => 0, forEach: () => undefined },
      defaultDashboardId: "",
      transactionCurrencyId: "",
      getTimeZoneOffsetMinutes: () => -new Date().getTimezoneOffset(),
      dateFormattingInfo: {},
    },
    getClientUrl: () => location.origin,
    getCurrentAppUrl: () => `${location.origin}/main.aspx`,
    getCurrentAppName: () => Promise.resolve(platform.texts.appName),
    getCurrentAppProperties: () => Promise.resolve({ appId: "", displayName: platform.texts.appName, uniqueName: "SalesHub", url: `${location.origin}/main.aspx` }),
    getOrgLcid: () => 1033,
    getOrgUniqueName: () => session.environment.organization,
    getQueryStringParameters: () => Object.fromEntries(new URLSearchParams(location.search)),
    getTimeZoneOffsetMinutes: () => -new Date().getTimezoneOffset(),
    getUserId: () => userId,
    getUserLcid: () => platform.languageId,
    getUserName: () => session.user.fullName,
    getUserRoles: () => [],
    getVersion: () => CLIENT_VERSION,
    getWebResourceUrl: (name: string) => platform.resources.url(name),
    isOnPremises: () => false,
    prependOrgName: (path: string) => path,
    getAdvancedConfigSetting: (setting: string) => (setting === "MaxChildIncidentNumber" ? 50 : 0),
  } as unknown as Xrm.GlobalContext;
}

export function installXrm(platform: Platform): void {
  const context = globalContext(platform);
  const openForm = async (options: Xrm.Navigation.EntityFormOptions): Promise<Xrm.Navigation.OpenFormResult> => {
    await platform.navigate(recordUrl(platform, options.entityName ?? "", options.entityId ? bareGuid(options.entityId) : undefined));
    return { savedEntityReference: [] };
  };
  const xrm = {
    WebApi: platform.webApi,
    Utility: {
      getGlobalContext: () => context,
      getResourceString: (webResourceName: string, key: string) => platform.resources.resourceString(webResourceName, key),
      showProgressIndicator: (message: string) => platform.dialogs.showProgress(message),
      closeProgressIndicator: () => platform.dialogs.closeProgress(),
      getEntityMetadata: async (entityName: string, attributes?: string[]) => {
        const table = await platform.metadata.entity(entityName);
        const wanted = [...table.attributes.values()].filter((a) => !attributes || attributes.includes(a.logicalName));
        return {
          LogicalName: table.logicalName,
          EntitySetName: table.entitySetName,
          PrimaryIdAttribute: table.primaryId,
          PrimaryNameAttribute: table.primaryName,
          DisplayName: table.displayName,
          Attributes: {
            get: (name: string) => wanted.find((a) => a.logicalName === name),
            getByName: (name: string) => wanted.find((a) => a.logicalName === name),
            getAll: () => wanted,
          },
        };
      },
      getPageContext: () => {
        const query = new URLSearchParams(location.search);
        return { input: { pageType: query.get("pagetype") ?? "entitylist", entityName: query.get("etn") ?? "", entityId: query.get("id") ?? undefined } };
      },
    },
    Navigation: {
      openAlertDialog: (strings: Xrm.Navigation.AlertStrings) => platform.dialogs.alert(strings),
      openConfirmDialog: (strings: Xrm.Navigation.ConfirmStrings) => platform.dialogs.confirm(strings),
      openErrorDialog: (options: Xrm.Navigation.ErrorDialogOptions) => platform.dialogs.error(options),
      openForm,
      openUrl: (url: string) => void window.open(url, "_blank", "noopener"),
      openWebResource: (name: string) => void window.open(platform.resources.url(name), "_blank", "noopener"),
    },
  };
  (window as unknown as { Xrm: unknown }).Xrm = xrm;
}
