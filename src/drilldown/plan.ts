/**
 * The drill-down's decisions, pure (docs/drilldown.md §1, §4, §6): which groups of an alerting unit
 * fell, which procedures it applies, which per-procedure requests fit the budget (one answer serves
 * every unit of the province, so requests are shared), and each procedure's shortfall — the
 * dossiers missing for full credit — sorted. Rows that merely repeat the unit's own figure and
 * procedures without activity are not listed.
 */
import { metricActivity } from '../domain/activity.ts';
import { GROUP_CODES, metricDef, type GroupCode } from '../domain/metrics.ts';
import { obsKey, type SnapshotView } from '../domain/observations.ts';
import { activityIn } from '../rules/judged.ts';
import { BREAKDOWNS, type CatalogueItem, type ProcedureCounter } from '../sources/dvcqg-drilldown/source.ts';

/** A unit to drill: its groups that fell (or are below their floor), the most points lost first. */
export interface DrillUnit {
  code: string;
  departmentId: string | null;
  groups: GroupCode[];
}

/**
 * Groups whose score is lower than at the previous capture (activity both times: a unit that had
 * no dossiers did not "fall"), plus groups with an alert of their own (e.g. a group floor).
 */
export function fallenGroups(
  unit: string,
  cur: SnapshotView,
  prev: SnapshotView | undefined,
  alerted: ReadonlySet<string> = new Set(),
): GroupCode[] {
  const lost = new Map<GroupCode, number>();
  for (const g of GROUP_CODES) {
    const c = cur.observations.get(obsKey(unit, g));
    const p = prev?.observations.get(obsKey(unit, g));
    const active = (v: SnapshotView | undefined) => !!v && metricActivity(activityIn(v, unit), g) !== 'inactive';
    if (c?.score != null && p?.score != null && active(cur) && active(prev) && c.score < p.score - 0.005)
      lost.set(g, p.score - c.score);
    else if (alerted.has(g)) lost.set(g, 0);
  }
  return [...lost].sort((a, b) => b[1] - a[1]).map(([g]) => g);
}

/** The procedures a unit applies (by its DVCQG department id); inactive ones apply nowhere. */
export function unitProcedures(catalogue: readonly CatalogueItem[], departmentId: string | null): CatalogueItem[] {
  if (!departmentId) return [];
  return catalogue
    .filter((f) => f.state !== 'INACTIVE' && f.appliedDepartmentIds.includes(departmentId))
    .sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export interface PlannedRequest {
  group: GroupCode;
  formality: CatalogueItem;
}

export interface RequestPlan {
  requests: PlannedRequest[];
  /** Requests that did not fit the budget: the drill-down is partial. */
  leftOut: number;
  /** Unit × group pairs with no per-procedure breakdown at the portal. */
  noBreakdown: { unit: string; group: GroupCode }[];
}

/**
 * Units in the order given (most severe first), their groups by points lost, procedures by code;
 * one request per (group, procedure) whichever units share it; never more than `budget`.
 */
export function planRequests(
  units: readonly DrillUnit[],
  catalogue: readonly CatalogueItem[],
  budget: number,
): RequestPlan {
  const seen = new Set<string>();
  const requests: PlannedRequest[] = [];
  const noBreakdown: RequestPlan['noBreakdown'] = [];
  let leftOut = 0;
  for (const u of units) {
    const procedures = unitProcedures(catalogue, u.departmentId);
    for (const group of u.groups) {
      if (!BREAKDOWNS[group]) {
        noBreakdown.push({ unit: u.code, group });
        continue;
      }
      for (const formality of procedures) {
        const key = `${group}|${formality.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (requests.length < budget) requests.push({ group, formality });
        else leftOut++;
      }
    }
  }
  return { requests, leftOut, noBreakdown };
}

export interface ProcedureRow {
  group: GroupCode;
  metric: string;
  formalityCode: string;
  formalityName: string;
  numerator: number;
  denominator: number;
  shortfall: number;
}

/**
 * A unit's rows from the answers received: shortfall = denominator − numerator. Skipped: procedures
 * without activity (denominator 0) and rows equal to the unit's own figure for the metric when it
 * applies more than one procedure (an unfiltered figure, not a breakdown).
 */
export function shortfallRows(
  unit: DrillUnit,
  answers: readonly { group: GroupCode; formality: CatalogueItem; counters: readonly ProcedureCounter[] }[],
  cur: SnapshotView,
  procedureCount: number,
): ProcedureRow[] {
  const rows: ProcedureRow[] = [];
  for (const a of answers) {
    if (!unit.groups.includes(a.group)) continue;
    for (const c of a.counters) {
      if (c.unitCode !== unit.code || c.denominator <= 0) continue;
      const own = cur.observations.get(obsKey(unit.code, c.metric));
      if (procedureCount > 1 && own && own.numerator === c.numerator && own.denominator === c.denominator) continue;
      const shortfall = Math.max(0, c.denominator - c.numerator);
      if (shortfall === 0) continue;
      rows.push({
        group: a.group,
        metric: c.metric,
        formalityCode: a.formality.code,
        formalityName: a.formality.name,
        numerator: c.numerator,
        denominator: c.denominator,
        shortfall,
      });
    }
  }
  return sortRows(rows);
}

export function sortRows(rows: readonly ProcedureRow[]): ProcedureRow[] {
  return [...rows].sort(
    (a, b) =>
      b.shortfall - a.shortfall ||
      (a.formalityCode < b.formalityCode ? -1 : a.formalityCode > b.formalityCode ? 1 : 0) ||
      a.metric.localeCompare(b.metric),
  );
}

/** What a shortfall counts, in words: "hồ sơ chưa số hóa". */
const SHORTFALL_WORDS: Readonly<Record<string, string>> = {
  ON_TIME: 'hồ sơ chưa giải quyết đúng hạn',
  ONLINE_PAYMENT_DOSSIER: 'hồ sơ có phí, lệ phí chưa thanh toán trực tuyến',
  ORIGINAL_RESULT_AVAILABLE: 'hồ sơ chưa cấp kết quả điện tử',
  SO_HOA_GIAY_TO_GIAI_QUYET: 'hồ sơ chưa số hóa',
  REUSED_DIGITIZED_DATA: 'hồ sơ chưa tái sử dụng dữ liệu số hóa',
  SYNCED_WITH_DVCQG_PERSONAL_STORAGE: 'hồ sơ chưa kết nối kho dữ liệu cá nhân',
  CITIZEN_DATA_CONNECTED_DOSSIER: 'hồ sơ chưa sử dụng dữ liệu dân cư',
};

export function shortfallWords(metric: string): string {
  return SHORTFALL_WORDS[metric] ?? `hồ sơ chưa đạt (${metricDef(metric)?.short ?? 'chỉ số'})`;
}
