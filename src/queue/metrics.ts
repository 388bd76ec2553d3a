/**
 * Metrics for /metrics (prom-client): job counters fed by the workers' events, queue depth read
 * from Redis at scrape time, and the standard process metrics under their standard names
 * (`process_cpu_seconds_total`, `nodejs_heap_size_used_bytes` …).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { withTimeout } from './connection.ts';
import { QUEUE_NAMES } from './names.ts';
import type { Runtime } from './runtime.ts';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const jobsCompleted = new Counter({
  name: 'chiso766_jobs_completed_total',
  help: 'Jobs completed, by queue',
  labelNames: ['queue'],
  registers: [registry],
});
export const jobsFailed = new Counter({
  name: 'chiso766_jobs_failed_total',
  help: 'Job attempts that failed, by queue and whether the job gave up (final)',
  labelNames: ['queue', 'final'],
  registers: [registry],
});
export const jobDuration = new Histogram({
  name: 'chiso766_job_duration_seconds',
  help: 'Job processing time, by queue',
  labelNames: ['queue'],
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
  registers: [registry],
});

// Every queue appears in /metrics from the start, at 0.
for (const queue of ['fetch', 'ingest', 'evaluate', 'notify', 'send']) {
  jobsCompleted.inc({ queue }, 0);
  jobsFailed.inc({ queue, final: 'true' }, 0);
}

let queueGauges = false;

/** Jobs per queue and state, read when Prometheus scrapes (bounded: Redis away → `chiso766_redis_up 0`). */
export function registerQueueGauges(rt: Runtime): void {
  if (queueGauges) return;
  queueGauges = true;
  new Gauge({
    name: 'chiso766_redis_up',
    help: 'Whether Redis answers (1) or not (0) at scrape time',
    registers: [registry],
    async collect() {
      this.set(
        await withTimeout(rt.redis.ping(), 2000, 'Redis PING').then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  new Gauge({
    name: 'chiso766_queue_jobs',
    help: 'Jobs per queue and state (waiting includes prioritized; delayed = waiting for a retry or a re-check)',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      try {
        const counts = await withTimeout(
          Promise.all(
            QUEUE_NAMES.map((q) => rt.queues[q].getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed')),
          ),
          2000,
          'queue depth',
        );
        QUEUE_NAMES.forEach((q, i) => {
          const c = counts[i]!;
          this.set({ queue: q, state: 'waiting' }, (c.waiting ?? 0) + (c.prioritized ?? 0));
          for (const state of ['active', 'delayed', 'failed'] as const) this.set({ queue: q, state }, c[state] ?? 0);
        });
      } catch {
        // Redis away: no depth to report (chiso766_redis_up says why).
      }
    },
  });
}
