/**
 * Waiting for a cycle (run-once, jobs retry --wait) and summarising it from the database.
 */
import type { Job } from 'bullmq';
import type { Cycle } from '../db/types.ts';
import { cyclePlan, flowJobIds } from './cycle.ts';
import { sendJobId, type QueueName } from './names.ts';
import type { Runtime } from './runtime.ts';

export interface FailedJobInfo {
  id: string;
  name: string;
  queue: string;
  attempts: number;
  failedReason: string;
  finishedOn: string | null;
  cycleId: number | null;
}

export function failedJobInfo(queue: string, job: Job): FailedJobInfo {
  return {
    id: job.id ?? '',
    name: job.name,
    queue,
    attempts: job.attemptsMade,
    failedReason: job.failedReason ?? '',
    finishedOn: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    cycleId: (job.data as { cycleId?: number | null } | undefined)?.cycleId ?? null,
  };
}

export interface WaitOutcome {
  state: 'complete' | 'failed' | 'stale' | 'timeout';
  failedJobs: FailedJobInfo[];
}

async function stateOf(rt: Runtime, queue: QueueName, id: string): Promise<{ state: string; job: Job | undefined }> {
  const job = await rt.queues[queue].getJob(id);
  if (!job) return { state: 'missing', job: undefined };
  return { state: await job.getState(), job };
}

/**
 * Wait until the cycle's first flow has finished (its root job completed and every send job done),
 * or a job of it failed for good. Progress goes to `onProgress` (done / total, current job).
 */
export async function waitForCycle(
  rt: Runtime,
  cycle: Cycle,
  opts: { timeoutMs?: number; pollMs?: number; onProgress?: (p: { done: number; total: number; current: string | null }) => void } = {},
): Promise<WaitOutcome> {
  const until = Date.now() + (opts.timeoutMs ?? 6 * 3600_000);
  const ids = flowJobIds(cycle.key, 1, cyclePlan(cycle, rt.config));
  const all: [QueueName, string][] = [...ids.fetch.map((id) => ['fetch', id] as [QueueName, string]), ...ids.ingest.map((id) => ['ingest', id] as [QueueName, string]), ...ids.evaluate.map((id) => ['evaluate', id] as [QueueName, string]), ['notify', ids.notify]];
  // A completed job stays completed: ask Redis only about the others (a national cycle has ~300 jobs).
  const completed = new Set<string>();
  for (;;) {
    const row = await rt.db.selectFrom('cycles').select(['state']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    const states = await Promise.all(
      all.map(async ([q, id]) => {
        if (completed.has(id)) return { q, id, state: 'completed', job: undefined };
        const s = await stateOf(rt, q, id);
        if (s.state === 'completed') completed.add(id);
        return { q, id, ...s };
      }),
    );
    const failed = states.filter((s) => s.state === 'failed' && s.job).map((s) => failedJobInfo(s.q, s.job!));
    const rootDone = states[states.length - 1]!.state === 'completed' || (states[states.length - 1]!.state === 'missing' && ['complete', 'stale', 'rechecking'].includes(row.state));
    let sendsDone = true;
    const sendStates: string[] = [];
    if (rootDone) {
      const outbox = await rt.db.selectFrom('outbox').select(['id', 'state']).where('cycle_id', '=', cycle.id).execute();
      for (const o of outbox) {
        const s = await stateOf(rt, 'send', sendJobId(o.id));
        sendStates.push(s.state);
        if (s.state === 'failed' && s.job) failed.push(failedJobInfo('send', s.job));
        if (!['completed', 'failed'].includes(s.state) && !(s.state === 'missing' && o.state !== 'pending')) sendsDone = false;
      }
    }
    const done = states.filter((s) => s.state === 'completed').length + sendStates.filter((s) => s === 'completed').length;
    const active = states.find((s) => s.state === 'active');
    opts.onProgress?.({ done, total: all.length + sendStates.length, current: active ? `${active.q} ${active.id}` : null });
    if (failed.length > 0 && (!rootDone || sendsDone)) return { state: 'failed', failedJobs: failed };
    if (rootDone && sendsDone) return { state: row.state === 'stale' ? 'stale' : 'complete', failedJobs: failed };
    if (Date.now() > until) return { state: 'timeout', failedJobs: failed };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
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
  emails: { queued: number; sent: number };
  failedJobs: FailedJobInfo[];
  recheckAt: string | null;
}

export async function cycleSummary(rt: Runtime, cycleId: number, failedJobs: FailedJobInfo[] = []): Promise<CycleSummary> {
  const db = rt.db;
  const cycle = await db.selectFrom('cycles').selectAll().where('id', '=', cycleId).executeTakeFirstOrThrow();
  const captures = await db.selectFrom('captures').select('id').where('cycle_id', '=', cycleId).execute();
  const captureIds = captures.map((c) => c.id);
  const snaps = captureIds.length ? await db.selectFrom('snapshots').select(['unchanged', 'observation_count']).where('capture_id', 'in', captureIds).execute() : [];
  const events = await db.selectFrom('alert_events').select(['event']).where('cycle_id', '=', cycleId).execute();
  const outbox = await db.selectFrom('outbox').select(['state']).where('cycle_id', '=', cycleId).execute();
  const summary = (cycle.summary ?? {}) as { recheck?: { at?: string } };
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
    emails: { queued: outbox.length, sent: outbox.filter((o) => o.state === 'sent').length },
    failedJobs,
    recheckAt: cycle.state === 'rechecking' ? (summary.recheck?.at ?? null) : null,
  };
}
