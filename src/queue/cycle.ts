/**
 * A cycle = one (source, provinces, period, ISO week). Exactly one per week: a UNIQUE row in the
 * cycles table decides who creates it, and the BullMQ flow has deterministic job ids
 * (`cycle-dvcqg-H19-year2026-2026W47-a1-fetch-transparency.H19`), so a cron tick, a manual
 * run-once and three workers starting at once all end up with the same single cycle.
 *
 * The flow: one `fetch` child per portal request → `ingest` → `evaluate` → `notify` (root).
 * `notify` queues one `send` job per outbox row.
 */
import type { FlowJob, JobsOptions } from 'bullmq';
import { sql } from 'kysely';
import type { Cycle } from '../db/types.ts';
import { PROVINCE_CODES } from '../domain/provinces.ts';
import { currentPeriod, isoWeekKey, parsePeriodKey, periodKey, periodSlug, type Period } from '../domain/periods.ts';
import { captureRequests, type RequestSpec } from '../portal/dvcqg/endpoints.ts';
import { SOURCE } from '../portal/dvcqg/parse.ts';
import { createCapture } from '../snapshots/capture.ts';
import { fetchJobId, safeJobId, stageJobId } from './names.ts';
import type { Runtime } from './runtime.ts';

export interface CycleJobData {
  cycleId: number;
  cycleKey: string;
  captureId: number;
  attempt: number;
}

export interface FetchJobData extends CycleJobData {
  source: string;
  spec: RequestSpec;
}

export interface SendJobData {
  outboxId: number;
  cycleId: number | null;
}

const DAY = 86_400;

/** `H19`, `all` for the 34, or `H01_H19` for a list. */
export function provincesLabel(provinces: readonly string[]): string {
  if (provinces.length === PROVINCE_CODES.length && PROVINCE_CODES.every((p) => provinces.includes(p))) return 'all';
  return [...provinces].sort().join('_');
}

export function cycleKey(source: string, provinces: readonly string[], period: Period, week: string): string {
  return safeJobId('cycle', source, provincesLabel(provinces), periodSlug(period), week.replace('-', ''));
}

export function jobOptions(rt: Runtime, stage: 'fetch' | 'stage' | 'send'): JobsOptions {
  const { attempts, backoffMs, keepFailedDays } = rt.config.jobs;
  const keep = { removeOnComplete: { age: 30 * DAY, count: 10_000 }, removeOnFail: { age: keepFailedDays * DAY } };
  if (stage === 'fetch' || stage === 'send') return { attempts, backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 }, ...keep };
  // ingest / evaluate / notify touch only our database: a few quick retries.
  return { attempts: 3, backoff: { type: 'exponential', delay: Math.min(backoffMs, 5000), jitter: 0.5 }, ...keep };
}

/** The job ids of one capture attempt of a cycle (what run-once watches). */
export function flowJobIds(key: string, attempt: number, specs: readonly RequestSpec[]): { fetch: string[]; ingest: string; evaluate: string; notify: string } {
  return {
    fetch: specs.map((s) => fetchJobId(key, attempt, s.key)),
    ingest: stageJobId(key, attempt, 'ingest'),
    evaluate: stageJobId(key, attempt, 'evaluate'),
    notify: stageJobId(key, attempt, 'notify'),
  };
}

export function captureFlow(rt: Runtime, cycle: Pick<Cycle, 'id' | 'key'>, captureId: number, attempt: number, specs: readonly RequestSpec[], delayMs = 0): FlowJob {
  const data: CycleJobData = { cycleId: cycle.id, cycleKey: cycle.key, captureId, attempt };
  const ids = flowJobIds(cycle.key, attempt, specs);
  const stage = jobOptions(rt, 'stage');
  return {
    name: 'notify',
    queueName: 'notify',
    data,
    opts: { ...stage, jobId: ids.notify },
    children: [
      {
        name: 'evaluate',
        queueName: 'evaluate',
        data,
        opts: { ...stage, jobId: ids.evaluate },
        children: [
          {
            name: 'ingest',
            queueName: 'ingest',
            data,
            opts: { ...stage, jobId: ids.ingest },
            children: specs.map((spec, i) => ({
              name: 'fetch',
              queueName: 'fetch',
              data: { ...data, source: SOURCE, spec } satisfies FetchJobData,
              // lifo: false keeps request order; priority by position so the national summary goes first.
              opts: { ...jobOptions(rt, 'fetch'), jobId: ids.fetch[i], priority: i + 1, ...(delayMs > 0 ? { delay: delayMs } : {}) },
            })),
          },
        ],
      },
    ],
  };
}

