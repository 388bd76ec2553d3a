/** Silences: mute alerts of a unit (pattern), optionally one rule / metric, until a date. */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';
import { isMetricCode } from '../domain/metrics.ts';
import { parseCalendarDate, zonedTimeToInstant } from '../domain/periods.ts';
import { knownUnits, unitProblem } from '../units/known.ts';
import { INDICATOR_RULES } from '../rules/evaluate.ts';
import { InputError } from '../domain/errors.ts';

export const SILENCEABLE_RULES: readonly string[] = [
  ...INDICATOR_RULES,
  'nationalRankDrop',
  'source.coverage',
  'source.blocked',
  'source.drift',
  'source.failed',
  'source.not_recalculated',
  'reconciliation',
];

export class SilenceInputError extends InputError {}

/** `2026-12-31` → end of that day in the zone; a full ISO date-time is taken as given. */
export function parseUntil(value: string, tz: string): Date {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const day = parseCalendarDate(value);
    if (!day) throw new SilenceInputError(`--until "${value}" is not a day of the calendar (YYYY-MM-DD)`);
    return zonedTimeToInstant({ ...day, hour: 23, minute: 59, second: 59 }, tz);
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value)) {
    const d = new Date(value);
    if (parseCalendarDate(value.slice(0, 10)) && !Number.isNaN(d.getTime())) return d;
  }
  throw new SilenceInputError(`--until "${value}" is not a date (YYYY-MM-DD, or an ISO date-time)`);
}

export async function addSilence(
  db: Kysely<DB>,
  s: {
    unit: string;
    rule?: string;
    metric?: string;
    until: string;
    reason: string;
    tz: string;
    now: Date;
    watched?: readonly string[];
  },
): Promise<number> {
  const why = unitProblem(s.unit, await knownUnits(db, s.watched ?? []));
  if (why) throw new SilenceInputError(`--unit: ${why}`);
  if (s.rule && !SILENCEABLE_RULES.includes(s.rule))
    throw new SilenceInputError(`--rule "${s.rule}" is not a rule (${SILENCEABLE_RULES.join(', ')})`);
  if (s.metric && !isMetricCode(s.metric))
    throw new SilenceInputError(`--metric "${s.metric}" is not a metric code (TOTAL, CKMB, … DOSSIER_SYNC, …)`);
  if (!s.reason.trim()) throw new SilenceInputError('--reason must say why (it is shown to ops)');
  const until = parseUntil(s.until, s.tz);
  if (until.getTime() <= s.now.getTime()) throw new SilenceInputError(`--until ${s.until} is in the past`);
  const row = await db
    .insertInto('silences')
    .values({ unit_pattern: s.unit, rule: s.rule ?? null, metric: s.metric ?? null, until, reason: s.reason.trim() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function listSilences(db: Kysely<DB>, opts: { all?: boolean; now: Date }) {
  let q = db.selectFrom('silences').selectAll();
  if (!opts.all) q = q.where('removed_at', 'is', null).where('until', '>', opts.now);
  return (await q.orderBy('id').execute()).map((s) => ({
    id: s.id,
    unit: s.unit_pattern,
    rule: s.rule,
    metric: s.metric,
    until: s.until.toISOString(),
    reason: s.reason,
    createdAt: s.created_at.toISOString(),
    removedAt: s.removed_at ? s.removed_at.toISOString() : null,
  }));
}

export async function removeSilence(db: Kysely<DB>, id: number, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('silences')
    .set({ removed_at: now })
    .where('id', '=', id)
    .where('removed_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}
