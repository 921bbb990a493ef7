const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["second", 60],
  ["minute", 60],
  ["hour", 24],
  ["day", 30],
  ["month", 12],
  ["year", Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "gestern", "3 天前"… in the given locale; under 45 seconds reads as "now". */
export function relativeTime(date: Date, now: Date, locale: string): string {
  const format = new Intl.RelativeTimeFormat(locale, { numeric: "auto" });
  let amount = (date.getTime() - now.getTime()) / 1000;
  if (Math.abs(amount) < 45) return format.format(0, "second");
  for (const [unit, size] of steps) {
    if (Math.abs(amount) < size) return format.format(Math.round(amount), unit);
    amount /= size;
  }
  return format.format(Math.round(amount), "year");
}

/**
 * Date and time as the user sees them in Dynamics 365: shifted to the time zone of their personal
 * settings (`getTimeZoneOffsetMinutes`), which need not be the browser's.
 */
export function absoluteTime(date: Date, locale: string, offsetMinutes: number): string {
  const shifted = new Date(date.getTime() + offsetMinutes * 60_000);
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" }).format(shifted);
}
