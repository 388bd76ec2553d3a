/**
 * evaluate: load the series the rules need (this cycle's snapshots and earlier cycles' data
 * snapshots of the same period), run the pure rules, apply the findings to the alert lifecycle.
 * A province whose snapshot is unchanged this cycle is not evaluated (no alerts on stale data).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB, Snapshot } from '../db/types.ts';
import { cycleHistory, loadViews, resolveData } from '../snapshots/read.ts';
import { periodKey, type Period } from '../domain/periods.ts';
import { PORTAL_PAGE_URL } from '../sources/dvcqg/endpoints.ts';
import { INDICATOR_RULES, NATIONAL_RULES, provinceFindings, SOURCE_DATA_RULES } from '../rules/evaluate.ts';
import { nationalRankDropFindings } from '../rules/trends.ts';
import { noActivityKeys } from '../rules/no-activity.ts';
import { reconcile, reconciliationFindings } from '../rules/reconciliation.ts';
import { PROVINCIAL_SOURCE } from '../sources/provincial/source.ts';
import { applyFindings, type ApplyResult } from './lifecycle.ts';
import type { CycleRef, Finding } from '../domain/findings.ts';
import type { UnitInfo } from '../domain/units.ts';

export interface EvaluationResult {
  provinces: string[];
  findings: number;
  opened: number;
  kept: number;
  escalated: number;
  resolved: number;
  expired: number;
  silenced: number;
}

interface EvalContext {
  cycle: CycleRef;
  captureId: number;
  period: Period;
}

function depthOf(config: Config): number {
  return Math.max(
    config.rules.consecutiveDeclines.steps,
    ...config.rules.overrides.map((o) => o.consecutiveDeclines?.steps ?? 0),
    1,
  );
}

function emptyResult(): EvaluationResult {
  return { provinces: [], findings: 0, opened: 0, kept: 0, escalated: 0, resolved: 0, expired: 0, silenced: 0 };
}

function addUp(a: EvaluationResult, b: EvaluationResult): EvaluationResult {
  return {
    provinces: [...new Set([...a.provinces, ...b.provinces])],
    findings: a.findings + b.findings,
    opened: a.opened + b.opened,
    kept: a.kept + b.kept,
    escalated: a.escalated + b.escalated,
    resolved: a.resolved + b.resolved,
    expired: a.expired + b.expired,
    silenced: a.silenced + b.silenced,
  };
}

function count(findings: readonly Finding[], ...applied: (ApplyResult | null)[]): EvaluationResult {
  const sum = (k: keyof ApplyResult) => applied.reduce((n, r) => n + (r ? r[k].length : 0), 0);
  return {
    provinces: [],
    findings: findings.filter((f) => !f.holdOnly).length,
    opened: sum('opened'),
    kept: sum('kept'),
    escalated: sum('escalated') + sum('deescalated'),
    resolved: sum('resolved'),
    expired: sum('expired'),
    silenced: sum('silenced'),
  };
}

/**
 * One province: the rules on its units (floor, drops, declines, rank among units, targets), its
 * coverage, and its provincial reconciliation. Skipped when its snapshot is unchanged (stale).
 */
