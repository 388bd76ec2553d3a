/**
 * The cycles and captures tables: their one home for writes (and the reads others need). A cycle
 * row is created once per week (UNIQUE key); its state is recomputed from what it owes
 * (`settleCycle`). A capture is one pass over one source; its state follows its snapshots.
 */
import { sql, type Kysely } from 'kysely';
import type { Capture, Cycle, DB } from '../db/types.ts';
import { periodKey, type Period } from '../domain/periods.ts';

export async function loadCycle(db: Kysely<DB>, id: number): Promise<Cycle> {
  return db.selectFrom('cycles').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

export async function findCycle(db: Kysely<DB>, id: number): Promise<Cycle | undefined> {
  return db.selectFrom('cycles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function cycleByKey(db: Kysely<DB>, key: string): Promise<Cycle> {
  return db.selectFrom('cycles').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
}

/** The next key of a forced re-capture of a week: `…-r2`, `…-r3`. */
export async function forcedKey(db: Kysely<DB>, key: string): Promise<string> {
  const n = await db
    .selectFrom('cycles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.or([eb('key', '=', key), eb('key', 'like', `${key}-r%`)]))
    .executeTakeFirstOrThrow();
  return `${key}-r${Number(n.n) + 1}`;
}

/** The cycle row, or undefined when it exists already (whoever inserted it owns its creation). */
export async function insertCycle(
  db: Kysely<DB>,
  c: {
    key: string;
    source: string;
    provinces: readonly string[];
    period: Period;
    week: string;
    asOf: Date;
    forced: boolean;
  },
): Promise<Cycle | undefined> {
  return db
    .insertInto('cycles')
    .values({
      key: c.key,
      source: c.source,
      provinces: c.provinces.join(','),
      period_key: periodKey(c.period),
      week: c.week,
      as_of: c.asOf,
      forced: c.forced,
      state: 'running',
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function setCycleState(
  db: Kysely<DB>,
  now: Date,
  cycleId: number,
  state: string,
  summaryPatch: Record<string, unknown> = {},
): Promise<void> {
  await db
    .updateTable('cycles')
    .set({
      state,
      finished_at: state === 'running' ? null : now,
      summary: sql`coalesce(summary, '{}'::jsonb) || ${JSON.stringify(summaryPatch)}::jsonb`,
    })
    .where('id', '=', cycleId)
    .execute();
}

/** A failed cycle whose jobs are retried is running again. */
export async function reopenCycle(db: Kysely<DB>, cycleId: number): Promise<void> {
  await db
    .updateTable('cycles')
    .set({ state: 'running', finished_at: null })
    .where('id', '=', cycleId)
    .where('state', '=', 'failed')
    .execute();
}

/**
 * A cycle's state, recomputed from what it owes: `complete` exactly when its flow has run (notify
 * done) and every e-mail it queued is sent; `failed` when a job gave up or an e-mail could not be
 * delivered; `running` while anything is still on its way (a retry, a delayed send). Called after
 * notify, after each send and when a job fails for good — so a retried cycle ends `complete` on its
 * own instead of staying `running`.
 */
export async function settleCycle(
  db: Kysely<DB>,
  now: Date,
  cycleId: number,
  o: { failedJob?: string | null } = {},
): Promise<string> {
  const cycle = await findCycle(db, cycleId);
  if (!cycle) return 'missing';
  // Freshness outcomes are the gate's to set (re-checks are on their way, or ops were told).
  if (cycle.state === 'stale' || cycle.state === 'rechecking') return cycle.state;
  const notified = (cycle.summary as { notified?: boolean } | null)?.notified === true;
  let state: string;
  if (o.failedJob) state = 'failed';
  else if (!notified) return cycle.state;
  else {
    const rows = await db.selectFrom('outbox').select('state').where('cycle_id', '=', cycleId).execute();
    state = rows.some((r) => r.state === 'failed')
      ? 'failed'
      : rows.some((r) => r.state !== 'sent')
        ? 'running'
        : 'complete';
  }
  if (state === cycle.state && !o.failedJob) return state;
  await setCycleState(db, now, cycleId, state, o.failedJob ? { failedJob: o.failedJob } : {});
  return state;
}

/** Create (or find again: idempotent per cycle, source and attempt) a capture. */
export async function createCapture(
  db: Kysely<DB>,
  c: {
    cycleId: number | null;
    source: string;
    period: Period;
    provinces: readonly string[];
    capturedAt: Date;
    attempt?: number;
    planned: number;
  },
): Promise<number> {
  const values = {
    cycle_id: c.cycleId,
    source: c.source,
    period_key: periodKey(c.period),
    provinces: c.provinces.join(','),
    captured_at: c.capturedAt,
    attempt: c.attempt ?? 1,
    state: 'running',
    requests_planned: c.planned,
  };
  const inserted = await db
    .insertInto('captures')
    .values(values)
    .onConflict((oc) => oc.columns(['cycle_id', 'source', 'attempt']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('captures')
    .select('id')
    .where('cycle_id', '=', c.cycleId!)
    .where('source', '=', c.source)
    .where('attempt', '=', c.attempt ?? 1)
    .executeTakeFirstOrThrow();
  return existing.id;
}

/** A capture's state from all its snapshots so far (scopes may be ingested by separate jobs). */
export async function settleCapture(db: Kysely<DB>, captureId: number): Promise<void> {
  const all = await db.selectFrom('snapshots').select('unchanged').where('capture_id', '=', captureId).execute();
  await db
    .updateTable('captures')
    .set({ state: all.length > 0 && all.every((s) => s.unchanged) ? 'unchanged' : 'complete', finished_at: new Date() })
    .where('id', '=', captureId)
    .execute();
}

/** A capture stopped by a failure (blocked, drift, retries exhausted). */
export async function markCaptureFailed(db: Kysely<DB>, captureId: number): Promise<void> {
  await db
    .updateTable('captures')
    .set({ state: 'failed', finished_at: new Date() })
    .where('id', '=', captureId)
    .execute();
}

/** After a parser fix: a failed capture whose answers parse now is complete. */
export async function markCaptureReingested(db: Kysely<DB>, captureId: number): Promise<void> {
  await db
    .updateTable('captures')
    .set({ state: 'complete', finished_at: new Date() })
    .where('id', '=', captureId)
    .where('state', '=', 'failed')
    .execute();
}

export async function captureOf(db: Kysely<DB>, captureId: number): Promise<Capture | undefined> {
  return db.selectFrom('captures').selectAll().where('id', '=', captureId).executeTakeFirst();
}

/** The data captures of a cycle and their snapshots (for the freshness gate and summaries). */
export async function provinceSnapshotsOfCapture(db: Kysely<DB>, captureId: number) {
  return (await db.selectFrom('snapshots').selectAll().where('capture_id', '=', captureId).execute()).filter(
    (s) => s.scope !== 'national',
  );
}

/** The ISO week of every cycle (a reminder is due so many weeks after the last notice). */
export async function cycleWeeks(db: Kysely<DB>): Promise<Map<number, string>> {
  return new Map((await db.selectFrom('cycles').select(['id', 'week']).execute()).map((r) => [r.id, r.week]));
}
