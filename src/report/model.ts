/**
 * The weekly bulletin as data: built by a pure function from loaded snapshots, then rendered as
 * Markdown, HTML or DOCX. Every count in the generated sentences comes from the same lists the
 * tables show, so they cannot disagree (the hand-typed notice once counted "04 chỉ số … 100 %"
 * and listed one at 79,72).
 */
import { GROUP_CODES, metricDef } from '../domain/metrics.ts';
import { compareUnitCodes, delta, viCollator } from '../domain/format.ts';
import { competitionRanks } from '../domain/ranking.ts';
import type { UnitKind } from '../db/types.ts';
import type { SnapshotView } from '../rules/types.ts';
import { obsKey } from '../rules/types.ts';

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
  openAlerts: readonly { unitCode: string | null; unitName: string | null; rule: string; severity: string; metric: string | null; message: string; openedAt: string; kind: string }[];
  /** Each stored data snapshot of the province (oldest first): TOTAL and groups. */
  trend: readonly { capturedAt: Date; values: Readonly<Record<string, number | null>> }[];
  reconciliation: BulletinReconciliation | null;
}

export interface BulletinReconciliation {
  /** When no provincial source is configured, the section says so. */
  configured: boolean;
  provincialCapturedAt: Date | null;
  rows: { unitCode: string; unitName: string; metric: string; label: string; provincial: number | null; national: number | null; gap: number | null; outside: boolean; unit: '%' | 'hồ sơ' }[];
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
  /** "Không phát sinh hồ sơ" / "không có dữ liệu" when there is no score. */
  status: string | null;
  lowest: boolean;
  biggestFaller: boolean;
}

export interface BulletinModel {
  title: string;
  province: { code: string; name: string };
  periodLabel: string;
  timezone: string;
  generatedAt: Date;
  currentAt: Date;
  previousAt: Date | null;
  baselineYear: number;
  hasBaseline: boolean;
  rank: { current: number | null; previous: number | null; change: number | null; of: number; total: number | null };
  groups: ValueRow[];
  directive: (ValueRow & { trend: Trend })[];
  counts: { overdue: number | null; overduePrevious: number | null; received: number | null };
  lists: Record<Trend, ValueRow[]>;
  departments: UnitRankRow[];
  communes: UnitRankRow[];
  alerts: BulletinInput['openAlerts'];
  reconciliation: BulletinReconciliation | null;
  trend: BulletinInput['trend'];
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

/** Units of one kind ranked by TOTAL (ties share a rank, then Vietnamese name order). */
export function rankUnits(input: BulletinInput, kind: UnitKind): UnitRankRow[] {
  const list = input.units.filter((u) => u.kind === kind);
  const rows = list.map((u) => {
    const current = score(input.current, u.code, 'TOTAL');
    const previous = score(input.previous, u.code, 'TOTAL');
    const received = input.current.observations.get(obsKey(u.code, 'ON_TIME'))?.denominator;
    const status = current !== null ? null : received === 0 ? 'Không phát sinh hồ sơ' : 'không có dữ liệu';
    return { code: u.code, name: u.name, current, previous, change: delta(current, previous), status };
  });
  const ranks = competitionRanks(rows.map((r) => ({ key: r.code, value: r.current })));
  const prevRanks = competitionRanks(rows.map((r) => ({ key: r.code, value: r.previous })));
  const scored = rows.filter((r) => r.current !== null);
  const lowest = new Set([...scored].sort((a, b) => a.current! - b.current!).slice(0, Math.min(3, scored.length)).map((r) => r.code));
  const fallers = new Set(
    rows
      .filter((r) => r.change !== null && r.change < 0)
      .sort((a, b) => a.change! - b.change!)
      .slice(0, 3)
      .map((r) => r.code),
  );
  return rows
    .map((r) => ({ ...r, rank: ranks.get(r.code) ?? null, previousRank: prevRanks.get(r.code) ?? null, lowest: lowest.has(r.code), biggestFaller: fallers.has(r.code) }))
    .sort((a, b) => {
      if (a.rank === null || b.rank === null) return a.rank === null && b.rank === null ? viCollator.compare(a.name, b.name) : a.rank === null ? 1 : -1;
      return a.rank - b.rank || viCollator.compare(a.name, b.name) || compareUnitCodes(a.code, b.code);
    });
}

export function buildBulletin(input: BulletinInput): BulletinModel {
  const p = input.province.code;
  const groups: ValueRow[] = ['TOTAL', ...GROUP_CODES].map((code) => {
    const current = score(input.current, p, code);
    const previous = score(input.previous, p, code);
    return { code, label: code === 'TOTAL' ? 'Tổng điểm' : metricDef(code)!.name, max: metricDef(code)!.max, baseline: score(input.baseline.view, p, code), previous, current, change: delta(current, previous) };
  });
  const directive = DIRECTIVE_METRICS.map((code) => {
    const current = ratio(input.current, p, code);
    const previous = ratio(input.previous, p, code);
    const row: ValueRow = { code, label: metricDef(code)!.name, max: null, baseline: ratio(input.baseline.view, p, code), previous, current, change: delta(current, previous) };
    return { ...row, trend: classifyTrend(row) };
  });
  const lists: Record<Trend, ValueRow[]> = { rose: [], fell: [], unchanged: [], at100: [], noData: [] };
  for (const d of directive) lists[d.trend].push(d);
  const overdue = input.current.observations.get(obsKey(p, 'OVERDUE'));
  const overduePrev = input.previous?.observations.get(obsKey(p, 'OVERDUE'));
  const rankNow = input.nationalCurrent?.observations.get(obsKey(p, 'TOTAL'))?.rank ?? null;
  const rankBefore = input.nationalPrevious?.observations.get(obsKey(p, 'TOTAL'))?.rank ?? null;
  return {
    title: `Kết quả Bộ chỉ số 766 của ${input.province.name} — ${input.periodLabel}`,
    province: input.province,
    periodLabel: input.periodLabel,
    timezone: input.timezone,
    generatedAt: input.generatedAt,
    currentAt: input.current.capturedAt,
    previousAt: input.previous?.capturedAt ?? null,
    baselineYear: input.baseline.year,
    hasBaseline: input.baseline.view !== null,
    rank: { current: rankNow, previous: rankBefore, change: rankNow !== null && rankBefore !== null ? rankBefore - rankNow : null, of: 34, total: score(input.current, p, 'TOTAL') },
    groups,
    directive,
    counts: { overdue: overdue?.numerator ?? null, overduePrevious: overduePrev?.numerator ?? null, received: overdue?.denominator ?? null },
    lists,
    departments: rankUnits(input, 'department'),
    communes: rankUnits(input, 'commune'),
    alerts: input.openAlerts,
    reconciliation: input.reconciliation,
    trend: input.trend,
  };
}
