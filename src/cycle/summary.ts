/**
 * A cycle's summary, from the database: what `run-once --json` and `jobs retry --wait` print.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../db/types.ts';

export interface FailedJobInfo {
  id: string;
  name: string;
  queue: string;
  attempts: number;
  failedReason: string;
  finishedOn: string | null;
  cycleId: number | null;
}

export interface CycleSummary {
  cycle: string;
  cycleId: number;
  week: string;
  period: string;
  state: string;
  captures: number;
  snapshots: number;
  unchanged: number;
  observations: number;
  alerts: { opened: number; kept: number; resolved: number };
  emails: { queued: number; sent: number; waiting: number; failed: number };
  failedJobs: FailedJobInfo[];
  recheckAt: string | null;
  /** The drill-down of the cycle (null when none ran): requests within the budget, and what it could not do. */
  drilldown: { requests: number; budget: number; partial: boolean; units: string[]; notes: string[] } | null;
}

export async function cycleSummary(
  db: Kysely<DB>,
  cycleId: number,
  failedJobs: FailedJobInfo[] = [],
): Promise<CycleSummary> {
  const cycle = await db.selectFrom('cycles').selectAll().where('id', '=', cycleId).executeTakeFirstOrThrow();
  const captures = await db.selectFrom('captures').select('id').where('cycle_id', '=', cycleId).execute();
  const captureIds = captures.map((c) => c.id);
  const snaps = captureIds.length
    ? await db
        .selectFrom('snapshots')
        .select(['unchanged', 'observation_count'])
        .where('capture_id', 'in', captureIds)
        .execute()
    : [];
  const events = await db.selectFrom('alert_events').select(['event']).where('cycle_id', '=', cycleId).execute();
  const outbox = await db.selectFrom('outbox').select(['state']).where('cycle_id', '=', cycleId).execute();
  const summary = (cycle.summary ?? {}) as { recheck?: { at?: string } };
  const drill = await db.selectFrom('drilldown_runs').selectAll().where('cycle_id', '=', cycleId).executeTakeFirst();
  return {
    cycle: cycle.key,
    cycleId: cycle.id,
    week: cycle.week,
    period: cycle.period_key,
    state: cycle.state,
    captures: captures.length,
    snapshots: snaps.length,
    unchanged: snaps.filter((s) => s.unchanged).length,
    observations: snaps.reduce((n, s) => n + (s.unchanged ? 0 : s.observation_count), 0),
    alerts: {
      opened: events.filter((e) => e.event === 'opened').length,
      kept: events.filter((e) => e.event === 'kept' || e.event === 'escalated' || e.event === 'deescalated').length,
      resolved: events.filter((e) => e.event === 'resolved').length,
    },
    emails: {
      queued: outbox.length,
      sent: outbox.filter((o) => o.state === 'sent').length,
      waiting: outbox.filter((o) => o.state === 'pending' || o.state === 'sending').length,
      failed: outbox.filter((o) => o.state === 'failed').length,
    },
    failedJobs,
    recheckAt: cycle.state === 'rechecking' ? (summary.recheck?.at ?? null) : null,
    drilldown: drill
      ? {
          requests: drill.requests,
          budget: drill.budget,
          partial: drill.partial,
          units: drill.units.map((u) => u.code),
          notes: drill.notes,
        }
      : null,
  };
}
