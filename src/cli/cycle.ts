/** `run-once`, `worker`, `jobs failed|retry`, `resync`. */
import type { Command } from 'commander';
import { notYet } from './context.ts';

export function registerCycle(program: Command): void {
  program.command('run-once').description('one full cycle — fetch → ingest → evaluate → notify → send — through the queues; waits for the end').option('--as-of <iso>', 'capture time (backfills, tests)').option('--json', 'JSON summary').action(notYet('run-once', 4));
  program.command('worker').description('long-running: cron trigger, queue workers, HTTP server (/healthz, /metrics, /ops)').action(notYet('worker', 4));
  const jobs = program.command('jobs').description('BullMQ jobs');
  jobs.command('failed').description('failed jobs: id, name, queue, attempts, reason').option('--json').action(notYet('jobs failed', 4));
  jobs.command('retry').description('retry failed jobs').argument('[ids...]').option('--all').option('--wait', 'wait for their cycle to finish').action(notYet('jobs retry', 4));
  program.command('resync').description('force a new capture for a past week').requiredOption('--week <YYYY-Www>').action(notYet('resync', 4));
}
