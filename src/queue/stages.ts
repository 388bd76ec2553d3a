/**
 * What each job of the cycle does, called by the thin processors in jobs/. Every stage is safe to
 * run twice (BullMQ is at-least-once): raw payloads, snapshots, alerts and outbox rows are keyed.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { Cycle } from '../db/types.ts';
import { deadlineInWeek, parsePeriodKey, parseWeekKey } from '../domain/periods.ts';
import { fetchRequest, retryPolicy, type FetchResult } from '../snapshots/fetch.ts';
import { ingestCapture } from '../snapshots/ingest.ts';
import { sourceOf } from '../sources/index.ts';
import { decideFreshness } from '../cycle/freshness.ts';
import { CYCLE_SOURCE } from '../cycle/plan.ts';
import { captureOf, loadCycle, provinceSnapshotsOfCapture, setCycleState, settleCapture } from '../cycle/store.ts';
import { raiseAlert } from '../alerts/lifecycle.ts';
import { endMailOutage, MAIL_RULE, raiseMailOutage } from '../mail/outage.ts';
import { settleCycle } from '../cycle/store.ts';
import { raiseCaptureProblem, resolveCaptureProblems, staleFinding } from '../alerts/source.ts';
import { evaluateNational, evaluateProvince } from '../alerts/evaluate.ts';
import { queueDigests } from '../mail/notify.ts';
import { runDrilldown } from '../drilldown/run.ts';
import { markOutboxFailed, sendOutboxRow } from '../mail/send.ts';
import { scheduleRecheck } from './enqueue.ts';
import {
  jobOptions,
  type CycleJobData,
  type EvaluateJobData,
  type FetchJobData,
  type IngestJobData,
  type SendJobData,
} from './flow.ts';
import { sendJobId } from './names.ts';
import type { Runtime } from './runtime.ts';
import type { CycleRef, Finding } from '../domain/findings.ts';

/**
 * A portal or mail server answered badly: the attempt counts (backoff of its queue). Kept apart
 * from our own database or Redis going away, which never uses up attempts (workers.ts).
 */
export class AttemptFailed extends Error {
  override readonly name = 'AttemptFailed';
}

function cycleRef(rt: Runtime, cycle: Cycle): CycleRef {
  return { id: cycle.id, week: cycle.week, at: rt.now() };
}

/**
 * fetch: one request into the raw archive, through THE fetch skeleton. The retry policy is the one
 * `capture` uses too: retryable → throw (BullMQ retries with backoff); blocked/drift → stop now and
 * tell ops.
 */
export async function fetchStage(
  rt: Runtime,
  job: Job<FetchJobData>,
): Promise<Omit<FetchResult, 'archived' | 'bodies'>> {
  const { captureId, request, cycleId } = job.data;
  const attempt = job.attemptsMade + 1;
  const maxAttempts = job.opts.attempts ?? 1;
  const source = sourceOf(job.data.source);
  const result = await fetchRequest(
    { db: rt.db, source, transport: rt.transport(source), config: rt.config },
    captureId,
    request,
    attempt,
  );
  const decision = retryPolicy(result.outcome, attempt, maxAttempts);
  if (decision === 'done') {
    await result.archived;
    const { archived: _done, bodies: _bodies, ...summary } = result;
    return summary;
  }
  rt.log.warn(
    { job: job.id, request: request.key, outcome: result.outcome, attempt, maxAttempts },
    result.detail ?? result.outcome,
  );
  if (decision === 'retry') throw new AttemptFailed(`${result.detail} (attempt ${attempt} of ${maxAttempts})`);
  const cycle = await loadCycle(rt.db, cycleId);
  await raiseCaptureProblem(rt.db, cycleRef(rt, cycle), {
    outcome: result.outcome as 'blocked' | 'drift' | 'retryable',
    scope: request.scope,
    endpoint: request.endpoint,
    requestKey: request.key,
    detail: result.detail,
    periodKey: cycle.period_key,
    url: source.page(request, 1, rt.config).request.url,
    status: result.status,
    attempts: attempt,
  });
  if (decision === 'give-up') throw new AttemptFailed(`${result.detail} — gave up after ${attempt} attempts`);
  throw new UnrecoverableError(
    `${result.outcome}: ${result.detail} — not retried automatically; fix the cause, then \`chiso766 jobs retry\``,
  );
}

