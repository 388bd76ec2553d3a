/**
 * Read side of the snapshot store: latest snapshots, observations of a snapshot, a unit's series,
 * and the flat rows of `export`.
 */
import type { Kysely } from 'kysely';
import type { DB, Observation, Snapshot, UnitKind } from '../db/types.ts';

export interface ExportRow {
  captured_at: string;
  snapshot_id: number;
  source: string;
  scope: string;
  period: string;
  unit_code: string;
  unit_name: string | null;
  unit_kind: UnitKind | null;
  metric: string;
  score: number | null;
  max_score: number | null;
  ratio: number | null;
  numerator: number | null;
  denominator: number | null;
  rank: number | null;
  present: boolean;
}

export const EXPORT_COLUMNS = ['captured_at', 'unit_code', 'unit_name', 'unit_kind', 'metric', 'score', 'max_score', 'ratio', 'numerator', 'denominator', 'rank'] as const;

/** Snapshots (with observations) of the most recent capture that produced any. */
export async function latestDataSnapshots(db: Kysely<DB>, source?: string): Promise<Snapshot[]> {
  let q = db.selectFrom('snapshots').select('capture_id').where('unchanged', '=', false).where('observation_count', '>', 0);
  if (source) q = q.where('source', '=', source);
  const latest = await q.orderBy('captured_at', 'desc').orderBy('capture_id', 'desc').limit(1).executeTakeFirst();
  if (!latest) return [];
  return db.selectFrom('snapshots').selectAll().where('capture_id', '=', latest.capture_id).where('unchanged', '=', false).orderBy('id').execute();
}

export async function exportRows(db: Kysely<DB>, opts: { snapshotIds?: number[]; unit?: string; source?: string }): Promise<ExportRow[]> {
  let q = db
    .selectFrom('observations as o')
    .innerJoin('snapshots as s', 's.id', 'o.snapshot_id')
    .leftJoin('units as u', 'u.code', 'o.unit_code')
    .select([
      's.captured_at',
      's.id as snapshot_id',
      's.source',
      's.scope',
      's.period_key',
      'o.unit_code',
      'u.name as unit_name',
      'u.kind as unit_kind',
      'o.metric',
      'o.score',
      'o.max_score',
      'o.ratio',
      'o.numerator',
      'o.denominator',
      'o.rank',
      'o.present',
    ]);
  if (opts.snapshotIds) q = q.where('o.snapshot_id', 'in', opts.snapshotIds.length ? opts.snapshotIds : [-1]);
  if (opts.unit) q = q.where('o.unit_code', '=', opts.unit);
  if (opts.source) q = q.where('s.source', '=', opts.source);
  const rows = await q.orderBy('s.captured_at').orderBy('s.id').orderBy('o.unit_code').orderBy('o.metric').execute();
  return rows.map((r) => ({
    captured_at: r.captured_at.toISOString(),
    snapshot_id: r.snapshot_id,
    source: r.source,
    scope: r.scope,
    period: r.period_key,
    unit_code: r.unit_code,
    unit_name: r.unit_name,
    unit_kind: r.unit_kind,
    metric: r.metric,
    score: r.score,
    max_score: r.max_score,
    ratio: r.ratio,
    numerator: r.numerator,
    denominator: r.denominator,
    rank: r.rank,
    present: r.present,
  }));
}

export async function observationsOf(db: Kysely<DB>, snapshotId: number): Promise<Observation[]> {
  return db.selectFrom('observations').selectAll().where('snapshot_id', '=', snapshotId).execute();
}

/**
 * The data snapshots of a scope, newest first: unchanged re-captures are skipped (they carry no
 * observations of their own — the snapshot they repeat already stands for them).
 */
export async function dataSnapshotsOfScope(
  db: Kysely<DB>,
  q: { source: string; scope: string; periodKey?: string; before?: Date; limit?: number },
): Promise<Snapshot[]> {
  let query = db.selectFrom('snapshots').selectAll().where('source', '=', q.source).where('scope', '=', q.scope).where('unchanged', '=', false);
  if (q.periodKey) query = query.where('period_key', '=', q.periodKey);
  if (q.before) query = query.where('captured_at', '<=', q.before);
  return query
    .orderBy('captured_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit ?? 1000)
    .execute();
}

/** One unit × metric over time (data snapshots only), oldest first. */
export async function unitSeries(db: Kysely<DB>, unitCode: string, metric: string, source = 'dvcqg'): Promise<{ capturedAt: Date; snapshotId: number; period: string; score: number | null; ratio: number | null; rank: number | null }[]> {
  const rows = await db
    .selectFrom('observations as o')
    .innerJoin('snapshots as s', 's.id', 'o.snapshot_id')
    .select(['s.captured_at', 's.id', 's.period_key', 'o.score', 'o.ratio', 'o.rank'])
    .where('o.unit_code', '=', unitCode)
    .where('o.metric', '=', metric)
    .where('s.source', '=', source)
    .orderBy('s.captured_at')
    .execute();
  return rows.map((r) => ({ capturedAt: r.captured_at, snapshotId: r.id, period: r.period_key, score: r.score, ratio: r.ratio, rank: r.rank }));
}
