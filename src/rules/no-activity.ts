/**
 * Units with nothing to judge. With `rules.noActivity: note` a unit that had no dossiers at all in
 * the period is told so, as information (never as a low score). Whatever the policy, alerts still
 * open on figures now explained by "không phát sinh" resolve with that reason, not as "improved".
 */
import { HEADLINE_METRICS } from '../domain/metrics.ts';
import { evidence } from './evidence.ts';
import { activityIn, judge } from './judged.ts';
import { rulesForUnit } from './settings.ts';
import { type RuleInput } from './types.ts';
import { unitsOf } from '../domain/observations.ts';
import type { Finding } from '../domain/findings.ts';

export const NO_ACTIVITY_RULE = 'noActivity';

export function noActivityFindings(input: RuleInput): Finding[] {
  if (input.rules.noActivity !== 'note') return [];
  const out: Finding[] = [];
  for (const unit of unitsOf(input.current)) {
    if (unit === input.province || activityIn(input.current, unit).unit !== 'inactive') continue;
    out.push({
      rule: NO_ACTIVITY_RULE,
      kind: 'indicator',
      unitCode: unit,
      metric: 'TOTAL',
      periodKey: input.periodKey,
      week: null,
      severity: 'info',
      value: null,
      previous: null,
      threshold: null,
      message: 'Không phát sinh hồ sơ trong kỳ: điểm của đơn vị không được đánh giá',
      evidence: evidence(input, { activity: 'inactive' }),
    });
  }
  return out;
}

/**
 * `unit|metric` keys whose figures are explained by no activity this cycle: an open indicator alert
 * on one of them resolves with the reason `no_activity`.
 */
export function noActivityKeys(input: RuleInput): Set<string> {
  const out = new Set<string>();
  for (const unit of unitsOf(input.current)) {
    const r = rulesForUnit(input.rules, unit);
    const metrics = new Set([
      ...HEADLINE_METRICS,
      ...r.floor.metrics,
      ...r.weeklyDrop.metrics,
      ...r.consecutiveDeclines.metrics,
      ...input.rules.target.map((t) => t.metric),
    ]);
    for (const m of metrics) if (judge(input.current, unit, m).kind === 'noActivity') out.add(`${unit}|${m}`);
  }
  return out;
}