/** ingest: one scope of a capture → its snapshot (scopes of a national cycle ingest in parallel). */
export async function ingestStage(rt: Runtime, job: Job<IngestJobData>) {
  const report = await ingestCapture(rt.db, job.data.captureId, { scope: job.data.scope, config: rt.config });
  await settleCapture(rt.db, job.data.captureId);
  if (job.data.source === CYCLE_SOURCE)
    await resolveCaptureProblems(rt.db, cycleRef(rt, await loadCycle(rt.db, job.data.cycleId)), [job.data.scope]);
  return {
    scope: job.data.scope,
    snapshots: report.snapshots.length,
    unchanged: report.snapshots.filter((s) => s.unchanged).length,
    observations: report.observations,
    notes: report.notes.length,
  };
}

/** evaluate: the national ranking, or one province's rules (skipped when its figures are stale). */
export async function evaluateStage(rt: Runtime, job: Job<EvaluateJobData>) {
  const cycle = await loadCycle(rt.db, job.data.cycleId);
  const c = { cycle: cycleRef(rt, cycle), captureId: job.data.captureId, period: parsePeriodKey(cycle.period_key)! };
  const result =
    job.data.scope === 'national'
      ? await evaluateNational(rt.db, rt.config, c)
      : await evaluateProvince(rt.db, rt.config, { ...c, province: job.data.scope });
  return { scope: job.data.scope, evaluated: result.provinces.length > 0, ...result };
}

/**
 * Freshness gate, in the cycle's root job (the decision is cycle/freshness.ts): when the portal did
 * not recalculate, look again later until the week's deadline, then alert ops. Units are never
 * evaluated on stale data (see evaluateProvince).
 */
async function freshnessGate(
  rt: Runtime,
  cycle: Cycle,
  captureId: number,
  attempt: number,
): Promise<{ state: 'fresh' | 'rechecking' | 'stale'; recheckAt?: string }> {
  const provinceSnaps = await provinceSnapshotsOfCapture(rt.db, captureId);
  const wk = parseWeekKey(cycle.week)!;
  const deadline = deadlineInWeek(rt.config.jobs.freshness.deadline, wk.year, wk.week, rt.config.schedule.timezone);
  const decision = decideFreshness(provinceSnaps, {
    now: rt.now(),
    deadline,
    recheckEveryMs: rt.config.jobs.freshness.recheckEveryMinutes * 60_000,
  });
  if (decision.state === 'fresh') return { state: 'fresh' };
  if (decision.state === 'recheck') {
    const next = await scheduleRecheck(rt, cycle, attempt + 1, decision.at.getTime() - rt.now().getTime());
    await setCycleState(rt.db, rt.now(), cycle.id, 'rechecking', {
      recheck: { attempt: attempt + 1, at: next.at.toISOString(), deadline: deadline.toISOString() },
    });
    rt.log.info(
      { cycle: cycle.key, at: next.at, deadline },
      `portal has not recalculated yet: re-check at ${next.at.toISOString()} (deadline ${deadline.toISOString()})`,
    );
    return { state: 'rechecking', recheckAt: next.at.toISOString() };
  }
  const capture = (await captureOf(rt.db, captureId))!;
  const base = await rt.db
    .selectFrom('snapshots')
    .select('captured_at')
    .where('id', '=', provinceSnaps[0]!.same_as_snapshot_id ?? -1)
    .executeTakeFirst();
  for (const s of provinceSnaps) {
    await raiseAlert(
      rt.db,
      cycleRef(rt, cycle),
      staleFinding({
        scope: s.scope,
        periodKey: cycle.period_key,
        since: base?.captured_at ?? null,
        deadline,
        capturedAt: capture.captured_at,
      }),
    );
  }
  await setCycleState(rt.db, rt.now(), cycle.id, 'stale', { stale: { deadline: deadline.toISOString() } });
  return { state: 'stale' };
}

/** notify: digests → outbox (one row per recipient), then one send job per row. */
export async function notifyStage(rt: Runtime, job: Job<CycleJobData>) {
  let cycle = await loadCycle(rt.db, job.data.cycleId);
  const gate = await freshnessGate(rt, cycle, job.data.captureId, job.data.attempt);
  cycle = await loadCycle(rt.db, job.data.cycleId);
  // The procedures and dossiers behind this week's new alerts, before the digests that name them.
  if (gate.state === 'fresh')
    await runDrilldown(
      rt.db,
      rt.config,
      {
        dvcqg: rt.transport(sourceOf('dvcqg')),
        igate: rt.config.provincial?.vendor === 'igate' ? rt.transport(sourceOf('provincial')) : null,
      },
      { cycle, captureId: job.data.captureId, now: rt.now(), log: rt.log },
    );
  const outboxIds = await queueDigests(rt.db, rt.config, {
    cycleId: cycle.id,
    captureId: job.data.captureId,
    now: rt.now(),
  });
  for (const id of outboxIds) await queueSend(rt, id, cycle.id);
  if (
    gate.state === 'fresh' &&
    (cycle.state === 'running' || cycle.state === 'failed' || cycle.state === 'rechecking')
  ) {
    // Complete once every e-mail it owes is sent (settleCycle, again after each send).
    await setCycleState(rt.db, rt.now(), cycle.id, 'running', { notified: true });
    await settleCycle(rt.db, rt.now(), cycle.id);
  }
  return { freshness: gate.state, recheckAt: gate.recheckAt ?? null, queued: outboxIds.length };
}

