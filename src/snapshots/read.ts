/**
 * Snapshots as the rules, digests and the bulletin read them: observations keyed by
 * `unit|metric`, unchanged re-captures resolved to the snapshot they repeat, and the earlier data
 * snapshots of the weekly cycles (ad-hoc `capture` runs are not weeks).
 */
import type { Kysely } from 'kysely';
import type { DB, Snapshot } from '../db/types.ts';
import { type Observation, type SnapshotView, viewOf } from '../domain/observations.ts';

/** Observations of several snapshots in one query. */
export async function loadViews(db: Kysely<DB>, snapshots: readonly Snapshot[]): Promise<Map<number, SnapshotView>> {
  const out = new Map<number, SnapshotView>();
  if (snapshots.length === 0) return out;
  const rows = await db
    .selectFrom('observations')
    .select([
      'snapshot_id',
      'unit_code',
      'metric',
      'score',
      'max_score',
      'ratio',
      'rank',
      'peer_rank',
      'present',
      'numerator',
      'denominator',
    ])
    .where('snapshot_id', 'in', [...new Set(snapshots.map((s) => s.id))])
    .execute();
  const by = new Map<number, Observation[]>();
  for (const r of rows) {
    const list = by.get(r.snapshot_id) ?? [];
    list.push({
      unitCode: r.unit_code,
      metric: r.metric,
      score: r.score,
      maxScore: r.max_score,
      ratio: r.ratio,
      rank: r.rank,
      peerRank: r.peer_rank,
      present: r.present,
      numerator: r.numerator,
      denominator: r.denominator,
    });
    by.set(r.snapshot_id, list);
  }
  for (const s of snapshots) out.set(s.id, viewOf(s.id, s.captured_at, s.content_hash, by.get(s.id) ?? []));
  return out;
}

/** An unchanged re-capture stands for the snapshot it repeats. */
export async function resolveData(db: Kysely<DB>, s: Snapshot | undefined | null): Promise<Snapshot | null> {
  if (!s) return null;
  if (!s.unchanged || s.same_as_snapshot_id === null) return s;
  return (
    (await db.selectFrom('snapshots').selectAll().where('id', '=', s.same_as_snapshot_id).executeTakeFirst()) ?? null
  );
}

/** Earlier data snapshots of the same source, scope and period from cycle captures, newest first. */
export async function cycleHistory(
  db: Kysely<DB>,
  s: Pick<Snapshot, 'id' | 'source' | 'scope' | 'period_key' | 'captured_at'>,
  limit: number,
): Promise<Snapshot[]> {
  return db
    .selectFrom('snapshots as s')
    .innerJoin('captures as c', 'c.id', 's.capture_id')
    .selectAll('s')
    .where('s.source', '=', s.source)
    .where('s.scope', '=', s.scope)
    .where('s.period_key', '=', s.period_key)
    .where('s.unchanged', '=', false)
    .where('c.cycle_id', 'is not', null)
    .where((eb) =>
      eb.or([
        eb('s.captured_at', '<', s.captured_at),
        eb.and([eb('s.captured_at', '=', s.captured_at), eb('s.id', '<', s.id)]),
      ]),
    )
    .orderBy('s.captured_at', 'desc')
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
}
