/**
 * The weekly bulletin as data: built by a pure function from loaded snapshots, then rendered as
 * Markdown, HTML or DOCX. Every count in the generated sentences comes from the same lists the
 * tables show, so they cannot disagree (the hand-typed notice once counted "04 chỉ số … 100 %"
 * and listed one at 79,72).
 */
import { GROUP_CODES, metricDef } from '../domain/metrics.ts';
import { NO_ACTIVITY_LABEL, NO_GROUP_ACTIVITY_LABEL } from '../domain/activity.ts';
import { compareUnitCodes, delta, round2, viCollator, viNumber } from '../domain/format.ts';
import { displayUnitName } from '../domain/names.ts';
import { figureWithUnit, scoreOf, viPoints } from '../domain/wording.ts';
import { provinceTitle } from '../domain/vocabulary.ts';
import type { NoticeFrame } from './frame.ts';
import { competitionRanks } from '../domain/ranking.ts';
import { activityIn, judge } from '../rules/judged.ts';
import { RECONCILIATION_PAIRS } from '../rules/reconciliation.ts';
import type { UnitKind } from '../domain/units.ts';
import { type SnapshotView, obsKey } from '../domain/observations.ts';

/** The "chỉ số chỉ đạo, điều hành" shown as percentages, in the order of the notices. */
export const DIRECTIVE_METRICS = [
  'ONLINE_PROVISION_FULL',
  'ONLINE_PAYMENT_DOSSIER',
  'ONLINE_SUBMISSION',
  'SO_HOA_GIAY_TO_GIAI_QUYET',
  'ORIGINAL_RESULT_AVAILABLE',
  'ELECTRONIC_CERTIFIED_COPY',
  'REUSED_DIGITIZED_DATA',
  'PUBLISH_ON_TIME',
  'DOSSIER_SYNC',
  'PETITION_PROCESSING_ON_TIME',
  'DOSSIER_RECEIVING_SATISFACTION',
  'ON_TIME',
] as const;

export interface BulletinInput {
  /** The notice's frame (issuing office, signer, recipients…). */
  frame: NoticeFrame;
  province: { code: string; name: string };
  periodLabel: string;
  timezone: string;
  generatedAt: Date;
  current: SnapshotView;
  previous: SnapshotView | null;
  baseline: { year: number; view: SnapshotView | null };
  nationalCurrent: SnapshotView | null;
  nationalPrevious: SnapshotView | null;
  units: readonly { code: string; kind: UnitKind; name: string }[];
  /** Alerts open after this cycle's evaluation, with the data week each was first raised in. */
  openAlerts: readonly BulletinAlertInput[];
  /** The portal's own figure for the whole country (`overview.totalScore`), when captured. */
  nationalScore?: number | null;
  /** Each stored data snapshot of the province (oldest first): TOTAL and groups. */
  trend: readonly { capturedAt: Date; values: Readonly<Record<string, number | null>> }[];
  reconciliation: BulletinReconciliation | null;
  /** The cycle's drill-down: for each unit drilled, the procedure with the largest shortfall. */
  drilldown?: readonly BulletinDrillRow[];
}

export interface BulletinDrillRow {
  unitCode: string;
  unitName: string;
  formalityCode: string;
  formalityName: string;
  metric: string;
  shortfall: number;
}

export interface BulletinAlertInput {
  unitCode: string | null;
  unitName: string | null;
  rule: string;
  severity: string;
  metric: string | null;
  kind: string;
  /** The alert's own figures (used where the snapshot has none, e.g. a discrepancy). */
  value: number | null;
  previous: number | null;
  threshold: number | null;
  message: string;
  /** ISO week of the data in which the alert was first raised (`2026-W47`). */
  sinceWeek: string | null;
}

/** One open alert as the bulletin prints it: figures of the cycle described, not of the day it opened. */
export interface BulletinAlertRow {
  unitCode: string | null;
  unitName: string;
  rule: string;
  severity: string;
  metric: string | null;
  kind: string;
  /** Today's figure in words ("50,60/100 (ngưỡng 50)"). */
  now: string;
  sinceWeek: string | null;
}

