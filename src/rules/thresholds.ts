/**
 * State rules on the current snapshot alone: `floor` (below a % of the metric's maximum, with a
 * hysteresis band for resolution) and `target` (below an assigned value).
 */
import picomatch from 'picomatch';
import { round2 } from '../domain/format.ts';
import { viNumber } from '../domain/format.ts';
import { evidence } from './evidence.ts';
import { metricLabel, scoreOf, viPoints } from '../domain/wording.ts';
import { judge } from './judged.ts';
import { rulesForUnit } from './settings.ts';
import { type RuleInput } from './types.ts';
import { metricDef } from '../domain/metrics.ts';
import { obsKey, unitsOf } from '../domain/observations.ts';
import type { Finding } from '../domain/findings.ts';

/** `(tính trên các nhóm có phát sinh hồ sơ: 48,21%; không tính Thanh toán trực tuyến)` */
function basisNote(excluded: readonly string[], pct: number): string {
  if (excluded.length === 0) return '';
  return ` (tính trên các nhóm có phát sinh hồ sơ: ${viNumber(pct)}% điểm tối đa; không tính ${excluded.map((g) => metricDef(g)?.short ?? g).join(', ')})`;
}

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
      // Not judged: no score, or a score explained by "không phát sinh" (no dossiers of that kind).
      const j = judge(input.current, unit, metric);
      if (j.kind !== 'judged' || j.pct === null || !j.max) continue;
      const o = j.obs;
      const pct = j.pct;
      const maxScore = j.max;
      const prev = input.history[0]?.observations.get(obsKey(unit, metric));
      const crit = settings.criticalRatio;
      const warn = settings.warnRatio;
      const severity = pct < crit ? 'critical' : warn > 0 && pct < warn ? 'warn' : null;
      const top = Math.max(crit, warn);
      const hold = severity === null && pct < top + settings.resolveMargin;
      if (!severity && !hold) continue;
      const thresholdPct = severity === 'critical' ? crit : severity === 'warn' ? warn : top;
      const thresholdPoints = round2((thresholdPct * maxScore) / 100);
      out.push({
        rule: 'floor',
        kind: 'indicator',
        unitCode: unit,
        metric,
        periodKey: input.periodKey,
        week: null,
        severity: severity ?? 'warn',
        value: j.score,
        previous: prev?.score ?? null,
        threshold: thresholdPoints,
        message: severity
          ? `${metricLabel(metric)} ${scoreOf(j.score, maxScore)} — dưới ngưỡng ${viPoints(thresholdPoints)} (${viPoints(thresholdPct)}% điểm tối đa)${basisNote(j.excluded, pct)}`
          : `${metricLabel(metric)} ${scoreOf(j.score, maxScore)} — đã vượt ngưỡng nhưng chưa đủ biên ${viNumber(settings.resolveMargin)} điểm %${basisNote(j.excluded, pct)}`,
        evidence: evidence(input, {
          value: j.score,
          maxScore,
          ratio: round2(pct),
          ...(j.excluded.length
            ? { inactiveGroups: j.excluded, officialRatio: round2((j.score / maxScore) * 100) }
            : {}),
          thresholdRatio: thresholdPct,
          resolveMargin: settings.resolveMargin,
          previous: prev?.score ?? null,
          rank: o.rank,
        }),
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
      const j = judge(input.current, unit, t.metric);
      if (j.kind !== 'judged') continue;
      const o = j.obs;
      // A total lowered by inactive groups is compared on the groups that had activity (as points of 100).
      const judged = j.excluded.length && j.pct !== null && j.max ? round2((j.pct * j.max) / 100) : j.score;
      if (judged >= t.value) continue;
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
        message: `${metricLabel(t.metric)} ${scoreOf(j.score, o.maxScore)} — chưa đạt chỉ tiêu ${viNumber(t.value)}${basisNote(j.excluded, j.pct ?? 0)}`,
        evidence: evidence(input, {
          value: o.score,
          target: t.value,
          previous: prev?.score ?? null,
          ...(j.excluded.length ? { inactiveGroups: j.excluded, judgedValue: judged } : {}),
        }),
      });
    }
  }
  return out;
}
