/**
 * Read side of the snapshot store: latest snapshots, observations of a snapshot, a unit's series,
 * and the flat rows of `export`.
 */
import type { Kysely } from 'kysely';
import type { DB, Snapshot } from '../db/types.ts';
import type { UnitKind } from '../domain/units.ts';

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

export const EXPORT_COLUMNS = [
  'captured_at',
  'unit_code',
  'unit_name',
  'unit_kind',
  'metric',
  'score',
  'max_score',
  'ratio',
  'numerator',
  'denominator',
  'rank',
] as const;

/** Snapshots (with observations) of the most recent capture that produced any. */
export async function latestDataSnapshots(db: Kysely<DB>, source?: string): Promise<Snapshot[]> {
  let q = db
    .selectFrom('snapshots')
    .select('capture_id')
    .where('unchanged', '=', false)
    .where('observation_count', '>', 0);
  if (source) q = q.where('source', '=', source);
  const latest = await q.orderBy('captured_at', 'desc').orderBy('capture_id', 'desc').limit(1).executeTakeFirst();
  if (!latest) return [];
  return db
    .selectFrom('snapshots')
    .selectAll()
    .where('capture_id', '=', latest.capture_id)
    .where('unchanged', '=', false)
    .orderBy('id')
    .execute();
}

export async function exportRows(
  db: Kysely<DB>,
  opts: { snapshotIds?: number[]; unit?: string; source?: string },
): Promise<ExportRow[]> {
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
