/**
 * A typed `ComponentFramework.Context` for unit tests, shaped like the one a model-driven form
 * passes: strings come from the control's real resx for the chosen language, `webAPI` is the
 * in-memory fake, and `mode.contextInfo` names the record the form shows.
 */
import { FakeWebApi } from "./fake-web-api";
import { readResx } from "./resx";

export interface ContextOptions {
  /** Folder (and resx file prefix) of the control, e.g. "Visibility". */
  control: string;
  languageId?: number;
  disabled?: boolean;
  allocatedWidth?: number;
  label?: string;
  webAPI?: FakeWebApi;
  /** The form's record; omit for a new, unsaved record. */
  record?: { entityName: string; id: string };
}

export type MockContext<TInputs> = ComponentFramework.Context<TInputs> & {
  mode: ComponentFramework.Mode & { contextInfo: { entityTypeName: string; entityId: string } };
  webAPI: FakeWebApi;
};

/** A member the controls must not need; calling it fails the test with a clear message. */
function notProvided<T extends object>(name: string): T {
  return new Proxy({} as T, {
    get: (_target, member) => {
      if (typeof member === "symbol" || member === "then") return undefined;
      return () => {
        throw new Error(`context.${name}.${member} is not provided by the mock context`);
      };
    },
  });
}

export function createContext<TInputs>(parameters: TInputs, options: ContextOptions): MockContext<TInputs> {
  const languageId = options.languageId ?? 1033;
  const strings = readResx(options.control, languageId);
  const mode = {
    allocatedHeight: -1,
    allocatedWidth: options.allocatedWidth ?? 600,
    isControlDisabled: options.disabled ?? false,
    isVisible: true,
    label: options.label ?? "",
    setControlState: jest.fn(() => true),
    setFullScreen: jest.fn(),
    trackContainerResize: jest.fn(),
    contextInfo: { entityTypeName: options.record?.entityName ?? "opportunity", entityId: options.record?.id ?? "" },
  };
  const userSettings: ComponentFramework.UserSettings = {
    dateFormattingInfo: notProvided("userSettings.dateFormattingInfo"),
    numberFormattingInfo: notProvided("userSettings.numberFormattingInfo"),
    isRTL: false,
    languageId,
    securityRoles: [],
    userId: "{2B3C4D5E-0000-4000-8000-000000000001}",
    userName: "Alex Seller",
    getTimeZoneOffsetMinutes: () => 0,
  };
  return {
    parameters,
    updatedProperties: [],
    mode,
    userSettings,
    resources: {
      getString: (id) => strings.get(id) ?? id,
      getResource: jest.fn(),
    },
    webAPI: options.webAPI ?? new FakeWebApi(),
    client: {
      disableScroll: false,
      getClient: () => "Web",
      getFormFactor: () => 1,
      isOffline: () => false,
      isNetworkAvailable: () => true,
    },
    formatting: notProvided("formatting"),
    navigation: notProvided("navigation"),
    device: notProvided("device"),
    factory: notProvided("factory"),
    utils: notProvided("utils"),
    events: {},
    copilot: notProvided("copilot"),
  };
}
