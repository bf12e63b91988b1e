const DAY_MS = 86_400_000;

/**
 * Retain-until of a copy made at `now` (threat #28): whole days added in UTC milliseconds, so DST and leap days
 * cannot shorten it, counted from the copy (server time), never from the source snapshot's older timestamp.
 */
export function retainUntil(now: Date, days: number): Date {
  return new Date(now.getTime() + days * DAY_MS);
}

/** A strict ISO-8601 UTC instant, or undefined: anything else is malformed and keeps the copy. */
export function parseRetainUntil(value: string | undefined): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(value)) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) || at.toISOString().slice(0, 19) !== value.slice(0, 19) ? undefined : at;
}
