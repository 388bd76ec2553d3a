/** `run-once`, `worker`, `jobs failed|retry`, `resync`. */
import type { Command } from 'commander';
import { requireProvinces } from '../config/load.ts';
import { isoLocal } from '../domain/format.ts';
import { mondayOfWeek, parseWeekKey } from '../domain/periods.ts';
import { listFailedJobs, retryFailedJobs } from '../queue/admin.ts';
import { enqueueCycle } from '../queue/enqueue.ts';
import { createRuntime, type Runtime } from '../queue/runtime.ts';
import { startTrigger } from '../queue/trigger.ts';
import { waitForCycle, type WaitOutcome } from '../queue/wait.ts';
import { cycleSummary, type CycleSummary } from '../cycle/summary.ts';
import { startWorkers } from '../queue/workers.ts';
import { startServer } from '../server/app.ts';
import { closeTransports } from '../mail/transport.ts';
import type { Cycle } from '../db/types.ts';
import { parseAsOf } from './args.ts';
import { action, getConfig, printJson, UsageError, withDatabase } from './context.ts';
import type { Config } from '../config/load.ts';
import { table } from './output.ts';

/** Progress on a TTY (current job, done/total); nothing when piped. */
function progressPrinter(): ((p: { done: number; total: number; current: string | null }) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = '';
  return (p) => {
    const line = `  ${p.done}/${p.total} jobs done${p.current ? ` — ${p.current}` : ''}`;
    if (line !== last) process.stderr.write(`\r\x1b[K${line}`);
    last = line;
  };
}

function printSummary(s: CycleSummary, json: boolean | undefined, outcome?: WaitOutcome): void {
  if (json) {
    printJson({
      ...s,
      ...(outcome && (outcome.state === 'timeout' || outcome.state === 'mail-pending')
        ? { waitEnded: outcome.state, left: outcome.left }
        : {}),
    });
    return;
  }
  const out = process.stdout;
  if (process.stderr.isTTY) process.stderr.write('\n');
  out.write(`Cycle ${s.cycle} (${s.week}, ${s.period}): ${s.state}\n`);
  out.write(
    `  captures ${s.captures}, snapshots ${s.snapshots} (${s.unchanged} unchanged), observations ${s.observations}\n`,
  );
  out.write(
    `  alerts opened ${s.alerts.opened}, kept ${s.alerts.kept}, resolved ${s.alerts.resolved}; e-mails queued ${s.emails.queued}, sent ${s.emails.sent}\n`,
  );
  if (s.drilldown && s.drilldown.units.length)
    out.write(
      `  drill-down: ${s.drilldown.units.length} unit(s), ${s.drilldown.requests} per-procedure request(s) of ${s.drilldown.budget} allowed${s.drilldown.partial ? `; partial — ${s.drilldown.notes.join('; ')}` : ''}\n`,
    );
  if (s.recheckAt)
    out.write(
      `  the portal has not recalculated yet: a re-check is scheduled at ${s.recheckAt} (run \`chiso766 worker\` to have it done)\n`,
    );
  for (const f of s.failedJobs)
    out.write(`  FAILED ${f.queue} ${f.id} after ${f.attempts} attempt(s): ${f.failedReason}\n`);
  if (s.failedJobs.length)
    out.write('  The cycle is kept and can resume: fix the cause, then `chiso766 jobs retry --all --wait`.\n');
  if (outcome?.state === 'mail-pending') {
    out.write(
      `  ${outcome.left?.emails ?? s.emails.waiting} e-mail(s) still wait for the mail server: they are retried automatically for up to mail.retryForMinutes by a running \`chiso766 worker\` (ops get an alert meanwhile); \`chiso766 mail list\` shows them.\n`,
    );
  }
  if (outcome?.state === 'timeout') {
    out.write(
      `  The cycle did not finish while run-once waited. Still on its way: ${(outcome.left?.jobs ?? []).slice(0, 5).join(', ') || '—'}${(outcome.left?.jobs.length ?? 0) > 5 ? ', …' : ''}.\n`,
    );
    out.write(
      '  Nothing is lost: a running `chiso766 worker` (or `chiso766 jobs retry --all --wait` once the cause is fixed) finishes the same cycle.\n',
    );
  }
}

/** A cycle that ended failed (after its retries), never ended, or still owes e-mails is exit 1. */
function exitCodeOf(outcome: WaitOutcome): number {
  return outcome.state === 'complete' || outcome.state === 'stale' ? 0 : 1;
}

