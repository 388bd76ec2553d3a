/**
 * The BullMQ flow of one capture attempt of a cycle: one `fetch` child per request of every source
 * → one `ingest` per (source, scope) → one `evaluate` per scope of the national portal (the
 * national ranking, each province) → `notify` (root: freshness gate, digests), with deterministic
 * job ids (`<cycle key>-i<database id>-a1-fetch-transparency.H19`) so adding it twice is harmless.
 * Ingest and evaluate jobs of different provinces run in parallel on as many workers as there are.
 */
import type { FlowJob, JobsOptions } from 'bullmq';

/** The job type processors receive (jobs/ import it from here: only this folder names bullmq). */
export type { Job } from 'bullmq';
import { CYCLE_SOURCE, type CyclePlan } from '../cycle/plan.ts';
import type { Cycle } from '../db/types.ts';
import type { SourceRequest } from '../sources/source.ts';
import { MAIL_BACKOFF } from './mail-retry.ts';
import { cycleJobStem, fetchJobId, safeJobId, stageJobId } from './names.ts';
import type { Runtime } from './runtime.ts';

export interface CycleJobData {
  cycleId: number;
  cycleKey: string;
  /** The capture of the national portal in this attempt (freshness, evaluation). */
  captureId: number;
  attempt: number;
}

/** A fetch job: one request of one source (`captureId` is that source's capture). */
export interface FetchJobData extends CycleJobData {
  source: string;
  request: SourceRequest;
}

/** An ingest job: one scope of one source's capture. */
export interface IngestJobData extends CycleJobData {
  source: string;
  scope: string;
}

/** An evaluate job: the national ranking (`national`) or one province. */
export interface EvaluateJobData extends CycleJobData {
  scope: string;
}

export interface SendJobData {
  outboxId: number;
  cycleId: number | null;
  /** When this e-mail first failed temporarily (ms): retries stop mail.retryForMinutes later. */
  firstFailureAt?: number;
}

const DAY = 86_400;

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

interface IngestGroup {
  source: string;
  scope: string;
  /** Positions of its requests in the plan. */
  indexes: number[];
}

/** The (source, scope) groups of a plan's requests, in request order. */
function ingestGroups(plan: CyclePlan): IngestGroup[] {
  const groups: IngestGroup[] = [];
  plan.requests.forEach((r, i) => {
    const g = groups.find((x) => x.source === r.source && x.scope === r.request.scope);
    if (g) g.indexes.push(i);
    else groups.push({ source: r.source, scope: r.request.scope, indexes: [i] });
  });
  return groups;
}

/** The evaluation scopes: the national portal's (the national ranking, then each province). */
function evaluateScopes(plan: CyclePlan): string[] {
  return [...new Set(plan.requests.filter((r) => r.source === CYCLE_SOURCE).map((r) => r.request.scope))];
}

/** The job ids of one capture attempt of a cycle (what run-once watches); `stem` from cycleJobStem. */
export function flowJobIds(
  stem: string,
  attempt: number,
  plan: CyclePlan,
): { fetch: string[]; ingest: string[]; evaluate: string[]; notify: string } {
  return {
    fetch: plan.requests.map((r) => fetchJobId(stem, attempt, r.request.key)),
    ingest: ingestGroups(plan).map((g) =>
      safeJobId(stageJobId(stem, attempt, 'ingest'), g.source === CYCLE_SOURCE ? g.scope : `${g.source}-${g.scope}`),
    ),
    evaluate: evaluateScopes(plan).map((scope) => safeJobId(stageJobId(stem, attempt, 'evaluate'), scope)),
    notify: stageJobId(stem, attempt, 'notify'),
  };
}

export function captureFlow(
  rt: Runtime,
  cycle: Pick<Cycle, 'id' | 'key'>,
  captures: Readonly<Record<string, number>>,
  attempt: number,
  plan: CyclePlan,
  delayMs = 0,
): FlowJob {
  const data: CycleJobData = { cycleId: cycle.id, cycleKey: cycle.key, captureId: captures[CYCLE_SOURCE]!, attempt };
  const ids = flowJobIds(cycleJobStem(cycle.key, rt.instance), attempt, plan);
  const stage = jobOptions(rt, 'stage');
  const groups = ingestGroups(plan);
  const ingest = (g: IngestGroup): FlowJob => ({
    name: 'ingest',
    queueName: 'ingest',
    data: { ...data, captureId: captures[g.source]!, source: g.source, scope: g.scope } satisfies IngestJobData,
    opts: { ...stage, jobId: ids.ingest[groups.indexOf(g)] },
    children: g.indexes.map((i) => ({
      name: 'fetch',
      queueName: 'fetch',
      data: {
        ...data,
        captureId: captures[g.source]!,
        source: g.source,
        request: plan.requests[i]!.request,
      } satisfies FetchJobData,
      // Priority by position: the national summary first, then province after province.
      opts: {
        ...jobOptions(rt, 'fetch'),
        jobId: ids.fetch[i],
        priority: i + 1,
        ...(delayMs > 0 ? { delay: delayMs } : {}),
      },
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
