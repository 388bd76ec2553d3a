/**
 * What a rule may judge. A figure explained by "không phát sinh" (no dossiers of that kind in the
 * period) is not a score: a group with no activity is never judged, a unit with no activity at all
 * is never judged on its total, and a total lowered by inactive groups is judged on the groups that
 * had activity (their points against their maxima). The activity itself comes from
 * `domain/activity.ts`, read from the counters the portal sent.
 */
import { metricActivity, unitActivity, type UnitActivity } from '../domain/activity.ts';
import { metricDef, type GroupCode } from '../domain/metrics.ts';
import { round2 } from '../domain/format.ts';
import { type Observation, type SnapshotView, obsKey } from '../domain/observations.ts';

const cache = new WeakMap<SnapshotView, Map<string, UnitActivity>>();

/** The unit's activity in a snapshot (computed once per view and unit). */
export function activityIn(view: SnapshotView, unit: string): UnitActivity {
  let byUnit = cache.get(view);
  if (!byUnit) cache.set(view, (byUnit = new Map()));
  let a = byUnit.get(unit);
  if (!a) byUnit.set(unit, (a = unitActivity((metric) => view.observations.get(obsKey(unit, metric)))));
  return a;
}

export type Judged =
  | {
      kind: 'judged';
      obs: Observation;
      /** The portal's score, as given. */
      score: number;
      max: number | null;
      /**
       * Percent of the maximum the rules compare with thresholds: the score over the maximum, or for a
       * total with inactive groups, the points of the active groups over their maxima.
       */
      pct: number | null;
      /** Groups left out of `pct` because nothing happened in them. */
      excluded: GroupCode[];
    }
  | { kind: 'noActivity' }
  | { kind: 'missing' };

export function judge(view: SnapshotView, unit: string, metric: string): Judged {
  const o = view.observations.get(obsKey(unit, metric));
  if (!o || !o.present || o.score === null) return { kind: 'missing' };
  const activity = activityIn(view, unit);
  if (metricActivity(activity, metric) === 'inactive') return { kind: 'noActivity' };
  // A sub-metric over nothing (0/0) measures nothing.
  if (metricDef(metric)?.family === 'portal' && o.denominator === 0) return { kind: 'noActivity' };
  const pct = o.maxScore ? (o.score / o.maxScore) * 100 : null;
  if (metric !== 'TOTAL' || activity.inactiveGroups.length === 0 || !o.maxScore)
    return { kind: 'judged', obs: o, score: o.score, max: o.maxScore, pct, excluded: [] };
  let excludedScore = 0;
  let excludedMax = 0;
  for (const g of activity.inactiveGroups) {
    const go = view.observations.get(obsKey(unit, g));
    if (!go || !go.present || go.score === null || !go.maxScore)
      return { kind: 'judged', obs: o, score: o.score, max: o.maxScore, pct, excluded: [] };
    excludedScore += go.score;
    excludedMax += go.maxScore;
  }
  const activeMax = o.maxScore - excludedMax;
  if (activeMax <= 0) return { kind: 'noActivity' };
  return {
    kind: 'judged',
    obs: o,
    score: o.score,
    max: o.maxScore,
    pct: round2(((o.score - excludedScore) / activeMax) * 100),
    excluded: [...activity.inactiveGroups],
  };
}

/** Same groups left out on both sides: otherwise a change is a change of activity, not of work. */
export function sameBasis(a: Extract<Judged, { kind: 'judged' }>, b: Extract<Judged, { kind: 'judged' }>): boolean {
  return a.excluded.length === b.excluded.length && a.excluded.every((g) => b.excluded.includes(g));
}
