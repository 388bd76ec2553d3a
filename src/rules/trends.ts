/**
 * Rules over the series: `weeklyDrop` and `rankDrop` (events of the cycle's week) and
 * `consecutiveDeclines` (a state). A unit new this cycle, or a null on either side, is not judged;
 * neither is a change of activity ("không phát sinh" before or now): that is not a drop.
 */
import { delta, viNumber } from '../domain/format.ts';
import { evidence } from './evidence.ts';
import { metricLabel, scoreOf } from '../domain/wording.ts';
import { judge, sameBasis } from './judged.ts';
import { rulesForUnit } from './settings.ts';
import { type RuleInput } from './types.ts';
import { type SnapshotView, unitsOf } from '../domain/observations.ts';
import type { Finding } from '../domain/findings.ts';

export function weeklyDropFindings(input: RuleInput): Finding[] {
  const previous = input.history[0];
  if (!previous) return [];
  const out: Finding[] = [];
  for (const unit of unitsOf(input.current)) {
    const settings = rulesForUnit(input.rules, unit).weeklyDrop;
    for (const metric of settings.metrics) {
      const jc = judge(input.current, unit, metric);
      const jp = judge(previous, unit, metric);
      if (jc.kind !== 'judged' || jp.kind !== 'judged' || !sameBasis(jc, jp)) continue;
      const cur = jc.obs;
      const prev = jp.obs;
      if (cur.score === null || prev.score === null) continue;
      const fell = delta(prev.score, cur.score)!;
      if (fell < settings.points) continue;
      out.push({
        rule: 'weeklyDrop',
        kind: 'indicator',
        unitCode: unit,
        metric,
        periodKey: input.periodKey,
        week: input.week,
        severity: fell >= 2 * settings.points ? 'critical' : 'warn',
        value: cur.score,
        previous: prev.score,
        threshold: settings.points,
        message: `${metricLabel(metric)} giảm ${viNumber(fell)} điểm so với lần trước (${viNumber(prev.score)} → ${scoreOf(cur.score, cur.maxScore)})`,
        evidence: evidence(input, { value: cur.score, previous: prev.score, fell, points: settings.points }, previous),
      });
    }
  }
  return out;
}

export function consecutiveDeclinesFindings(input: RuleInput): Finding[] {
  const out: Finding[] = [];
  for (const unit of unitsOf(input.current)) {
    const settings = rulesForUnit(input.rules, unit).consecutiveDeclines;
    const series: SnapshotView[] = [input.current, ...input.history.slice(0, settings.steps)];
    if (series.length < settings.steps + 1) continue;
    for (const metric of settings.metrics) {
      const judged = series.map((s) => judge(s, unit, metric));
      const first = judged[0]!;
      if (first.kind !== 'judged' || judged.some((j) => j.kind !== 'judged' || !sameBasis(first, j))) continue;
      const scores = judged.map((j) => (j as Extract<typeof j, { kind: 'judged' }>).score);
      // scores[0] is now; each step i compares scores[i+1] (older) with scores[i] (newer).
      const steps = scores.slice(0, settings.steps).map((s, i) => delta(scores[i + 1]!, s)!);
      if (!steps.every((d) => d >= settings.minPoints)) continue;
      const oldest = scores[settings.steps]!;
      out.push({
        rule: 'consecutiveDeclines',
        kind: 'indicator',
        unitCode: unit,
        metric,
        periodKey: input.periodKey,
        week: null,
        severity: 'warn',
        value: scores[0]!,
        previous: scores[1]!,
        threshold: settings.minPoints,
        message: `${metricLabel(metric)} giảm ${settings.steps} lần liên tiếp (${[...scores]
          .reverse()
          .map((s) => viNumber(s))
          .join(' → ')})`,
        evidence: evidence(input, {
          series: [...scores].reverse(),
          capturedAt: series.map((s) => s.capturedAt.toISOString()).reverse(),
          fellTotal: delta(oldest, scores[0]!),
          steps: settings.steps,
          minPoints: settings.minPoints,
        }),
      });
    }
  }
  return out;
}

type RankCheck = (
  rule: string,
  unit: string,
  cur: SnapshotView,
  prev: SnapshotView | undefined,
  scopeLabel: string,
  usePeer: boolean,
) => void;

function rankChecker(input: RuleInput, out: Finding[]): RankCheck {
  return (rule, unit, cur, prev, scopeLabel, usePeer) => {
    if (!prev) return;
    const settings = rulesForUnit(input.rules, unit).rankDrop;
    // Units without activity are not ranked (listed apart), and a change of activity is no fall.
    const jc = judge(cur, unit, 'TOTAL');
    const jp = judge(prev, unit, 'TOTAL');
    if (jc.kind !== 'judged' || jp.kind !== 'judged') return;
    const c = jc.obs;
    const p = jp.obs;
    const now = usePeer ? c?.peerRank : c?.rank;
    const before = usePeer ? p?.peerRank : p?.rank;
    if (now == null || before == null) return;
    const fell = now - before;
    if (fell < settings.places) return;
    out.push({
      rule,
      kind: 'indicator',
      unitCode: unit,
      metric: 'TOTAL',
      periodKey: input.periodKey,
      week: input.week,
      severity: 'warn',
      value: now,
      previous: before,
      threshold: settings.places,
      message: `Xếp hạng ${scopeLabel} giảm ${fell} bậc (từ ${before} xuống ${now})`,
      evidence: evidence(
        input,
        {
          rank: now,
          previousRank: before,
          fell,
          scope: usePeer ? 'peer' : rule === 'nationalRankDrop' ? 'national' : 'province',
          places: settings.places,
        },
        prev,
      ),
    });
  };
}

/** Rank fell by ≥ `places` among all units of the province (`scope: province`) or among peers (`peer`). */
export function rankDropFindings(input: RuleInput): Finding[] {
  const out: Finding[] = [];
  const check = rankChecker(input, out);
  for (const unit of unitsOf(input.current)) {
    if (unit === input.province) continue;
    const usePeer = rulesForUnit(input.rules, unit).rankDrop.scope === 'peer';
    const kind = input.units.get(unit)?.kind;
    check(
      'rankDrop',
      unit,
      input.current,
      input.history[0],
      usePeer ? (kind === 'commune' ? 'trong khối xã, phường' : 'trong khối sở, ban, ngành') : 'trong tỉnh',
      usePeer,
    );
  }
  return out;
}

/** The province itself: its national rank among the 34 fell by ≥ `places` (rule `nationalRankDrop`). */
export function nationalRankDropFindings(input: RuleInput): Finding[] {
  const out: Finding[] = [];
  if (input.nationalCurrent)
    rankChecker(input, out)(
      'nationalRankDrop',
      input.province,
      input.nationalCurrent,
      input.nationalHistory[0],
      'toàn quốc',
      false,
    );
  return out;
}
