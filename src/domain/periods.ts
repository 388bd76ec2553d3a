/**
 * Period math: which index period a cycle captures, its keys, its date range, and the ISO week a
 * capture belongs to — all in Asia/Ho_Chi_Minh unless told otherwise. Pure functions.
 */

export const DEFAULT_TZ = 'Asia/Ho_Chi_Minh';

export type PeriodType = 'year' | 'quarter' | 'month';

export type Period =
  | { readonly type: 'year'; readonly year: number }
  | { readonly type: 'quarter'; readonly year: number; readonly quarter: number }
  | { readonly type: 'month'; readonly year: number; readonly month: number }
  /** Legacy rest.jsp only (`p_6thang: 1`). */
  | { readonly type: 'half'; readonly year: number; readonly half: number };

export interface LocalDateParts {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number; // 1 = Monday … 7 = Sunday
}

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = partFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partFormatters.set(tz, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Wall-clock parts of an instant in a time zone. */
export function localParts(instant: Date, tz: string = DEFAULT_TZ): LocalDateParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(tz).formatToParts(instant)) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/** Is `tz` a time zone this runtime knows? */
export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/**
 * The instant at which the wall clock in `tz` shows the given local time. Found by correcting the
 * UTC guess with the zone's offset at that moment (twice, which settles any DST edge).
 */
export function zonedTimeToInstant(
  local: { year: number; month: number; day: number; hour?: number; minute?: number; second?: number },
  tz: string = DEFAULT_TZ,
): Date {
  const wanted = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour ?? 0,
    local.minute ?? 0,
    local.second ?? 0,
  );
  let guess = wanted;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), tz);
    const shown = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** ISO-8601 week of the local date in `tz`: `{ year: 2026, week: 47 }`. */
export function isoWeekOf(instant: Date, tz: string = DEFAULT_TZ): { year: number; week: number } {
  const p = localParts(instant, tz);
  // Work on a UTC date that carries the local calendar date.
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day));
  const dayNum = p.weekday; // 1..7
  d.setUTCDate(d.getUTCDate() + 4 - dayNum); // Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86400000 + 1) / 7);
  return { year: d.getUTCFullYear(), week };
}

/** `2026-W47` */
export function isoWeekKey(instant: Date, tz: string = DEFAULT_TZ): string {
  const { year, week } = isoWeekOf(instant, tz);
  return `${year}-W${String(week).padStart(2, '0')}`;
}

const WEEK_KEY = /^(\d{4})-W(\d{2})$/;

export function parseWeekKey(key: string): { year: number; week: number } | null {
  const m = WEEK_KEY.exec(key);
  if (!m) return null;
  const year = Number(m[1]);
  const week = Number(m[2]);
  if (week < 1 || week > weeksInIsoYear(year)) return null;
  return { year, week };
}

function weeksInIsoYear(year: number): number {
  // A year has 53 ISO weeks when Dec 28 falls in week 53.
  const dec28 = new Date(Date.UTC(year, 11, 28));
  const dayNum = dec28.getUTCDay() || 7;
  dec28.setUTCDate(dec28.getUTCDate() + 4 - dayNum);
  const yearStart = Date.UTC(dec28.getUTCFullYear(), 0, 1);
  return Math.ceil(((dec28.getTime() - yearStart) / 86400000 + 1) / 7);
}

/** Monday 00:00 local of an ISO week, as an instant. */
export function mondayOfWeek(year: number, week: number, tz: string = DEFAULT_TZ): Date {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const jan4Day = jan4.getUTCDay() || 7;
  const monday = new Date(jan4.getTime() + ((week - 1) * 7 - (jan4Day - 1)) * 86400000);
  return zonedTimeToInstant(
    { year: monday.getUTCFullYear(), month: monday.getUTCMonth() + 1, day: monday.getUTCDate() },
    tz,
  );
}

/**
 * The period a capture at `asOf` should ask for. Year and quarter are the running ones
 * (provisional, year-to-date); a month is offered by the portal only after it has ended, so the
 * month period is the previous calendar month (docs/dvcqg-api.md §3).
 */
export function currentPeriod(type: PeriodType, asOf: Date, tz: string = DEFAULT_TZ): Period {
  const p = localParts(asOf, tz);
  switch (type) {
    case 'year':
      return { type: 'year', year: p.year };
    case 'quarter':
      return { type: 'quarter', year: p.year, quarter: Math.floor((p.month - 1) / 3) + 1 };
    case 'month':
      return p.month === 1
        ? { type: 'month', year: p.year - 1, month: 12 }
        : { type: 'month', year: p.year, month: p.month - 1 };
  }
}

/** Stable key used in the database: `year-2026`, `quarter-2026-Q3`, `month-2026-08`, `half-2025-H1`. */
export function periodKey(period: Period): string {
  switch (period.type) {
    case 'year':
      return `year-${period.year}`;
    case 'quarter':
      return `quarter-${period.year}-Q${period.quarter}`;
    case 'month':
      return `month-${period.year}-${String(period.month).padStart(2, '0')}`;
    case 'half':
      return `half-${period.year}-H${period.half}`;
  }
}

