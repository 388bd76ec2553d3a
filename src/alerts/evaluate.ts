/**
 * evaluate: load the series the rules need (this cycle's snapshots and earlier cycles' data
 * snapshots of the same period), run the pure rules, apply the findings to the alert lifecycle.
 * A province whose snapshot is unchanged this cycle is not evaluated (no alerts on stale data).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { cycleHistory, loadViews, resolveData } from '../snapshots/views.ts';
import { periodKey, type Period } from '../domain/periods.ts';
import { PORTAL_PAGE_URL } from '../portal/dvcqg/endpoints.ts';
import { evaluateRules, INDICATOR_RULES, SOURCE_DATA_RULES } from '../rules/evaluate.ts';
import { reconcile, reconciliationFindings } from '../rules/reconciliation.ts';
import { PROVINCIAL_SOURCE } from '../portal/provincial/index.ts';
import type { Snapshot } from '../db/types.ts';
import type { Finding, UnitInfo } from '../rules/types.ts';
import { applyFindings, type CycleRef } from './lifecycle.ts';

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

export async function evaluateCycle(db: Kysely<DB>, config: Config, c: { cycle: CycleRef; captureId: number; period: Period }): Promise<EvaluationResult> {
  const period = periodKey(c.period);
  const snaps = await db.selectFrom('snapshots').selectAll().where('capture_id', '=', c.captureId).execute();
  const depth = Math.max(config.rules.consecutiveDeclines.steps, ...config.rules.overrides.map((o) => o.consecutiveDeclines?.steps ?? 0), 1);
  const nationalSnap = snaps.find((s) => s.scope === 'national');
  const national = await resolveData(db, nationalSnap);
  const nationalHistory = national ? await cycleHistory(db, national, depth) : [];
  const findings: Finding[] = [];
  const discrepancies: Finding[] = [];
  const evaluated: string[] = [];
  const provincialSnaps = await provincialSnapshotsOfCycle(db, c.cycle.id);
  for (const province of config.provinces) {
    const current = snaps.find((s) => s.scope === province);
    if (!current || current.unchanged) continue;
    const history = await cycleHistory(db, current, depth);
    const views = await loadViews(db, [current, ...history, ...(national ? [national] : []), ...nationalHistory]);
    const units = await db.selectFrom('units').select(['code', 'kind', 'name']).where('province_code', '=', province).execute();
    findings.push(
      ...evaluateRules({
        province,
        periodKey: period,
        week: c.cycle.week,
        current: views.get(current.id)!,
        history: history.map((h) => views.get(h.id)!),
        nationalCurrent: national ? views.get(national.id)! : null,
        nationalHistory: nationalHistory.map((h) => views.get(h.id)!),
        units: new Map<string, UnitInfo>(units.map((u) => [u.code, u])),
        rules: config.rules,
        portalUrl: PORTAL_PAGE_URL,
      }),
    );
    evaluated.push(province);
    const prov = provincialSnaps.find((s) => s.scope === province);
    if (prov) {
      const pv = (await loadViews(db, [prov])).get(prov.id)!;
      const rows = reconcile(pv, views.get(current.id)!, config.rules.reconciliation.tolerancePoints);
      discrepancies.push(...reconciliationFindings(rows, { periodKey: period, tolerancePoints: config.rules.reconciliation.tolerancePoints, provincialAt: prov.captured_at, nationalAt: current.captured_at, portalUrl: PORTAL_PAGE_URL }));
    }
  }
  const indicator = await applyFindings(db, c.cycle, findings.filter((f) => f.kind === 'indicator'), { rules: INDICATOR_RULES, provinces: evaluated });
  const source = await applyFindings(db, c.cycle, findings.filter((f) => f.kind === 'source'), { rules: SOURCE_DATA_RULES, provinces: evaluated, kinds: ['source'] });
  const recon = provincialSnaps.length ? await applyFindings(db, c.cycle, discrepancies, { rules: ['reconciliation'], provinces: evaluated, kinds: ['discrepancy'] }) : null;
  return {
    provinces: evaluated,
    findings: findings.filter((f) => !f.holdOnly).length,
    opened: indicator.opened.length + source.opened.length + (recon?.opened.length ?? 0),
    kept: indicator.kept.length + source.kept.length,
    escalated: indicator.escalated.length + source.escalated.length,
    resolved: indicator.resolved.length + source.resolved.length + (recon?.resolved.length ?? 0),
    expired: indicator.expired.length,
    silenced: indicator.silenced.length,
  };
}

/** The provincial portal's data snapshots taken in this cycle (one per province). */
export async function provincialSnapshotsOfCycle(db: Kysely<DB>, cycleId: number): Promise<Snapshot[]> {
  const rows = await db
    .selectFrom('snapshots as s')
    .innerJoin('captures as c', 'c.id', 's.capture_id')
    .selectAll('s')
    .where('c.cycle_id', '=', cycleId)
    .where('s.source', '=', PROVINCIAL_SOURCE)
    .orderBy('s.id', 'desc')
    .execute();
  const out: Snapshot[] = [];
  for (const r of rows) {
    if (out.some((o) => o.scope === r.scope)) continue;
    const data = await resolveData(db, r);
    if (data) out.push(data);
  }
  return out;
}