export async function evaluateProvince(
  db: Kysely<DB>,
  config: Config,
  c: EvalContext & { province: string },
): Promise<EvaluationResult> {
  const period = periodKey(c.period);
  const current = await db
    .selectFrom('snapshots')
    .selectAll()
    .where('capture_id', '=', c.captureId)
    .where('scope', '=', c.province)
    .executeTakeFirst();
  if (!current || current.unchanged) return emptyResult();
  const history = await cycleHistory(db, current, depthOf(config));
  const views = await loadViews(db, [current, ...history]);
  const units = await db
    .selectFrom('units')
    .select(['code', 'kind', 'name'])
    .where('province_code', '=', c.province)
    .execute();
  const input = {
    province: c.province,
    periodKey: period,
    week: c.cycle.week,
    current: views.get(current.id)!,
    history: history.map((h) => views.get(h.id)!),
    nationalCurrent: null,
    nationalHistory: [],
    units: new Map<string, UnitInfo>(units.map((u) => [u.code, u])),
    rules: config.rules,
    portalUrl: PORTAL_PAGE_URL,
  };
  const findings = provinceFindings(input);
  const scope = { provinces: [c.province] };
  const indicator = await applyFindings(
    db,
    c.cycle,
    findings.filter((f) => f.kind === 'indicator'),
    { ...scope, rules: INDICATOR_RULES, noActivity: noActivityKeys(input) },
  );
  const source = await applyFindings(
    db,
    c.cycle,
    findings.filter((f) => f.kind === 'source'),
    { ...scope, rules: SOURCE_DATA_RULES, kinds: ['source'] },
  );
  const prov = (await provincialSnapshotsOfCycle(db, c.cycle.id, c.province))[0];
  let recon: ApplyResult | null = null;
  let discrepancies: Finding[] = [];
  if (prov) {
    const pv = (await loadViews(db, [prov])).get(prov.id)!;
    const rows = reconcile(pv, views.get(current.id)!, config.rules.reconciliation.tolerancePoints);
    discrepancies = reconciliationFindings(rows, {
      periodKey: period,
      tolerancePoints: config.rules.reconciliation.tolerancePoints,
      provincialAt: prov.captured_at,
      nationalAt: current.captured_at,
      portalUrl: PORTAL_PAGE_URL,
    });
    recon = await applyFindings(db, c.cycle, discrepancies, {
      ...scope,
      rules: ['reconciliation'],
      kinds: ['discrepancy'],
    });
  }
  return { ...count([...findings, ...discrepancies], indicator, source, recon), provinces: [c.province] };
}

/** The national ranking: each watched province's own rank among the 34 (rule `nationalRankDrop`). */
export async function evaluateNational(db: Kysely<DB>, config: Config, c: EvalContext): Promise<EvaluationResult> {
  const period = periodKey(c.period);
  const snap = await db
    .selectFrom('snapshots')
    .selectAll()
    .where('capture_id', '=', c.captureId)
    .where('scope', '=', 'national')
    .executeTakeFirst();
  if (!snap || snap.unchanged) return emptyResult();
  const history = await cycleHistory(db, snap, 1);
  const views = await loadViews(db, [snap, ...history]);
  const findings = config.provinces.flatMap((province) =>
    nationalRankDropFindings({
      province,
      periodKey: period,
      week: c.cycle.week,
      current: views.get(snap.id)!,
      history: [],
      nationalCurrent: views.get(snap.id)!,
      nationalHistory: history.map((h) => views.get(h.id)!),
      units: new Map(),
      rules: config.rules,
      portalUrl: PORTAL_PAGE_URL,
    }),
  );
  const applied = await applyFindings(db, c.cycle, findings, { rules: NATIONAL_RULES, provinces: config.provinces });
  return { ...count(findings, applied), provinces: [...config.provinces] };
}

/** Everything of a cycle in one call (the pipeline runs these as one job per province). */
export async function evaluateCycle(db: Kysely<DB>, config: Config, c: EvalContext): Promise<EvaluationResult> {
  let result = await evaluateNational(db, config, c);
  for (const province of config.provinces)
    result = addUp(result, await evaluateProvince(db, config, { ...c, province }));
  return result;
}

/** The provincial portal's data snapshots taken in this cycle (one per province). */
export async function provincialSnapshotsOfCycle(db: Kysely<DB>, cycleId: number, scope?: string): Promise<Snapshot[]> {
  let q = db
    .selectFrom('snapshots as s')
    .innerJoin('captures as c', 'c.id', 's.capture_id')
    .selectAll('s')
    .where('c.cycle_id', '=', cycleId)
    .where('s.source', '=', PROVINCIAL_SOURCE);
  if (scope) q = q.where('s.scope', '=', scope);
  const rows = await q.orderBy('s.id', 'desc').execute();
  const out: Snapshot[] = [];
  for (const r of rows) {
    if (out.some((o) => o.scope === r.scope)) continue;
    const data = await resolveData(db, r);
    if (data) out.push(data);
  }
  return out;
}