export interface WaitOptions {
  waitMinutes?: string;
  mailWaitMinutes?: string;
}

function minutes(value: string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback * 60_000;
  if (!/^\d+(\.\d+)?$/.test(value) || Number(value) <= 0)
    throw new UsageError(`${what} must be a number of minutes above 0, got "${value}"`);
  return Number(value) * 60_000;
}

/**
 * Start one cycle (`start`), run the workers in this process until it has finished, print its
 * summary, and give the exit code — what run-once and resync share.
 */
async function runCycleCommand(
  config: Config,
  json: boolean | undefined,
  start: (rt: Runtime) => Promise<Cycle>,
  wait: WaitOptions = {},
): Promise<number> {
  const timeoutMs = minutes(wait.waitMinutes, 60, '--wait-minutes');
  const mailWaitMs = minutes(wait.mailWaitMinutes, 15, '--mail-wait-minutes');
  const { summary, outcome } = await withDatabase(config, async (ctx) => {
    const rt = await createRuntime(ctx.config, ctx.database.db);
    const workers = await startWorkers(rt);
    try {
      const cycle = await start(rt);
      const waited = await waitForCycle(rt, cycle, { onProgress: progressPrinter(), timeoutMs, mailWaitMs });
      return { summary: await cycleSummary(rt.db, cycle.id, waited.failedJobs), outcome: waited };
    } finally {
      await workers.close(10_000);
      await rt.close();
      closeTransports();
    }
  });
  printSummary(summary, json, outcome);
  return exitCodeOf(outcome);
}

