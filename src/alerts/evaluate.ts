/**
 * evaluate: load the series the rules need (this cycle's snapshots and earlier cycles' data
 * snapshots of the same period), run the pure rules, apply the findings to the alert lifecycle.
 * A province whose snapshot is unchanged this cycle is not evaluated (no alerts on stale data).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB, Snapshot } from '../db/types.ts';
import { periodKey, type Period } from '../domain/periods.ts';
import { PORTAL_PAGE_URL } from '../portal/dvcqg/endpoints.ts';
import { evaluateRules, INDICATOR_RULES, SOURCE_DATA_RULES } from '../rules/evaluate.ts';
import { viewOf, type Finding, type ObsPoint, type SnapshotView, type UnitInfo } from '../rules/types.ts';
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

/** Earlier data snapshots of a scope, from cycle captures only (ad-hoc `capture` runs are not weeks). */
async function historyOf(db: Kysely<DB>, source: string, scope: string, period: string, before: Date, beforeId: number, limit: number): Promise<Snapshot[]> {
  return db
    .selectFrom('snapshots as s')
    .innerJoin('captures as c', 'c.id', 's.capture_id')
    .selectAll('s')
    .where('s.source', '=', source)
    .where('s.scope', '=', scope)
    .where('s.period_key', '=', period)
    .where('s.unchanged', '=', false)
    .where('c.cycle_id', 'is not', null)
    .where((eb) => eb.or([eb('s.captured_at', '<', before), eb.and([eb('s.captured_at', '=', before), eb('s.id', '<', beforeId)])]))
    .orderBy('s.captured_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
}

/** Observations of several snapshots in one query, as rule views. */
export async function loadViews(db: Kysely<DB>, snapshots: readonly Snapshot[]): Promise<Map<number, SnapshotView>> {
  const out = new Map<number, SnapshotView>();
  if (snapshots.length === 0) return out;
  const rows = await db
    .selectFrom('observations')
    .select(['snapshot_id', 'unit_code', 'metric', 'score', 'max_score', 'ratio', 'rank', 'peer_rank', 'present'])
    .where('snapshot_id', 'in', snapshots.map((s) => s.id))
    .execute();
  const by = new Map<number, ObsPoint[]>();
  for (const r of rows) {
    const list = by.get(r.snapshot_id) ?? [];
    list.push({ unitCode: r.unit_code, metric: r.metric, score: r.score, maxScore: r.max_score, ratio: r.ratio, rank: r.rank, peerRank: r.peer_rank, present: r.present });
    by.set(r.snapshot_id, list);
  }
  for (const s of snapshots) out.set(s.id, viewOf(s.id, s.captured_at, s.content_hash, by.get(s.id) ?? []));
  return out;
}

async function resolveData(db: Kysely<DB>, s: Snapshot): Promise<Snapshot> {
  if (!s.unchanged || s.same_as_snapshot_id === null) return s;
  return db.selectFrom('snapshots').selectAll().where('id', '=', s.same_as_snapshot_id).executeTakeFirstOrThrow();
}

export async function evaluateCycle(db: Kysely<DB>, config: Config, c: { cycle: CycleRef; captureId: number; period: Period }): Promise<EvaluationResult> {
  const period = periodKey(c.period);
  const snaps = await db.selectFrom('snapshots').selectAll().where('capture_id', '=', c.captureId).execute();
  const depth = Math.max(config.rules.consecutiveDeclines.steps, ...config.rules.overrides.map((o) => o.consecutiveDeclines?.steps ?? 0), 1);
  const nationalSnap = snaps.find((s) => s.scope === 'national');
  const national = nationalSnap ? await resolveData(db, nationalSnap) : null;
  const nationalHistory = national ? await historyOf(db, national.source, 'national', period, national.captured_at, national.id, depth) : [];
  const findings: Finding[] = [];
  const evaluated: string[] = [];
  for (const province of config.provinces) {
    const current = snaps.find((s) => s.scope === province);
    if (!current || current.unchanged) continue;
    const history = await historyOf(db, current.source, province, period, current.captured_at, current.id, depth);
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
  }
  const indicator = await applyFindings(db, c.cycle, findings.filter((f) => f.kind === 'indicator'), { rules: INDICATOR_RULES, provinces: evaluated });
  const source = await applyFindings(db, c.cycle, findings.filter((f) => f.kind === 'source'), { rules: SOURCE_DATA_RULES, provinces: evaluated, kinds: ['source'] });
  return {
    provinces: evaluated,
    findings: findings.filter((f) => !f.holdOnly).length,
    opened: indicator.opened.length + source.opened.length,
    kept: indicator.kept.length + source.kept.length,
    escalated: indicator.escalated.length + source.escalated.length,
    resolved: indicator.resolved.length + source.resolved.length,
    expired: indicator.expired.length,
    silenced: indicator.silenced.length,
  };
}
