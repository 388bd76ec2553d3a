/** Job metrics for /metrics (prom-client), fed by the workers' events. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'chiso766_process_' });

export const jobsCompleted = new Counter({ name: 'chiso766_jobs_completed_total', help: 'Jobs completed, by queue', labelNames: ['queue'], registers: [registry] });
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