export interface BulletinReconciliation {
  /** When no provincial source is configured, the section says so. */
  configured: boolean;
  /** Gaps above this many points (or % of the larger count) are reported. */
  tolerancePoints: number;
  provincialCapturedAt: Date | null;
  rows: {
    unitCode: string;
    unitName: string;
    metric: string;
    label: string;
    provincial: number | null;
    national: number | null;
    gap: number | null;
    outside: boolean;
    unit: '%' | 'hồ sơ';
  }[];
}

export interface ValueRow {
  code: string;
  label: string;
  max: number | null;
  baseline: number | null;
  previous: number | null;
  current: number | null;
  change: number | null;
}

export type Trend = 'rose' | 'fell' | 'unchanged' | 'at100' | 'noData';

export interface UnitRankRow {
  rank: number | null;
  code: string;
  name: string;
  previous: number | null;
  current: number | null;
  change: number | null;
  previousRank: number | null;
  /** "Không phát sinh hồ sơ" (no activity: not ranked) / "không có dữ liệu" when there is no score. */
  status: string | null;
  /** Same for the compared capture. */
  previousStatus: string | null;
  /** No dossiers at all in the period: listed apart, never ranked, never "thấp nhất". */
  noActivity: boolean;
  /** The strictly lowest score among ranked units (every unit sharing it). */
  lowest: boolean;
  /** The largest fall among units with activity both times (every unit sharing it). */
  biggestFaller: boolean;
}

export interface BulletinModel {
  title: string;
  province: { code: string; name: string };
  /** `tỉnh Đồng Nai` (in sentences). */
  provinceTitle: string;
  frame: NoticeFrame;
  periodLabel: string;
  timezone: string;
  generatedAt: Date;
  currentAt: Date;
  previousAt: Date | null;
  baselineYear: number;
  hasBaseline: boolean;
  rank: { current: number | null; previous: number | null; change: number | null; of: number; total: number | null };
  /** "điểm bình quân cả nước" = mean of the 34 province totals; "điểm của cả nước" = the portal's own figure. */
  national: { average: number | null; score: number | null };
  groups: ValueRow[];
  directive: (ValueRow & { trend: Trend })[];
  counts: { overdue: number | null; overduePrevious: number | null; received: number | null };
  lists: Record<Trend, ValueRow[]>;
  departments: UnitRankRow[];
  communes: UnitRankRow[];
  alerts: BulletinAlertRow[];
  reconciliation: BulletinReconciliation | null;
  trend: BulletinInput['trend'];
  drilldown: readonly BulletinDrillRow[];
}

function score(view: SnapshotView | null, unit: string, metric: string): number | null {
  const o = view?.observations.get(obsKey(unit, metric));
  return o && o.present ? o.score : null;
}

function ratio(view: SnapshotView | null, unit: string, metric: string): number | null {
  const o = view?.observations.get(obsKey(unit, metric));
  return o && o.present ? o.ratio : null;
}

export function classifyTrend(row: Pick<ValueRow, 'current' | 'change'>): Trend {
  if (row.current === null) return 'noData';
  if (row.change === null) return row.current >= 100 ? 'at100' : 'unchanged';
  if (row.change > 0) return 'rose';
  if (row.change < 0) return 'fell';
  return row.current >= 100 ? 'at100' : 'unchanged';
}

/** Units with this score and nothing else: the extreme value, if it is shared it is shared. */
function extremes<T>(rows: readonly T[], value: (r: T) => number): Set<T> {
  if (rows.length < 2) return new Set();
  const values = rows.map(value);
  const min = Math.min(...values);
  // All equal: nobody is "the lowest".
  if (values.every((v) => v === min)) return new Set();
  return new Set(rows.filter((r) => value(r) === min));
}

/**
 * Units of one kind ranked by TOTAL — only units with activity (ties share a rank, then Vietnamese
 * name order); units with no dossiers at all come last, unranked, as "Không phát sinh hồ sơ".
 */
