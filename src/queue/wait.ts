/**
 * Waiting for a cycle (run-once, jobs retry --wait): its jobs' states in Redis and its e-mails in
 * the outbox, until it is done, a job gave up, or the wait is over.
 */
import type { Job } from 'bullmq';
import { cyclePlan } from '../cycle/plan.ts';
import type { FailedJobInfo } from '../cycle/summary.ts';
import type { Cycle } from '../db/types.ts';
import { flowJobIds } from './flow.ts';
import { cycleJobStem, sendJobId, type QueueName } from './names.ts';
import { withTimeout } from './connection.ts';
import type { Runtime } from './runtime.ts';

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
  /**
   * complete / stale: done. failed: a job gave up (the cycle can resume). mail-pending: everything
   * ran but some e-mails wait for the mail server (retried by a running worker). timeout: still
   * running when the wait ended.
   */
  state: 'complete' | 'failed' | 'stale' | 'timeout' | 'mail-pending';
  failedJobs: FailedJobInfo[];
  /** What was still on its way when the wait ended (for the message). */
  left?: { jobs: string[]; emails: number };
}

async function stateOf(rt: Runtime, queue: QueueName, id: string): Promise<{ state: string; job: Job | undefined }> {
  const job = await rt.queues[queue].getJob(id);
  if (!job) return { state: 'missing', job: undefined };
  return { state: await job.getState(), job };
}

interface Poll {
  done: boolean;
  outcome?: WaitOutcome;
  progress: { done: number; total: number; current: string | null };
  sendsPending: boolean;
  left: { jobs: string[]; emails: number };
}

/**
 * Wait until the cycle's first flow has finished (its root job completed and every send job done),
 * or a job of it failed for good. Never hangs: Redis or PostgreSQL going away only makes polls fail
 * (each bounded), which are retried until they answer again or `timeoutMs` has passed. E-mails
 * still retrying after `mailWaitMs` are reported, not waited for.
 */
export async function waitForCycle(
  rt: Runtime,
  cycle: Cycle,
  opts: {
    timeoutMs?: number;
    mailWaitMs?: number;
    pollMs?: number;
    onProgress?: (p: { done: number; total: number; current: string | null }) => void;
  } = {},
): Promise<WaitOutcome> {
  const started = Date.now();
  const until = started + (opts.timeoutMs ?? 6 * 3600_000);
  const ids = flowJobIds(cycleJobStem(cycle.key, rt.instance), 1, cyclePlan(cycle, rt.config));
  const all: [QueueName, string][] = [
    ...ids.fetch.map((id) => ['fetch', id] as [QueueName, string]),
    ...ids.ingest.map((id) => ['ingest', id] as [QueueName, string]),
    ...ids.evaluate.map((id) => ['evaluate', id] as [QueueName, string]),
    ['notify', ids.notify],
  ];
  // A completed job stays completed: ask Redis only about the others (a national cycle has ~300 jobs).
  const completed = new Set<string>();
  let rootDoneAt: number | null = null;
  let last: Poll | null = null;
  let unreachableSince: number | null = null;
  const poll = async (): Promise<Poll> => {
    const row = await rt.db.selectFrom('cycles').select(['state']).where('id', '=', cycle.id).executeTakeFirstOrThrow();
    const states = await Promise.all(
      all.map(async ([q, id]) => {
        if (completed.has(id)) return { q, id, state: 'completed', job: undefined };
        const st = await stateOf(rt, q, id);
        if (st.state === 'completed') completed.add(id);
        return { q, id, ...st };
      }),
    );
    const failed = states.filter((x) => x.state === 'failed' && x.job).map((x) => failedJobInfo(x.q, x.job!));
    const root = states[states.length - 1]!.state;
    const rootDone =
      root === 'completed' || (root === 'missing' && ['complete', 'stale', 'rechecking'].includes(row.state));
    let sendsDone = true;
    const sendStates: string[] = [];
    let emailsLeft = 0;
    if (rootDone) {
      const outbox = await rt.db
        .selectFrom('outbox')
        .select(['id', 'state'])
        .where('cycle_id', '=', cycle.id)
        .execute();
      for (const o of outbox) {
        const st = await stateOf(rt, 'send', sendJobId(rt.instance, o.id));
        sendStates.push(st.state);
        if (st.state === 'failed' && st.job) failed.push(failedJobInfo('send', st.job));
        // Done = completed or failed for good; a row sent by an earlier run needs no job.
        if (!['completed', 'failed'].includes(st.state) && !(st.state === 'missing' && o.state !== 'pending')) {
          sendsDone = false;
          emailsLeft++;
        }
      }
    }
    const done =
      states.filter((x) => x.state === 'completed').length + sendStates.filter((x) => x === 'completed').length;
    const active = states.find((x) => x.state === 'active');
    const left = {
      jobs: states.filter((x) => x.state !== 'completed').map((x) => `${x.q} ${x.id} (${x.state})`),
      emails: emailsLeft,
    };
    const progress = {
      done,
      total: all.length + sendStates.length,
      current: active ? `${active.q} ${active.id}` : null,
    };
    if (failed.length > 0 && (!rootDone || sendsDone))
      return {
        done: true,
        outcome: { state: 'failed', failedJobs: failed, left },
        progress,
        sendsPending: false,
        left,
      };
    if (rootDone && sendsDone)
      return {
        done: true,
        outcome: { state: row.state === 'stale' ? 'stale' : 'complete', failedJobs: failed, left },
        progress,
        sendsPending: false,
        left,
      };
    return { done: false, progress, sendsPending: rootDone && !sendsDone, left };
  };
  for (;;) {
    try {
      last = await withTimeout(poll(), 15_000, 'checking the cycle');
      if (unreachableSince !== null)
        rt.log.info(
          `the cycle's jobs and database answer again after ${Math.round((Date.now() - unreachableSince) / 1000)} s; waiting for the cycle`,
        );
      unreachableSince = null;
      opts.onProgress?.(last.progress);
      if (last.done) return last.outcome!;
      if (last.sendsPending) rootDoneAt ??= Date.now();
    } catch (e) {
      // Redis or PostgreSQL away (a restart): the workers wait for it too; keep asking.
      if (unreachableSince === null) {
        unreachableSince = Date.now();
        rt.log.warn(
          { err: (e as Error).message },
          `cannot check the cycle right now (${(e as Error).message}); waiting for Redis / PostgreSQL to answer again`,
        );
      }
    }
    if (rootDoneAt !== null && opts.mailWaitMs !== undefined && Date.now() - rootDoneAt > opts.mailWaitMs) {
      return { state: 'mail-pending', failedJobs: [], left: last?.left ?? { jobs: [], emails: 0 } };
    }
    if (Date.now() > until)
      return {
        state: 'timeout',
        failedJobs: [],
        left: last?.left ?? { jobs: ['(no answer from Redis / PostgreSQL)'], emails: 0 },
      };
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 200));
  }
}
