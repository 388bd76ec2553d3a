/**
 * A cycle = one (source, provinces, period, ISO week). Exactly one per week: a UNIQUE row in the
 * cycles table decides who creates it, and the BullMQ flow has deterministic job ids
 * (`cycle-dvcqg-H19-year2026-2026W47-a1-fetch-transparency.H19`), so a cron tick, a manual
 * run-once and three workers starting at once all end up with the same single cycle.
 *
 * The flow: one `fetch` child per portal request → one `ingest` per scope (the national ranking,
 * each province, each province's provincial portal) → one `evaluate` per scope (the national
 * ranking, each province) → `notify` (root: freshness gate, digests). Ingest and evaluate jobs of
 * different provinces run in parallel on as many workers as there are.
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
import type { Config } from '../config/load.ts';
import { PROVINCIAL_SOURCE, provincialRequests, type ProvincialSpec } from '../portal/provincial/index.ts';
import { cycleJobStem, fetchJobId, safeJobId, stageJobId } from './names.ts';
import { MAIL_BACKOFF } from './mail-retry.ts';
import type { Runtime } from './runtime.ts';

export interface CycleJobData {
  cycleId: number;
  cycleKey: string;
  captureId: number;
  attempt: number;
}

/** An ingest job: one scope of one capture (`captureId` is that source's capture). */
export interface IngestJobData extends CycleJobData {
  source: 'dvcqg' | 'provincial';
  scope: string;
}

/** An evaluate job: the national ranking (`national`) or one province. */
export interface EvaluateJobData extends CycleJobData {
  scope: string;
}

export type FetchJobData = CycleJobData & ({ source: 'dvcqg'; spec: RequestSpec } | { source: 'provincial'; spec: ProvincialSpec });

/** What one capture attempt of a cycle asks: the national portal, and the provincial one on attempt 1. */
export interface CyclePlan {
  dvcqg: RequestSpec[];
  provincial: ProvincialSpec[];
}

export interface SendJobData {
  outboxId: number;
  cycleId: number | null;
  /** When this e-mail first failed temporarily (ms): retries stop mail.retryForMinutes later. */
  firstFailureAt?: number;
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
  if (stage === 'fetch') return { attempts, backoff: { type: 'exponential', delay: backoffMs, jitter: 0.5 }, ...keep };
  // Send jobs retry while the mail server is away; the send stage gives up after mail.retryForMinutes.
  if (stage === 'send') return { attempts: 100_000, backoff: { type: MAIL_BACKOFF }, ...keep };
  // ingest / evaluate / notify touch only our database: quick retries that outlast a database
  // restart (1, 2, 4, 8, 16 s ≈ half a minute in all).
  return { attempts: 6, backoff: { type: 'exponential', delay: Math.min(backoffMs, 1000), jitter: 0.5 }, ...keep };
}

/** The job ids of one capture attempt of a cycle (what run-once watches); `stem` from cycleJobStem. */
export function flowJobIds(key: string, attempt: number, plan: CyclePlan): { fetch: string[]; ingest: string[]; evaluate: string[]; notify: string } {
  return {
    fetch: [...plan.dvcqg, ...plan.provincial].map((s) => fetchJobId(key, attempt, s.key)),
    ingest: ingestGroups(plan).map((g) => safeJobId(stageJobId(key, attempt, 'ingest'), g.source === 'provincial' ? `provincial-${g.scope}` : g.scope)),
    evaluate: evaluateScopes(plan).map((scope) => safeJobId(stageJobId(key, attempt, 'evaluate'), scope)),
    notify: stageJobId(key, attempt, 'notify'),
  };
}

/** The evaluation scopes: the national ranking, then each province. */
function evaluateScopes(plan: CyclePlan): string[] {
  return [...new Set(plan.dvcqg.map((s) => s.scope))];
}

/** The scopes a plan's requests fall into, in request order. */
function ingestGroups(plan: CyclePlan): { source: 'dvcqg' | 'provincial'; scope: string; indexes: number[] }[] {
  const groups: { source: 'dvcqg' | 'provincial'; scope: string; indexes: number[] }[] = [];
  const all = [...plan.dvcqg.map((s) => ({ source: 'dvcqg' as const, scope: s.scope })), ...plan.provincial.map((s) => ({ source: 'provincial' as const, scope: s.scope }))];
  all.forEach((r, i) => {
    const g = groups.find((x) => x.source === r.source && x.scope === r.scope);
    if (g) g.indexes.push(i);
    else groups.push({ ...r, indexes: [i] });
  });
  return groups;
}

