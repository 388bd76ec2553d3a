/**
 * Provincial vs national figures, per unit and metric. The comparable pairs live in this one
 * table; a gap beyond `reconciliation.tolerancePoints` opens a discrepancy alert for the unit (and
 * ops), carrying both figures and both capture times.
 */
import { delta, viNumber } from '../domain/format.ts';
import { figureWithUnit } from '../domain/wording.ts';
import { metricDef } from '../domain/metrics.ts';
import { type Observation, type SnapshotView, obsKey } from '../domain/observations.ts';
import type { Finding } from '../domain/findings.ts';

type Field = 'ratio' | 'numerator' | 'denominator';

export interface ReconciliationPair {
  provincial: string;
  provincialField: Field;
  national: string;
  nationalField: Field;
  unit: '%' | 'hồ sơ';
  label: string;
  /** What a unit checks when the two portals disagree (in its e-mail). */
  check: string;
}

export const RECONCILIATION_PAIRS: readonly ReconciliationPair[] = [
  // Digitisation: share of dossiers with digitised files in the provincial system ↔ DVCQG's
  // SO_HOA_GIAY_TO_GIAI_QUYET ratio (the seed notice: 99,90 % vs 58,77 % for one department).
  {
    provincial: 'PROV_DIGITIZATION',
    provincialField: 'ratio',
    national: 'SO_HOA_GIAY_TO_GIAI_QUYET',
    nationalField: 'ratio',
    unit: '%',
    label: 'Tỷ lệ số hóa hồ sơ',
    check:
      'đối soát việc số hóa hồ sơ, kết quả giải quyết trên Hệ thống giải quyết TTHC của tỉnh và việc đồng bộ trạng thái số hóa lên Cổng DVCQG',
  },
  // Dossiers received locally ↔ DVCQG totalReceived (dvc-progress-tree): the difference is the
  // count of dossiers not synced to the national portal (what DOSSIER_SYNC measures).
  {
    provincial: 'PROV_RECEIVED',
    provincialField: 'numerator',
    national: 'ON_TIME',
    nationalField: 'denominator',
    unit: 'hồ sơ',
    label: 'Số hồ sơ tiếp nhận',
    check:
      'đối soát danh sách hồ sơ tiếp nhận trên Hệ thống giải quyết TTHC của tỉnh với Cổng DVCQG, đồng bộ các hồ sơ còn thiếu',
  },
  // Online payment share ↔ payment ratio A of the TTTT formula (paid online / with a fee).
  {
    provincial: 'PROV_ONLINE_PAYMENT',
    provincialField: 'ratio',
    national: 'ONLINE_PAYMENT_DOSSIER',
    nationalField: 'ratio',
    unit: '%',
    label: 'Tỷ lệ thanh toán trực tuyến',
    check:
      'đối soát các hồ sơ có phí, lệ phí đã thanh toán trực tuyến và việc đồng bộ thông tin thanh toán lên Cổng DVCQG',
  },
  // Online submission share ↔ channelOnlineSum / channelTotalSum (province level only at DVCQG).
  {
    provincial: 'PROV_ONLINE_SUBMISSION',
    provincialField: 'ratio',
    national: 'ONLINE_SUBMISSION',
    nationalField: 'ratio',
    unit: '%',
    label: 'Tỷ lệ hồ sơ nộp trực tuyến',
    check: 'đối soát kênh tiếp nhận (trực tuyến, trực tiếp) của hồ sơ trên Hệ thống tỉnh và trên Cổng DVCQG',
  },
  // Overdue dossiers ↔ DVCQG totalOverdue.
  {
    provincial: 'PROV_OVERDUE',
    provincialField: 'numerator',
    national: 'OVERDUE',
    nationalField: 'numerator',
    unit: 'hồ sơ',
    label: 'Số hồ sơ trễ hạn',
    check: 'đối soát danh sách hồ sơ trễ hạn và trạng thái xử lý được đồng bộ lên Cổng DVCQG',
  },
];