async function queueSend(rt: Runtime, outboxId: number, cycleId: number | null): Promise<void> {
  await rt.queues.send.add('send', { outboxId, cycleId } satisfies SendJobData, {
    ...jobOptions(rt, 'send'),
    jobId: sendJobId(rt.instance, outboxId),
  });
}

function ops(rt: Runtime, cycle: Cycle | null): CycleRef {
  return { id: cycle?.id ?? 0, week: cycle?.week ?? '', at: rt.now() };
}

/**
 * send: one outbox row. Temporary failures retry (backoff in mail-retry.ts) for
 * mail.retryForMinutes from the first failure, with the `mail.failed` ops alert open meanwhile; a
 * permanent refusal (5xx) stops at once and tells ops.
 */
export async function sendStage(rt: Runtime, job: Job<SendJobData>) {
  const attempt = job.attemptsMade + 1;
  const r = await sendOutboxRow(rt.db, rt.config, job.data.outboxId, { attempt, log: rt.log });
  const cycle = job.data.cycleId ? await loadCycle(rt.db, job.data.cycleId) : null;
  if (r.outcome === 'sent' || r.outcome === 'already-sent') {
    const note = await endMailOutage(rt.db, rt.config, ops(rt, cycle));
    if (note !== null) {
      rt.log.info({ outbox: note }, 'mail flows again: the outage alert is resolved and ops get a note of it');
      await queueSend(rt, note, null);
    }
    if (cycle) await settleCycle(rt.db, rt.now(), cycle.id);
    return r;
  }
  if (r.outcome === 'temporary') {
    const firstFailureAt = job.data.firstFailureAt ?? Date.now();
    if (job.data.firstFailureAt === undefined) await job.updateData({ ...job.data, firstFailureAt });
    const windowMs = rt.config.mail.retryForMinutes * 60_000;
    if (Date.now() - firstFailureAt < windowMs) {
      await raiseMailOutage(rt.db, ops(rt, cycle), r.response ?? 'lỗi tạm thời', rt.config.mail.retryForMinutes);
      throw new AttemptFailed(
        `SMTP temporary failure: ${r.response} (attempt ${attempt}); retrying for up to ${rt.config.mail.retryForMinutes} min`,
      );
    }
    await markOutboxFailed(rt.db, job.data.outboxId, r.response);
    await raiseAlert(
      rt.db,
      ops(rt, cycle),
      mailGaveUpFinding(
        job.data.outboxId,
        r.response,
        `đã thử lại trong ${rt.config.mail.retryForMinutes} phút nhưng máy chủ thư vẫn không nhận`,
      ),
    );
    throw new UnrecoverableError(
      `SMTP kept failing for ${rt.config.mail.retryForMinutes} min: ${r.response} — gave up after ${attempt} attempts`,
    );
  }
  await raiseAlert(
    rt.db,
    ops(rt, cycle),
    mailGaveUpFinding(job.data.outboxId, r.response, 'máy chủ thư từ chối vĩnh viễn'),
  );
  throw new UnrecoverableError(`SMTP refused the message permanently: ${r.response}`);
}

function mailGaveUpFinding(outboxId: number, response: string | null, why: string): Finding {
  return {
    rule: MAIL_RULE,
    kind: 'source',
    unitCode: null,
    metric: `outbox ${outboxId}`,
    periodKey: null,
    week: null,
    severity: 'critical',
    value: null,
    previous: null,
    threshold: null,
    message: `Thư số ${outboxId} chưa gửi được: ${why} (${response ?? 'không rõ lỗi'}). Đề nghị kiểm tra địa chỉ người nhận và máy chủ thư, rồi gửi lại thư số ${outboxId}.`,
    evidence: { outboxId, response },
  };
}
