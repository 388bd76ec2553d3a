/**
 * The identity and the plan of a weekly cycle. A cycle = one (source, provinces, period, ISO week):
 * its key is deterministic (`cycle-dvcqg-H19-year2026-2026W47`), so a cron tick, a manual run-once
 * and three workers starting at once agree on one. Its plan is every request of every source it asks:
 * the national portal each attempt, the provincial portal once (attempt 1; its figures are not what
 * the freshness gate waits for).
 */
import type { Config } from '../config/load.ts';
import { PROVINCE_CODES } from '../domain/provinces.ts';
import { currentPeriod, isoWeekKey, parsePeriodKey, periodSlug, type Period } from '../domain/periods.ts';
import { sourceOf } from '../sources/index.ts';
import type { SourceRequest } from '../sources/source.ts';

/** The source a weekly cycle is about (its freshness, its alerts). */
export const CYCLE_SOURCE = 'dvcqg';
/** Sources asked once per cycle besides it. */
const ALSO_ONCE = ['provincial'];

export interface PlannedRequest {
  source: string;
  request: SourceRequest;
}

export interface CyclePlan {
  /** In the order they are fetched (priority): the national summary first, province after province. */
  requests: PlannedRequest[];
}

/** `H19`, `all` for the 34, or `H01_H19` for a list. */
export function provincesLabel(provinces: readonly string[]): string {
  if (provinces.length === PROVINCE_CODES.length && PROVINCE_CODES.every((p) => provinces.includes(p))) return 'all';
  return [...provinces].sort().join('_');
}

function keyPart(...parts: string[]): string {
  return parts.join('-').replace(/[:\s/]+/g, '_');
}

export function cycleKey(source: string, provinces: readonly string[], period: Period, week: string): string {
  return keyPart('cycle', source, provincesLabel(provinces), periodSlug(period), week.replace('-', ''));
}

/** The cycle of the week containing `asOf` (its key, period and week). */
export function cycleIdentity(config: Config, asOf: Date): { key: string; period: Period; week: string } {
  const tz = config.schedule.timezone;
  const period = currentPeriod(config.period, asOf, tz);
  const week = isoWeekKey(asOf, tz);
  return { key: cycleKey(CYCLE_SOURCE, config.provinces, period, week), period, week };
}

export function cyclePlan(cycle: { provinces: string; period_key: string }, config: Config, attempt = 1): CyclePlan {
  const period = parsePeriodKey(cycle.period_key);
  if (!period) throw new Error(`cycle has an unknown period ${cycle.period_key}`);
  const provinces = cycle.provinces.split(',');
  const sources = [CYCLE_SOURCE, ...(attempt === 1 ? ALSO_ONCE : [])];
  return {
    requests: sources.flatMap((name) =>
      sourceOf(name)
        .requests({ provinces, period, config })
        .map((request) => ({ source: name, request })),
    ),
  };
}

/** The requests of one source in a plan. */
export function requestsOf(plan: CyclePlan, source: string): SourceRequest[] {
  return plan.requests.filter((r) => r.source === source).map((r) => r.request);
}

/** The sources a plan asks, in order. */
export function sourcesOf(plan: CyclePlan): string[] {
  return [...new Set(plan.requests.map((r) => r.source))];
}
