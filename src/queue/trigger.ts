/**
 * The weekly trigger: node-cron in the worker process, in the configured time zone (default
 * Monday 04:00 Asia/Ho_Chi_Minh, after the portal's Sunday recalculation). Every worker runs it;
 * the cycles table makes sure only one cycle exists per week.
 */
import { schedule, type ScheduledTask } from 'node-cron';
import { enqueueCycle } from './enqueue.ts';
import type { Runtime } from './runtime.ts';

export interface Trigger {
  task: ScheduledTask;
  nextRun(): Date | null;
  stop(): Promise<void>;
}

export function nextRuns(cron: string, timezone: string, count: number): Date[] {
  const task = schedule(cron, () => undefined, { timezone, name: 'chiso766-preview' });
  try {
    void task.stop();
    return task.getNextRuns(count);
  } finally {
    void task.destroy();
  }
}

export function startTrigger(rt: Runtime): Trigger {
  const { cron, timezone } = rt.config.schedule;
  const task = schedule(
    cron,
    async () => {
      try {
        const { cycle, created } = await enqueueCycle(rt, { asOf: rt.now() });
        rt.log.info(
          { cycle: cycle.key, created },
          created
            ? `cron: cycle ${cycle.key} started`
            : `cron: cycle ${cycle.key} already exists for this week; nothing to do`,
        );
      } catch (e) {
        rt.log.error({ err: e }, `cron: could not start this week's cycle: ${(e as Error).message}`);
      } finally {
        rt.log.info(
          { next: task.getNextRun()?.toISOString() },
          `next cycle at ${task.getNextRun()?.toISOString() ?? '(none)'}`,
        );
      }
    },
    { timezone, name: 'chiso766-weekly', noOverlap: true },
  );
  return {
    task,
    nextRun: () => task.getNextRun(),
    stop: async () => {
      await task.stop();
      await task.destroy();
    },
  };
}