export function parsePeriodKey(key: string): Period | null {
  let m = /^year-(\d{4})$/.exec(key);
  if (m) return { type: 'year', year: Number(m[1]) };
  m = /^quarter-(\d{4})-Q([1-4])$/.exec(key);
  if (m) return { type: 'quarter', year: Number(m[1]), quarter: Number(m[2]) };
  m = /^month-(\d{4})-(\d{2})$/.exec(key);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 12) return { type: 'month', year: Number(m[1]), month: Number(m[2]) };
  m = /^half-(\d{4})-H([12])$/.exec(key);
  if (m) return { type: 'half', year: Number(m[1]), half: Number(m[2]) };
  return null;
}

/** Compact form for job ids (no `:` or `-` ambiguity): `year2026`, `quarter2026Q3`, `month202608`. */
export function periodSlug(period: Period): string {
  return periodKey(period).replace(/-/g, '');
}

/** First and last calendar day (inclusive, `YYYY-MM-DD`) — what `handling-satisfaction` takes. */
export function periodDateRange(period: Period): { fromDate: string; toDate: string } {
  const pad = (n: number) => String(n).padStart(2, '0');
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  let fromMonth: number;
  let toMonth: number;
  switch (period.type) {
    case 'year':
      fromMonth = 1;
      toMonth = 12;
      break;
    case 'quarter':
      fromMonth = (period.quarter - 1) * 3 + 1;
      toMonth = fromMonth + 2;
      break;
    case 'month':
      fromMonth = period.month;
      toMonth = period.month;
      break;
    case 'half':
      fromMonth = period.half === 1 ? 1 : 7;
      toMonth = fromMonth + 5;
      break;
  }
  return {
    fromDate: `${period.year}-${pad(fromMonth)}-01`,
    toDate: `${period.year}-${pad(toMonth)}-${pad(lastDay(period.year, toMonth))}`,
  };
}

/** Vietnamese label: `năm 2026`, `quý III/2026`, `tháng 8/2026`. */
export function periodLabel(period: Period): string {
  const roman = ['I', 'II', 'III', 'IV'];
  switch (period.type) {
    case 'year':
      return `năm ${period.year}`;
    case 'quarter':
      return `quý ${roman[period.quarter - 1]}/${period.year}`;
    case 'month':
      return `tháng ${period.month}/${period.year}`;
    case 'half':
      return `6 tháng ${period.half === 1 ? 'đầu' : 'cuối'} năm ${period.year}`;
  }
}

/**
 * Parse a weekly deadline such as `Tue 04:00` and give the first such moment at or after the start
 * of the ISO week that contains `weekStart` (the Monday of the cycle's week).
 */
export function deadlineInWeek(spec: string, weekYear: number, week: number, tz: string = DEFAULT_TZ): Date {
  const parsed = parseWeeklyTime(spec);
  if (!parsed) throw new Error(`invalid weekly time "${spec}"`);
  const monday = localParts(mondayOfWeek(weekYear, week, tz), tz);
  const base = Date.UTC(monday.year, monday.month - 1, monday.day) + (parsed.weekday - 1) * 86400000;
  const d = new Date(base);
  return zonedTimeToInstant(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: parsed.hour,
      minute: parsed.minute,
    },
    tz,
  );
}

const DAY_NAMES: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

export function parseWeeklyTime(spec: string): { weekday: number; hour: number; minute: number } | null {
  const m = /^(mon|tue|wed|thu|fri|sat|sun)\w*\s+(\d{1,2}):(\d{2})$/i.exec(spec.trim());
  if (!m) return null;
  const hour = Number(m[2]);
  const minute = Number(m[3]);
  if (hour > 23 || minute > 59) return null;
  return { weekday: DAY_NAMES[m[1]!.toLowerCase()]!, hour, minute };
}

/**
 * `2026-02-28` → its parts; null for anything that is not a real calendar day. JavaScript's Date
 * rolls `2026-02-30` over to 2 March and `2026-13-45` into 2027: input is checked here instead.
 */
export function parseCalendarDate(text: string): { year: number; month: number; day: number } | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth ? { year, month, day } : null;
}

/** Whole weeks from ISO week `a` to ISO week `b` (`2026-W45` → `2026-W49` = 4); ∞ when either is not a week. */
export function weeksBetween(a: string, b: string): number {
  const x = parseWeekKey(a);
  const y = parseWeekKey(b);
  if (!x || !y) return Number.POSITIVE_INFINITY;
  return Math.round(
    (mondayOfWeek(y.year, y.week, 'UTC').getTime() - mondayOfWeek(x.year, x.week, 'UTC').getTime()) / (7 * 86_400_000),
  );
}

/** `2026-11-23`: the calendar day of an instant in a time zone. */
export function localDateKey(instant: Date, tz: string = DEFAULT_TZ): string {
  const p = localParts(instant, tz);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}
