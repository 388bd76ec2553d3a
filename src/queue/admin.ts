/** Ops actions on jobs: list failed ones, retry them. */
import type { Job } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from './names.ts';
import type { Runtime } from './runtime.ts';
import { failedJobInfo } from './wait.ts';
import type { FailedJobInfo } from '../cycle/summary.ts';
import { reopenCycle } from '../cycle/store.ts';
import { NotFoundError } from '../domain/errors.ts';

export async function listFailedJobs(rt: Runtime): Promise<FailedJobInfo[]> {
  const out: FailedJobInfo[] = [];
  for (const name of QUEUE_NAMES) {
    const jobs = await rt.queues[name].getFailed(0, 999);
    for (const j of jobs) out.push(failedJobInfo(name, j));
  }
  return out.sort((a, b) => (a.finishedOn ?? '').localeCompare(b.finishedOn ?? ''));
}

export class JobNotFoundError extends NotFoundError {}

/** Retry failed jobs by id (any queue) or all of them. Returns what was retried. */
export async function retryFailedJobs(
  rt: Runtime,
  which: { ids?: readonly string[]; all?: boolean },
): Promise<FailedJobInfo[]> {
  const retried: FailedJobInfo[] = [];
  const targets: [QueueName, Job][] = [];
  if (which.all) {
    for (const name of QUEUE_NAMES) for (const j of await rt.queues[name].getFailed(0, 9999)) targets.push([name, j]);
  } else {
    for (const id of which.ids ?? []) {
      let found: [QueueName, Job] | null = null;
      for (const name of QUEUE_NAMES) {
        const j = await rt.queues[name].getJob(id);
        if (j) {
          found = [name, j];
          break;
        }
      }
      if (!found) throw new JobNotFoundError(`no job with id ${id} (see \`chiso766 jobs failed\`)`);
      if ((await found[1].getState()) !== 'failed')
        throw new JobNotFoundError(`job ${id} is not failed (state: ${await found[1].getState()})`);
      targets.push(found);
    }
  }
  for (const [name, job] of targets) {
    const info = failedJobInfo(name, job);
    if (name === 'send') {
      // A send job that gave up gets a fresh retry window, and its e-mail is due again.
      const data = job.data as { outboxId: number; firstFailureAt?: number };
      await job.updateData({ ...data, firstFailureAt: undefined });
      await rt.db
        .updateTable('outbox')
        .set({ state: 'pending' })
        .where('id', '=', data.outboxId)
        .where('state', '=', 'failed')
        .execute();
    }
    await job.retry('failed');
    rt.log.info({ job: job.id, queue: name }, `retrying ${name} job ${job.id}`);
    retried.push(info);
    if (info.cycleId) await reopenCycle(rt.db, info.cycleId);
  }
  return retried;
}