export function captureFlow(rt: Runtime, cycle: Pick<Cycle, 'id' | 'key'>, captureId: number, attempt: number, plan: CyclePlan, delayMs = 0, provincialCaptureId: number | null = null): FlowJob {
  const data: CycleJobData = { cycleId: cycle.id, cycleKey: cycle.key, captureId, attempt };
  const ids = flowJobIds(cycleJobStem(cycle.key, rt.instance), attempt, plan);
  const stage = jobOptions(rt, 'stage');
  const fetches: FetchJobData[] = [
    ...plan.dvcqg.map((spec) => ({ ...data, source: 'dvcqg' as const, spec })),
    ...plan.provincial.map((spec) => ({ ...data, captureId: provincialCaptureId!, source: 'provincial' as const, spec })),
  ];
  const groups = ingestGroups(plan);
  const ingest = (g: (typeof groups)[number]): FlowJob => ({
    name: 'ingest',
    queueName: 'ingest',
    data: { ...data, captureId: g.source === 'provincial' ? provincialCaptureId! : captureId, source: g.source, scope: g.scope } satisfies IngestJobData,
    opts: { ...stage, jobId: ids.ingest[groups.indexOf(g)] },
    children: g.indexes.map((i) => ({
      name: 'fetch',
      queueName: 'fetch',
      data: fetches[i]!,
      // Priority by position: the national summary first, then province after province.
      opts: { ...jobOptions(rt, 'fetch'), jobId: ids.fetch[i], priority: i + 1, ...(delayMs > 0 ? { delay: delayMs } : {}) },
    })),
  });
  return {
    name: 'notify',
    queueName: 'notify',
    data,
    opts: { ...stage, jobId: ids.notify },
    children: evaluateScopes(plan).map((scope, ei) => ({
      name: 'evaluate',
      queueName: 'evaluate',
      data: { ...data, scope } satisfies EvaluateJobData,
      opts: { ...stage, jobId: ids.evaluate[ei] },
      // A province is evaluated once its national-portal and provincial-portal figures are in.
      children: groups.filter((g) => g.scope === scope).map(ingest),
    })),
  };
}

export function cyclePlan(cycle: Pick<Cycle, 'provinces' | 'period_key'>, config: Config, attempt = 1): CyclePlan {
  const period = parsePeriodKey(cycle.period_key);
  if (!period) throw new Error(`cycle has an unknown period ${cycle.period_key}`);
  const provinces = cycle.provinces.split(',');
  // The provincial portal is asked once per cycle (its figures are not what the freshness gate waits for).
  const provincial = config.provincial && attempt === 1 ? provinces.flatMap((p) => provincialRequests(config.provincial!, p, period)) : [];
  return { dvcqg: captureRequests(provinces, period), provincial };
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
  const plan = cyclePlan({ provinces: provinces.join(','), period_key: periodKey(period) }, config);
  const inserted = await db
    .insertInto('cycles')
    .values({ key, source: SOURCE, provinces: provinces.join(','), period_key: periodKey(period), week, as_of: opts.asOf, forced: opts.forced ?? false, state: 'running' })
    .onConflict((oc) => oc.column('key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) {
    const { captureId, provincialCaptureId } = await createCycleCaptures(rt, inserted, plan);
    await rt.flow.add(captureFlow(rt, inserted, captureId, 1, plan, 0, provincialCaptureId));
    const n = plan.dvcqg.length + plan.provincial.length;
    rt.log.info({ cycle: key, requests: n }, `cycle ${key} created: ${n} portal requests queued`);
    return { cycle: inserted, created: true };
  }
  const existing = await db.selectFrom('cycles').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
  await recoverLostFlow(rt, existing, plan);
  return { cycle: existing, created: false };
}

/**
 * A process that inserted the cycle row and died before adding its flow leaves a cycle with no
 * jobs. Whoever meets such a cycle (running, older than a minute, no root job) adds the flow again;
 * the deterministic ids make a double add harmless.
 */
/** The captures of a cycle's first attempt (idempotent: existing ones are returned). */
async function createCycleCaptures(rt: Runtime, cycle: Cycle, plan: CyclePlan): Promise<{ captureId: number; provincialCaptureId: number | null }> {
  const period = parsePeriodKey(cycle.period_key)!;
  const provinces = cycle.provinces.split(',');
  const captureId = await createCapture(rt.db, { cycleId: cycle.id, source: cycle.source, period, provinces, capturedAt: cycle.as_of, planned: plan.dvcqg.length });
  const provincialCaptureId = plan.provincial.length
    ? await createCapture(rt.db, { cycleId: cycle.id, source: PROVINCIAL_SOURCE, period, provinces, capturedAt: cycle.as_of, planned: plan.provincial.length })
    : null;
  return { captureId, provincialCaptureId };
}

async function recoverLostFlow(rt: Runtime, cycle: Cycle, plan: CyclePlan): Promise<void> {
  if (cycle.state !== 'running') return;
  if (Date.now() - cycle.created_at.getTime() < 60_000) return;
  const ids = flowJobIds(cycleJobStem(cycle.key, rt.instance), 1, plan);
  if (await rt.queues.notify.getJob(ids.notify)) return;
  const { captureId, provincialCaptureId } = await createCycleCaptures(rt, cycle, plan);
  rt.log.warn({ cycle: cycle.key }, `cycle ${cycle.key} had no jobs (a process stopped while creating it): queueing its flow again`);
  await rt.flow.add(captureFlow(rt, cycle, captureId, 1, plan, 0, provincialCaptureId));
}

/** A re-check of the same cycle later (freshness gate): a new capture attempt and a delayed flow. */
export async function scheduleRecheck(rt: Runtime, cycle: Cycle, attempt: number, delayMs: number): Promise<{ captureId: number; at: Date }> {
  const plan = cyclePlan(cycle, rt.config, attempt);
  const period = parsePeriodKey(cycle.period_key)!;
  const at = new Date(rt.now().getTime() + delayMs);
  const captureId = await createCapture(rt.db, { cycleId: cycle.id, source: cycle.source, period, provinces: cycle.provinces.split(','), capturedAt: at, attempt, planned: plan.dvcqg.length });
  await rt.flow.add(captureFlow(rt, cycle, captureId, attempt, plan, delayMs));
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