export function rankUnits(input: BulletinInput, kind: UnitKind): UnitRankRow[] {
  const list = input.units.filter((u) => u.kind === kind);
  const inactiveIn = (view: SnapshotView | null, code: string) =>
    view ? activityIn(view, code).unit === 'inactive' : false;
  const rows = list.map((u) => {
    const noActivity = inactiveIn(input.current, u.code);
    const wasInactive = inactiveIn(input.previous, u.code);
    const current = noActivity ? null : score(input.current, u.code, 'TOTAL');
    const previous = wasInactive ? null : score(input.previous, u.code, 'TOTAL');
    const status = noActivity ? NO_ACTIVITY_LABEL : current === null ? 'không có dữ liệu' : null;
    const previousStatus = wasInactive ? NO_ACTIVITY_LABEL : null;
    return {
      code: u.code,
      name: displayUnitName(u.name),
      current,
      previous,
      change: delta(current, previous),
      status,
      previousStatus,
      noActivity,
    };
  });
  const ranks = competitionRanks(rows.map((r) => ({ key: r.code, value: r.current })));
  const prevRanks = competitionRanks(rows.map((r) => ({ key: r.code, value: r.previous })));
  const ranked = rows.filter((r) => r.current !== null);
  const lowest = extremes(ranked, (r) => r.current!);
  const fallers = extremes(
    rows.filter((r) => r.change !== null && r.change < 0),
    (r) => r.change!,
  );
  // A single unit that fell is the largest fall (extremes() needs two to compare).
  const fell = rows.filter((r) => r.change !== null && r.change < 0);
  if (fell.length === 1) fallers.add(fell[0]!);
  const order = (r: { current: number | null; noActivity: boolean }) => (r.current !== null ? 0 : r.noActivity ? 2 : 1);
  return rows
    .map((r) => ({
      ...r,
      rank: ranks.get(r.code) ?? null,
      previousRank: prevRanks.get(r.code) ?? null,
      lowest: lowest.has(r),
      biggestFaller: fallers.has(r),
    }))
    .sort((a, b) => {
      if (a.rank === null || b.rank === null)
        return order(a) - order(b) || viCollator.compare(a.name, b.name) || compareUnitCodes(a.code, b.code);
      return a.rank - b.rank || viCollator.compare(a.name, b.name) || compareUnitCodes(a.code, b.code);
    });
}

/** How the bulletin states one alert with the figures of the cycle it describes. */
export function alertNow(a: BulletinAlertInput, view: SnapshotView): string {
  const unit = a.unitCode;
  const metric = a.metric ?? 'TOTAL';
  const o = unit ? view.observations.get(obsKey(unit, metric)) : undefined;
  if (unit && activityIn(view, unit).unit === 'inactive') return NO_ACTIVITY_LABEL;
  const j = unit ? judge(view, unit, metric) : { kind: 'missing' as const };
  if (j.kind === 'noActivity') return NO_GROUP_ACTIVITY_LABEL;
  switch (a.rule) {
    case 'floor':
      // Held open by the resolve margin: above the floor, not yet by enough to close the alert.
      if (a.threshold !== null && o?.score != null && o.score >= a.threshold)
        return `${scoreOf(o.score, o.maxScore)} (đã trên ngưỡng ${viPoints(a.threshold)}, chưa vượt đủ biên an toàn)`;
      return `${scoreOf(o?.score, o?.maxScore)}${a.threshold !== null ? ` (ngưỡng ${viPoints(a.threshold)})` : ''}`;
    case 'target':
      return `${scoreOf(o?.score, o?.maxScore)}${a.threshold !== null ? ` (chỉ tiêu ${viPoints(a.threshold)})` : ''}`;
    case 'weeklyDrop':
    case 'consecutiveDeclines':
      return `${scoreOf(o?.score, o?.maxScore)} (trước: ${viNumber(a.previous)})`;
    case 'reconciliation': {
      const unitOf = RECONCILIATION_PAIRS.find((p) => p.provincial === a.metric)?.unit ?? '%';
      return `Cổng tỉnh ${figureWithUnit(a.value, unitOf)}, Cổng quốc gia ${figureWithUnit(a.previous, unitOf)}`;
    }
    case 'rankDrop':
    case 'nationalRankDrop':
      return `hạng ${o?.rank ?? a.value ?? '—'} (trước: ${a.previous ?? '—'})`;
    default:
      return a.message;
  }
}

