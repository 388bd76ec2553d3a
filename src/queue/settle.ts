/**
 * A cycle's state, recomputed from what it owes: `complete` exactly when its flow has run (notify
 * done) and every e-mail it queued is sent; `failed` when a job gave up or an e-mail could not be
 * delivered; `running` while anything is still on its way (a retry, a delayed send). Called after
 * notify, after each send and when a job fails for good — so a retried cycle ends `complete` on
 * its own instead of staying `running`.
 */
import { sql } from 'kysely';
import type { Runtime } from './runtime.ts';

export async function settleCycle(rt: Runtime, cycleId: number, o: { failedJob?: string | null } = {}): Promise<string> {
  const cycle = await rt.db.selectFrom('cycles').select(['state', 'summary']).where('id', '=', cycleId).executeTakeFirst();
  if (!cycle) return 'missing';
  // Freshness outcomes are the gate's to set (re-checks are on their way, or ops were told).
  if (cycle.state === 'stale' || cycle.state === 'rechecking') return cycle.state;
  const notified = (cycle.summary as { notified?: boolean } | null)?.notified === true;
  let state: string;
  if (o.failedJob) state = 'failed';
  else if (!notified) return cycle.state;
  else {
    const rows = await rt.db.selectFrom('outbox').select('state').where('cycle_id', '=', cycleId).execute();
    state = rows.some((r) => r.state === 'failed') ? 'failed' : rows.some((r) => r.state !== 'sent') ? 'running' : 'complete';
  }
  if (state === cycle.state && !o.failedJob) return state;
  await rt.db
    .updateTable('cycles')
    .set({
      state,
      finished_at: state === 'running' ? null : rt.now(),
      summary: sql`coalesce(summary, '{}'::jsonb) || ${JSON.stringify(o.failedJob ? { failedJob: o.failedJob } : {})}::jsonb`,
    })
    .where('id', '=', cycleId)
    .execute();
  return state;
}