export function cycleSpecs(cycle: Pick<Cycle, 'provinces' | 'period_key'>): RequestSpec[] {
  const period = parsePeriodKey(cycle.period_key);
  if (!period) throw new Error(`cycle has an unknown period ${cycle.period_key}`);
  return captureRequests(cycle.provinces.split(','), period);
}

export interface EnqueueResult {
  cycle: Cycle;
  /** This call created the cycle (and its flow); false = it existed already. */
  created: boolean;
}

/**
 * Enqueue this week's cycle unless it exists. With `forced` (resync), a new cycle for the week is
 * created even if one exists, keyed `…-r2`, `…-r3` and marked forced.
 */
export async function enqueueCycle(rt: Runtime, opts: { asOf: Date; forced?: boolean }): Promise<EnqueueResult> {
  const { config, db } = rt;
  const provinces = config.provinces;
  const tz = config.schedule.timezone;
  const period = currentPeriod(config.period, opts.asOf, tz);
  const week = isoWeekKey(opts.asOf, tz);
  let key = cycleKey(SOURCE, provinces, period, week);
  if (opts.forced) {
    const n = await db
      .selectFrom('cycles')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where((eb) => eb.or([eb('key', '=', key), eb('key', 'like', `${key}-r%`)]))
      .executeTakeFirstOrThrow();
    key = `${key}-r${Number(n.n) + 1}`;
  }
  const specs = captureRequests(provinces, period);
  const inserted = await db
    .insertInto('cycles')
    .values({ key, source: SOURCE, provinces: provinces.join(','), period_key: periodKey(period), week, as_of: opts.asOf, forced: opts.forced ?? false, state: 'running' })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    const captureId = await createCapture(db, { cycleId: inserted.id, source: SOURCE, period, provinces, capturedAt: opts.asOf, planned: specs.length });
    await rt.flow.add(captureFlow(rt, inserted, captureId, 1, specs));
    rt.log.info({ cycle: key, requests: specs.length }, `cycle ${key} created: ${specs.length} portal requests queued`);
    return { cycle: inserted, created: true };
  }
  const existing = await db.selectFrom('cycles').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
  await recoverLostFlow(rt, existing, specs);
  return { cycle: existing, created: false };
}

/**
 * A process that inserted the cycle row and died before adding its flow leaves a cycle with no
 * jobs. Whoever meets such a cycle (running, older than a minute, no root job) adds the flow again;
 * the deterministic ids make a double add harmless.
 */
async function recoverLostFlow(rt: Runtime, cycle: Cycle, specs: RequestSpec[]): Promise<void> {
  if (cycle.state !== 'running') return;
  if (Date.now() - cycle.created_at.getTime() < 60_000) return;
  const ids = flowJobIds(cycle.key, 1, specs);
  if (await rt.queues.notify.getJob(ids.notify)) return;
  const capture = await rt.db.selectFrom('captures').select('id').where('cycle_id', '=', cycle.id).where('attempt', '=', 1).executeTakeFirst();
  const period = parsePeriodKey(cycle.period_key)!;
  const captureId = capture?.id ?? (await createCapture(rt.db, { cycleId: cycle.id, source: cycle.source, period, provinces: cycle.provinces.split(','), capturedAt: cycle.as_of, planned: specs.length }));
  rt.log.warn({ cycle: cycle.key }, `cycle ${cycle.key} had no jobs (a process stopped while creating it): queueing its flow again`);
  await rt.flow.add(captureFlow(rt, cycle, captureId, 1, specs));
}

/** A re-check of the same cycle later (freshness gate): a new capture attempt and a delayed flow. */
export async function scheduleRecheck(rt: Runtime, cycle: Cycle, attempt: number, delayMs: number): Promise<{ captureId: number; at: Date }> {
  const specs = cycleSpecs(cycle);
  const period = parsePeriodKey(cycle.period_key)!;
  const at = new Date(rt.now().getTime() + delayMs);
  const captureId = await createCapture(rt.db, { cycleId: cycle.id, source: cycle.source, period, provinces: cycle.provinces.split(','), capturedAt: at, attempt, planned: specs.length });
  await rt.flow.add(captureFlow(rt, cycle, captureId, attempt, specs, delayMs));
  return { captureId, at };
}

export async function setCycleState(rt: Runtime, cycleId: number, state: string, summaryPatch: Record<string, unknown> = {}): Promise<void> {
  await rt.db
    .updateTable('cycles')
    .set({
      state,
      finished_at: state === 'running' ? null : rt.now(),
      summary: sql`coalesce(summary, '{}'::jsonb) || ${JSON.stringify(summaryPatch)}::jsonb`,
    })
    .where('id', '=', cycleId)
    .execute();
}
