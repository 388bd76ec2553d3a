/**
 * BullMQ workers for every queue of the cycle, in this process. Graceful close: stop taking jobs,
 * let active ones finish (bounded), then close connections.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { infraRetryDelay, isInfraOutage, MAX_INFRA_WAITS } from './transient.ts';
import { AttemptFailed } from './stages.ts';
import { isConnectionError, redisConnection, withTimeout } from './connection.ts';
import { mailRetryDelay, MAIL_BACKOFF } from './mail-retry.ts';
import { settleCycle } from '../cycle/store.ts';
import { jobDuration, jobsCompleted, jobsFailed } from './metrics.ts';
import { QUEUE_NAMES, type QueueName } from './names.ts';
import type { Runtime } from './runtime.ts';

// Processors take BullMQ jobs of their own data shape; the map erases it (each file types its own).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Processor = (job: Job<any>, rt: Runtime) => Promise<unknown>;
export type Processors = Record<QueueName, Processor>;

/** jobs/ holds one processor file per queue; src/queue → ../../jobs (also from dist/src/queue). */
const JOBS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../jobs');

/**
 * Load the processors from jobs/<queue>.ts (or .js when built) by name: the queue layer never
 * imports jobs/ statically (jobs depend on it, not the other way round).
 */
export async function loadProcessors(names: readonly QueueName[] = QUEUE_NAMES): Promise<Processors> {
  const out: Partial<Processors> = {};
  for (const name of names) {
    const file = ['ts', 'js'].map((ext) => path.join(JOBS_DIR, `${name}.${ext}`)).find((f) => existsSync(f));
    if (!file) throw new Error(`no processor file jobs/${name}.ts`);
    const mod = (await import(pathToFileURL(file).href)) as { default: Processor };
    out[name] = mod.default;
  }
  return out as Processors;
}

export interface WorkerOptions {
  /** Concurrency of the fetch queue (politeness stays global per host through Redis). */
  fetchConcurrency?: number;
  queues?: readonly QueueName[];
  /** Lock duration; a job whose worker died is taken over after about this long. */
  lockDurationMs?: number;
}

export interface RunningWorkers {
  workers: Worker[];
  /** Stop taking jobs, wait up to `graceMs` for active jobs, then force. */
  close(graceMs?: number): Promise<void>;
}

export async function startWorkers(rt: Runtime, opts: WorkerOptions = {}): Promise<RunningWorkers> {
  const processors = await loadProcessors(opts.queues ?? QUEUE_NAMES);
  const lockDuration = opts.lockDurationMs ?? rt.config.env.jobLockMs;
  const workers: Worker[] = [];
  const connections: ReturnType<typeof redisConnection>[] = [];
  for (const name of opts.queues ?? QUEUE_NAMES) {
    const processor = processors[name];
    const connection = redisConnection(rt.config.env.redisUrl, 'worker', rt.log);
    connections.push(connection);
    const worker = new Worker(
      name,
      async (job: Job, token?: string) => {
        const end = jobDuration.startTimer({ queue: name });
        try {
          return await processor(job, rt);
        } catch (e) {
          // PostgreSQL (or a connection) away for a moment: wait and run again, attempts untouched.
          const waits = ((job.data as { infraWaits?: number }).infraWaits ?? 0) + 1;
          if (token && !(e instanceof AttemptFailed) && isInfraOutage(e) && waits <= MAX_INFRA_WAITS) {
            const delay = infraRetryDelay(waits);
            if (waits === 1)
              rt.log.warn(
                { queue: name, job: job.id, err: (e as Error).message },
                `${name} job ${job.id} waits for the database or Redis (${(e as Error).message}); it runs again by itself`,
              );
            await job.updateData({ ...(job.data as object), infraWaits: waits });
            await job.moveToDelayed(Date.now() + delay, token);
            throw new DelayedError();
          }
          throw e;
        } finally {
          end();
        }
      },
      {
        connection,
        prefix: rt.prefix,
        concurrency:
          name === 'fetch' || name === 'ingest' ? (opts.fetchConcurrency ?? rt.config.jobs.fetchConcurrency) : 1,
        lockDuration,
        stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
        maxStalledCount: 2,
        autorun: true,
        // Send jobs retry on their own schedule while the mail server is away (mail.retryForMinutes).
        settings: {
          backoffStrategy: (attemptsMade: number, type?: string) =>
            type === MAIL_BACKOFF ? mailRetryDelay(rt.config.jobs.backoffMs, attemptsMade) : 0,
        },
      },
    );
    worker.on('completed', (job) => {
      jobsCompleted.inc({ queue: name });
      rt.log.debug({ queue: name, job: job.id }, 'job completed');
    });
    worker.on('failed', (job, err) => {
      if (!job) return;
      const final =
        err instanceof UnrecoverableError ||
        err.name === 'UnrecoverableError' ||
        job.attemptsMade >= (job.opts.attempts ?? 1);
      jobsFailed.inc({ queue: name, final: String(final) });
      rt.log[final ? 'error' : 'warn'](
        { queue: name, job: job.id, attempts: job.attemptsMade, final },
        `${name} job ${job.id} failed${final ? '' : ', will retry'}: ${err.message}`,
      );
      const cycleId = (job.data as { cycleId?: number | null }).cycleId;
      if (final && cycleId)
        void settleCycle(rt.db, rt.now(), cycleId, { failedJob: job.id ?? null }).catch(() => undefined);
    });
    // Connection trouble is logged once per outage by the connection watcher; anything else here.
    worker.on('error', (err) => {
      if (!isConnectionError(err)) rt.log.error({ queue: name, err }, `worker error on ${name}: ${err.message}`);
    });
    workers.push(worker);
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return {
    workers,
    close: async (graceMs = 30_000) => {
      let timer: NodeJS.Timeout | undefined;
      const graceful = Promise.all(workers.map((w) => w.close()));
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
      const r = await Promise.race([graceful.then(() => 'ok' as const), timeout]);
      clearTimeout(timer);
      if (r === 'timeout') {
        rt.log.warn(
          `active jobs did not finish within ${graceMs / 1000} s: closing anyway (they will be taken over as stalled)`,
        );
        // Forced close can itself wait on a missing Redis: bounded too.
        await withTimeout(Promise.all(workers.map((w) => w.close(true))), 5000, 'forced close').catch(() => undefined);
      }
      for (const c of connections) c.disconnect();
    },
  };
}