export function registerCycle(program: Command): void {
  program
    .command('run-once')
    .description('one full cycle — fetch → ingest → evaluate → notify → send — through the queues; waits for the end')
    .option('--as-of <iso>', 'capture time stamp, ISO-8601 with zone (backfills, tests; default: now)')
    .option(
      '--wait-minutes <n>',
      'give up waiting for the cycle after this long (exit 1; the cycle goes on with a worker)',
      '60',
    )
    .option(
      '--mail-wait-minutes <n>',
      'once everything else is done, wait this long for e-mails the mail server has not taken yet',
      '15',
    )
    .option('--json', 'JSON summary on stdout')
    .action(
      action(async (opts: { asOf?: string; json?: boolean } & WaitOptions) => {
        const asOf = parseAsOf(opts.asOf);
        const config = getConfig();
        requireProvinces(config);
        return runCycleCommand(
          config,
          opts.json,
          async (rt) => {
            const { cycle, created } = await enqueueCycle(rt, { asOf });
            if (!created)
              rt.log.info({ cycle: cycle.key }, `cycle ${cycle.key} exists already for this week: not fetching again`);
            return cycle;
          },
          opts,
        );
      }),
    );

  program
    .command('resync')
    .description('force a new capture for a past week (recorded as a forced cycle)')
    .requiredOption('--week <YYYY-Www>', 'ISO week, e.g. 2026-W47')
    .option('--json', 'JSON summary on stdout')
    .action(
      action(async (opts: { week: string; json?: boolean }) => {
        const wk = parseWeekKey(opts.week);
        if (!wk) throw new UsageError(`--week "${opts.week}" is not an ISO week such as 2026-W47`);
        const config = getConfig();
        requireProvinces(config);
        // The capture is stamped at the week's Monday 04:00 local time, when the cron would have run.
        const asOf = new Date(mondayOfWeek(wk.year, wk.week, config.schedule.timezone).getTime() + 4 * 3600_000);
        if (asOf.getTime() > Date.now()) throw new UsageError(`--week ${opts.week} has not started yet`);
        return runCycleCommand(config, opts.json, async (rt) => (await enqueueCycle(rt, { asOf, forced: true })).cycle);
      }),
    );

  program
    .command('worker')
    .description(
      'long-running: cron trigger, queue workers, HTTP server (/healthz, /metrics, /ops); graceful stop on SIGTERM',
    )
    .option('--no-cron', 'do not start the weekly trigger (workers and HTTP only)')
    .action(
      action(async (opts: { cron: boolean }) => {
        const config = getConfig();
        requireProvinces(config);
        await withDatabase(config, async ({ database }) => {
          const rt = await createRuntime(config, database.db);
          const workers = await startWorkers(rt);
          const server = await startServer(rt, config.env.port);
          const trigger = opts.cron ? startTrigger(rt) : null;
          rt.log.info(
            { port: config.env.port, url: server.url, next: trigger?.nextRun()?.toISOString() ?? null },
            `worker ready: ${server.url}/healthz, /metrics${config.env.opsToken ? ', /ops' : ' (ops UI disabled: no CHISO766_OPS_TOKEN)'}; ` +
              (trigger
                ? `next cycle at ${isoLocal(trigger.nextRun()!, config.schedule.timezone)} (${config.schedule.cron}, ${config.schedule.timezone})`
                : 'cron disabled'),
          );
          // Graceful stop: no new jobs, finish the active ones (bounded), close connections.
          await new Promise<void>((resolve) => {
            const stop = (signal: string) => {
              rt.log.info(`${signal}: stopping — finishing active jobs first`);
              resolve();
            };
            process.once('SIGTERM', () => stop('SIGTERM'));
            process.once('SIGINT', () => stop('SIGINT'));
          });
          await trigger?.stop();
          await workers.close(config.env.shutdownGraceMs);
          await server.close();
          await rt.close();
          closeTransports();
          rt.log.info('worker stopped');
        });
      }),
    );

  const jobs = program.command('jobs').description('BullMQ jobs');
  jobs
    .command('failed')
    .description('failed jobs: id, name, queue, attempts, failedReason, finishedOn')
    .option('--json', 'JSON output')
    .action(
      action(async (opts: { json?: boolean }) => {
        const config = getConfig();
        const rows = await withDatabase(config, async ({ database }) => {
          const rt = await createRuntime(config, database.db);
          try {
            return await listFailedJobs(rt);
          } finally {
            await rt.close();
          }
        });
        if (opts.json) printJson(rows);
        else if (rows.length === 0) process.stdout.write('No failed jobs.\n');
        else
          process.stdout.write(
            table(
              ['id', 'queue', 'attempts', 'finished', 'reason'],
              rows.map((r) => [r.id, r.queue, r.attempts, r.finishedOn, r.failedReason]),
            ),
          );
      }),
    );
  jobs
    .command('retry')
    .description('retry failed jobs by id, or --all; --wait runs workers here until their cycles finish')
    .argument('[ids...]', 'job ids (see jobs failed)')
    .option('--all', 'every failed job')
    .option('--wait', 'wait for their cycles to finish (runs workers in this process)')
    .option('--json', 'JSON output')
    .action(
      action(async (ids: string[], opts: { all?: boolean; wait?: boolean; json?: boolean }) => {
        if (!opts.all && ids.length === 0) throw new UsageError('give job ids or --all');
        if (opts.all && ids.length > 0) throw new UsageError('give job ids or --all, not both');
        const config = getConfig();
        return withDatabase(config, async ({ database }) => {
          const rt = await createRuntime(config, database.db);
          const workers = opts.wait ? await startWorkers(rt) : null;
          try {
            const retried = await retryFailedJobs(rt, { ids, all: opts.all });
            const cycleIds = [...new Set(retried.map((r) => r.cycleId).filter((c): c is number => c !== null))];
            const results: { retried: typeof retried; cycles: CycleSummary[] } = { retried, cycles: [] };
            const outcomes: WaitOutcome[] = [];
            let failed = false;
            if (opts.wait) {
              for (const id of cycleIds) {
                const cycle = await rt.db
                  .selectFrom('cycles')
                  .selectAll()
                  .where('id', '=', id)
                  .executeTakeFirstOrThrow();
                const outcome = await waitForCycle(rt, cycle, {
                  onProgress: progressPrinter(),
                  timeoutMs: 60 * 60_000,
                  mailWaitMs: 15 * 60_000,
                });
                if (exitCodeOf(outcome) !== 0) failed = true;
                results.cycles.push(await cycleSummary(rt.db, id, outcome.failedJobs));
                outcomes.push(outcome);
              }
            }
            if (opts.json) printJson(results);
            else {
              process.stdout.write(
                retried.length
                  ? `Retried ${retried.length} job(s): ${retried.map((r) => r.id).join(', ')}\n`
                  : 'No failed jobs to retry.\n',
              );
              results.cycles.forEach((s, i) => printSummary(s, false, outcomes[i]));
            }
            return failed ? 1 : 0;
          } finally {
            await workers?.close(10_000);
            await rt.close();
            closeTransports();
          }
        });
      }),
    );
}
