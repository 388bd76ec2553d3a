/** Parsing of command-line values shared by several commands; bad values are UsageErrors (exit 2). */
import { parseCalendarDate } from '../domain/periods.ts';
import { UsageError } from './context.ts';

export function parseAsOf(value: string | undefined): Date {
  if (value === undefined) return new Date();
  // Require a full date-time with an offset or Z, so nobody stamps a capture in the wrong zone.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new UsageError(`--as-of "${value}" is not an ISO-8601 date-time with a zone, e.g. 2026-11-16T04:12:00+07:00`);
  }
  // new Date() would roll 2026-02-30 over to 2 March (and a cycle for the wrong week): check the calendar.
  const [h, m, sec] = value.slice(11, 19).split(':').map(Number);
  if (!parseCalendarDate(value.slice(0, 10)) || h! > 23 || m! > 59 || (sec ?? 0) > 59)
    throw new UsageError(`--as-of "${value}" is not a real date and time (e.g. 2026-11-16T04:12:00+07:00)`);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw new UsageError(`--as-of "${value}" is not a valid date-time`);
  return d;
}

export function parseId(value: string, what: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${what} must be a number, got "${value}"`);
  return Number(value);
}

export function parseChoice<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new UsageError(`${what} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}
