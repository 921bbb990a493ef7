/** PCF `context.formatting` and `context.userSettings` for the signed-in user's language and time zone. */
import { LANGUAGE_NAMES } from "../platform/session";

export function formattingFor(locale: string): ComponentFramework.Formatting {
  const number = (value: number, digits?: number) =>
    new Intl.NumberFormat(locale, digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  const date = (value: Date, options: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale, options).format(value);
  return {
    formatCurrency: (value, precision = 2, symbol = "") => `${symbol}${number(value, precision)}`,
    formatDecimal: (value, precision) => number(value, precision),
    formatInteger: (value) => number(Math.round(value), 0),
    formatDateShort: (value, includeTime) => date(value, includeTime ? { dateStyle: "short", timeStyle: "short" } : { dateStyle: "short" }),
    formatDateLong: (value) => date(value, { dateStyle: "full" }),
    formatDateLongAbbreviated: (value) => date(value, { dateStyle: "medium" }),
    formatDateYearMonth: (value) => date(value, { year: "numeric", month: "long" }),
    formatTime: (value) => date(value, { timeStyle: "short" }),
    formatLanguage: (value) => LANGUAGE_NAMES[value] ?? String(value),
    formatDateAsFilterStringInUTC: (value, includeTime) => (includeTime ? value.toISOString() : value.toISOString().slice(0, 10)),
    getWeekOfYear: (value) => {
      const day = new Date(Date.UTC(value.getFullYear(), value.getMonth(), value.getDate()));
      day.setUTCDate(day.getUTCDate() + 4 - (day.getUTCDay() || 7));
      const yearStart = new Date(Date.UTC(day.getUTCFullYear(), 0, 1));
      return Math.ceil(((day.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
    },
  };
}

export function userSettingsFor(user: { systemUserId: string | null; fullName: string }, languageId: number, locale: string): ComponentFramework.UserSettings {
  const parts = new Intl.NumberFormat(locale).formatToParts(12345.6);
  const separator = (type: string, fallback: string) => parts.find((p) => p.type === type)?.value ?? fallback;
  return {
    dateFormattingInfo: { shortDatePattern: new Intl.DateTimeFormat(locale).resolvedOptions().locale } as unknown as ComponentFramework.UserSettingApi.DateFormattingInfo,
    numberFormattingInfo: { numberDecimalSeparator: separator("decimal", "."), numberGroupSeparator: separator("group", ","), numberDecimalDigits: 2 } as unknown as ComponentFramework.UserSettingApi.NumberFormattingInfo,
    isRTL: false,
    languageId,
    securityRoles: [],
    userId: user.systemUserId ? `{${user.systemUserId.toUpperCase()}}` : "",
    userName: user.fullName,
    getTimeZoneOffsetMinutes: (date?: Date) => -(date ?? new Date()).getTimezoneOffset(),
  };
}