/** Mean of the province totals of the national ranking (the 34). */
function nationalAverage(view: SnapshotView | null): number | null {
  if (!view) return null;
  const totals = [...view.observations.values()]
    .filter((o) => o.metric === 'TOTAL' && o.present && o.score !== null)
    .map((o) => o.score!);
  return totals.length ? round2(totals.reduce((n, v) => n + v, 0) / totals.length) : null;
}

export function buildBulletin(input: BulletinInput): BulletinModel {
  const p = input.province.code;
  const groups: ValueRow[] = ['TOTAL', ...GROUP_CODES].map((code) => {
    const current = score(input.current, p, code);
    const previous = score(input.previous, p, code);
    return {
      code,
      label: code === 'TOTAL' ? 'Tổng điểm' : metricDef(code)!.name,
      max: metricDef(code)!.max,
      baseline: score(input.baseline.view, p, code),
      previous,
      current,
      change: delta(current, previous),
    };
  });
  const directive = DIRECTIVE_METRICS.map((code) => {
    const current = ratio(input.current, p, code);
    const previous = ratio(input.previous, p, code);
    const row: ValueRow = {
      code,
      label: metricDef(code)!.name,
      max: null,
      baseline: ratio(input.baseline.view, p, code),
      previous,
      current,
      change: delta(current, previous),
    };
    return { ...row, trend: classifyTrend(row) };
  });
  const lists: Record<Trend, ValueRow[]> = { rose: [], fell: [], unchanged: [], at100: [], noData: [] };
  for (const d of directive) lists[d.trend].push(d);
  const overdue = input.current.observations.get(obsKey(p, 'OVERDUE'));
  const overduePrev = input.previous?.observations.get(obsKey(p, 'OVERDUE'));
  const rankNow = input.nationalCurrent?.observations.get(obsKey(p, 'TOTAL'))?.rank ?? null;
  const rankBefore = input.nationalPrevious?.observations.get(obsKey(p, 'TOTAL'))?.rank ?? null;
  return {
    title: `Kết quả Bộ chỉ số 766 của ${displayUnitName(input.province.name)} — ${input.periodLabel}`,
    province: { code: input.province.code, name: displayUnitName(input.province.name) },
    provinceTitle: provinceTitle(input.province.code),
    frame: input.frame,
    periodLabel: input.periodLabel,
    timezone: input.timezone,
    generatedAt: input.generatedAt,
    currentAt: input.current.capturedAt,
    previousAt: input.previous?.capturedAt ?? null,
    baselineYear: input.baseline.year,
    hasBaseline: input.baseline.view !== null,
    rank: {
      current: rankNow,
      previous: rankBefore,
      change: rankNow !== null && rankBefore !== null ? rankBefore - rankNow : null,
      of: 34,
      total: score(input.current, p, 'TOTAL'),
    },
    national: { average: nationalAverage(input.nationalCurrent), score: input.nationalScore ?? null },
    groups,
    directive,
    counts: {
      overdue: overdue?.numerator ?? null,
      overduePrevious: overduePrev?.numerator ?? null,
      received: overdue?.denominator ?? null,
    },
    lists,
    departments: rankUnits(input, 'department'),
    communes: rankUnits(input, 'commune'),
    alerts: input.openAlerts.map((a) => ({
      unitCode: a.unitCode,
      unitName: a.unitName ? displayUnitName(a.unitName) : (a.unitCode ?? ''),
      rule: a.rule,
      severity: a.severity,
      metric: a.metric,
      kind: a.kind,
      now: alertNow(a, input.current),
      sinceWeek: a.sinceWeek,
    })),
    reconciliation: input.reconciliation,
    trend: input.trend,
    drilldown: input.drilldown ?? [],
  };
}
