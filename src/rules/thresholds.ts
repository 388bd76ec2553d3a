/**
 * State rules on the current snapshot alone: `floor` (below a % of the metric's maximum, with a
 * hysteresis band for resolution) and `target` (below an assigned value).
 */
import picomatch from 'picomatch';
import { round2 } from '../domain/format.ts';
import { viNumber } from '../domain/format.ts';
import { evidence, metricLabel, scoreOf } from './evidence.ts';
import { rulesForUnit } from './settings.ts';
import { obsKey, unitsOf, type Finding, type RuleInput } from './types.ts';

/**
 * Below criticalRatio % of the maximum → critical; below warnRatio → warn (warnRatio 0 disables
 * the warning level). Exactly at a threshold is not below it. Between the threshold and threshold
 * + resolveMargin a hold-only finding keeps an open alert open (it never opens one). Null stays
 * null: a metric without a score is not judged.
 */
export function floorFindings(input: RuleInput): Finding[] {
  const out: Finding[] = [];
  for (const unit of unitsOf(input.current)) {
    const settings = rulesForUnit(input.rules, unit).floor;
    for (const metric of settings.metrics) {
      const o = input.current.observations.get(obsKey(unit, metric));
      if (!o || !o.present || o.score === null || !o.maxScore) continue;
      const pct = (o.score / o.maxScore) * 100;
      const prev = input.history[0]?.observations.get(obsKey(unit, metric));
      const crit = settings.criticalRatio;
      const warn = settings.warnRatio;
      const severity = pct < crit ? 'critical' : warn > 0 && pct < warn ? 'warn' : null;
      const top = Math.max(crit, warn);
      const hold = severity === null && pct < top + settings.resolveMargin;
      if (!severity && !hold) continue;
      const thresholdPct = severity === 'critical' ? crit : severity === 'warn' ? warn : top;
      const thresholdPoints = round2((thresholdPct * o.maxScore) / 100);
      out.push({
        rule: 'floor',
        kind: 'indicator',
        unitCode: unit,
        metric,
        periodKey: input.periodKey,
        week: null,
        severity: severity ?? 'warn',
        value: o.score,
        previous: prev?.score ?? null,
        threshold: thresholdPoints,
        message: severity
          ? `${metricLabel(metric)} ${scoreOf(o.score, o.maxScore)} — dưới ngưỡng ${viNumber(thresholdPoints).replace(/,00$/, '')} (${viNumber(thresholdPct).replace(/,00$/, '')}% điểm tối đa)`
          : `${metricLabel(metric)} ${scoreOf(o.score, o.maxScore)} — đã vượt ngưỡng nhưng chưa đủ biên ${viNumber(settings.resolveMargin)} điểm %`,
        evidence: evidence(input, { value: o.score, maxScore: o.maxScore, ratio: round2(pct), thresholdRatio: thresholdPct, resolveMargin: settings.resolveMargin, previous: prev?.score ?? null, rank: o.rank }),
        holdOnly: hold,
      });
    }
  }
  return out;
}

/** Below an assigned target (`rules.target`): a state alert while it lasts. */
export function targetFindings(input: RuleInput): Finding[] {
  const out: Finding[] = [];
  for (const t of input.rules.target) {
    for (const unit of unitsOf(input.current)) {
      if (!picomatch.isMatch(unit, t.unit)) continue;
      const o = input.current.observations.get(obsKey(unit, t.metric));
      if (!o || !o.present || o.score === null || o.score >= t.value) continue;
      const prev = input.history[0]?.observations.get(obsKey(unit, t.metric));
      out.push({
        rule: 'target',
        kind: 'indicator',
        unitCode: unit,
        metric: t.metric,
        periodKey: input.periodKey,
        week: null,
        severity: 'warn',
        value: o.score,
        previous: prev?.score ?? null,
        threshold: t.value,
        message: `${metricLabel(t.metric)} ${scoreOf(o.score, o.maxScore)} — chưa đạt chỉ tiêu ${viNumber(t.value)}`,
        evidence: evidence(input, { value: o.score, target: t.value, previous: prev?.score ?? null }),
      });
    }
  }
  return out;
}
