/**
 * Putting a cycle on the queues: this week's cycle unless it exists (the cycles table decides), a
 * forced re-capture of a past week (resync), a re-check later (freshness gate), and the recovery of
 * a cycle whose creator died before adding its flow.
 */
import { cyclePlan, cycleIdentity, CYCLE_SOURCE, requestsOf, sourcesOf, type CyclePlan } from '../cycle/plan.ts';
import { createCapture, cycleByKey, forcedKey, insertCycle } from '../cycle/store.ts';
import type { Cycle } from '../db/types.ts';
import { parsePeriodKey } from '../domain/periods.ts';
import { captureFlow, flowJobIds } from './flow.ts';
import { cycleJobStem } from './names.ts';
import type { Runtime } from './runtime.ts';

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
  const { db, config } = rt;
  const id = cycleIdentity(config, opts.asOf);
  const key = opts.forced ? await forcedKey(db, id.key) : id.key;
  const inserted = await insertCycle(db, {
    key,
    source: CYCLE_SOURCE,
    provinces: config.provinces,
    period: id.period,
    week: id.week,
    asOf: opts.asOf,
    forced: opts.forced ?? false,
  });
  if (inserted) {
    const plan = cyclePlan(inserted, config);
    await rt.flow.add(
      captureFlow(rt, inserted, await createCycleCaptures(rt, inserted, plan, 1, inserted.as_of), 1, plan),
    );
    rt.log.info(
      { cycle: key, requests: plan.requests.length },
      `cycle ${key} created: ${plan.requests.length} portal requests queued`,
    );
    return { cycle: inserted, created: true };
  }
  const existing = await cycleByKey(db, key);
  await recoverLostFlow(rt, existing);
  return { cycle: existing, created: false };
}

/** The captures of one attempt of a cycle, one per source of its plan (idempotent). */
async function createCycleCaptures(
  rt: Runtime,
  cycle: Cycle,
  plan: CyclePlan,
  attempt: number,
  capturedAt: Date,
): Promise<Record<string, number>> {
  const period = parsePeriodKey(cycle.period_key)!;
  const provinces = cycle.provinces.split(',');
  const out: Record<string, number> = {};
  for (const source of sourcesOf(plan)) {
    out[source] = await createCapture(rt.db, {
      cycleId: cycle.id,
      source,
      period,
      provinces,
      capturedAt,
      attempt,
      planned: requestsOf(plan, source).length,
    });
  }
  return out;
}

/**
 * A process that inserted the cycle row and died before adding its flow leaves a cycle with no
 * jobs. Whoever meets such a cycle (running, older than a minute, no root job) adds the flow again;
 * the deterministic ids make a double add harmless.
 */
async function recoverLostFlow(rt: Runtime, cycle: Cycle): Promise<void> {
  if (cycle.state !== 'running') return;
  if (Date.now() - cycle.created_at.getTime() < 60_000) return;
  const plan = cyclePlan(cycle, rt.config);
  const ids = flowJobIds(cycleJobStem(cycle.key, rt.instance), 1, plan);
  if (await rt.queues.notify.getJob(ids.notify)) return;
  rt.log.warn(
    { cycle: cycle.key },
    `cycle ${cycle.key} had no jobs (a process stopped while creating it): queueing its flow again`,
  );
  await rt.flow.add(captureFlow(rt, cycle, await createCycleCaptures(rt, cycle, plan, 1, cycle.as_of), 1, plan));
}

/** A re-check of the same cycle later (freshness gate): a new capture attempt and a delayed flow. */
export async function scheduleRecheck(
  rt: Runtime,
  cycle: Cycle,
  attempt: number,
  delayMs: number,
): Promise<{ at: Date }> {
  const plan = cyclePlan(cycle, rt.config, attempt);
  const at = new Date(rt.now().getTime() + delayMs);
  await rt.flow.add(
    captureFlow(rt, cycle, await createCycleCaptures(rt, cycle, plan, attempt, at), attempt, plan, delayMs),
  );
  return { at };
}