export type ReconciliationStatus = 'ok' | 'outside' | 'missing-provincial' | 'missing-national';

export interface ReconciliationRow {
  unitCode: string;
  metric: string;
  nationalMetric: string;
  label: string;
  unit: '%' | 'hồ sơ';
  provincial: number | null;
  national: number | null;
  /** provincial − national (points for shares, dossiers for counts). */
  gap: number | null;
  /** The gap in percentage points (for counts: of the larger of the two). */
  gapPoints: number | null;
  status: ReconciliationStatus;
}

function pick(o: Observation | undefined, field: Field): number | null {
  if (!o || !o.present) return null;
  const v = field === 'ratio' ? o.ratio : field === 'numerator' ? o.numerator : o.denominator;
  return v ?? null;
}

/** Every comparable pair of every unit present on either side; missing sides are listed too. */
export function reconcile(
  provincial: SnapshotView,
  national: SnapshotView,
  tolerancePoints: number,
): ReconciliationRow[] {
  const units = new Set<string>();
  for (const o of provincial.observations.values()) units.add(o.unitCode);
  const rows: ReconciliationRow[] = [];
  for (const unitCode of [...units].sort()) {
    for (const pair of RECONCILIATION_PAIRS) {
      const p = pick(provincial.observations.get(obsKey(unitCode, pair.provincial)), pair.provincialField);
      const n = pick(national.observations.get(obsKey(unitCode, pair.national)), pair.nationalField);
      if (p === null && n === null) continue;
      let gapPoints: number | null = null;
      if (p !== null && n !== null) {
        // Counts: 0 vs 0 agree; otherwise the gap as a share of the larger count.
        gapPoints =
          pair.unit === '%'
            ? Math.abs(delta(p, n)!)
            : Math.max(p, n) === 0
              ? 0
              : Math.round((Math.abs(p - n) / Math.max(p, n)) * 10000) / 100;
      }
      const status: ReconciliationStatus =
        p === null
          ? 'missing-provincial'
          : n === null
            ? 'missing-national'
            : gapPoints! > tolerancePoints
              ? 'outside'
              : 'ok';
      rows.push({
        unitCode,
        metric: pair.provincial,
        nationalMetric: pair.national,
        label: pair.label,
        unit: pair.unit,
        provincial: p,
        national: n,
        gap: delta(p, n),
        gapPoints,
        status,
      });
    }
  }
  return rows;
}

export function reconciliationFindings(
  rows: readonly ReconciliationRow[],
  c: { periodKey: string; tolerancePoints: number; provincialAt: Date; nationalAt: Date; portalUrl: string },
): Finding[] {
  return rows
    .filter((r) => r.status === 'outside')
    .map((r) => ({
      rule: 'reconciliation',
      kind: 'discrepancy' as const,
      unitCode: r.unitCode,
      metric: r.metric,
      periodKey: c.periodKey,
      week: null,
      severity: 'warn' as const,
      value: r.provincial,
      previous: r.national,
      threshold: c.tolerancePoints,
      message:
        `${r.label}: Cổng tỉnh ${figureWithUnit(r.provincial, r.unit)}, Cổng quốc gia ${figureWithUnit(r.national, r.unit)} — chênh lệch ` +
        (r.unit === '%'
          ? `${viNumber(r.gapPoints)} điểm % (ngưỡng ${viNumber(c.tolerancePoints)})`
          : `${figureWithUnit(r.gap === null ? null : Math.abs(r.gap), r.unit)} (${viNumber(r.gapPoints)}%, ngưỡng ${viNumber(c.tolerancePoints)}%)`),
      evidence: {
        provincial: r.provincial,
        national: r.national,
        nationalMetric: r.nationalMetric,
        gap: r.gap,
        gapPoints: r.gapPoints,
        provincialCapturedAt: c.provincialAt.toISOString(),
        nationalCapturedAt: c.nationalAt.toISOString(),
        capturedAt: c.nationalAt.toISOString(),
        portalPage: c.portalUrl,
        label: metricDef(r.metric)?.name ?? r.label,
      },
    }));
}
