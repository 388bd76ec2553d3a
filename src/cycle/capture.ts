/**
 * A capture outside BullMQ: `capture` ("try the portal") and `backfill` fetch a whole capture now,
 * request after request, through THE fetch skeleton (`snapshots/fetch.ts`) with the workers' retry
 * policy and, when Redis is there, the workers' global politeness (the caller's `http`). Each scope
 * (the national ranking, each province) is ingested as soon as all its requests are in, so parsing
 * and storing overlap with the polite, sequential fetching. Blocked or drift stops the run at once
 * (no further request to the portal). Scopes fully fetched before a failure are stored; the capture
 * is marked failed.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { periodKey, type Period } from '../domain/periods.ts';
import type { Logger } from '../log.ts';
import { backoffDelay, fetchRequest, retryPolicy, type FetchResult } from '../snapshots/fetch.ts';
import { ingestCapture, type IngestReport } from '../snapshots/ingest.ts';
import { sleep, type PortalHttp } from '../sources/http.ts';
import { sourceOf } from '../sources/index.ts';
import { createCapture, markCaptureFailed, settleCapture } from './store.ts';

export interface CaptureRunOptions {
  db: Kysely<DB>;
  /** The portal client (with the shared politeness when Redis is reachable). */
  http: PortalHttp;
  config: Config;
  log: Logger;
}

export interface CaptureReport {
  captureId: number;
  source: string;
  period: string;
  capturedAt: string;
  requests: number;
  results: (FetchResult & { attempts: number })[];
  /** The first result that stopped the run (blocked, drift, or retryable after all attempts). */
  failure: (FetchResult & { attempts: number }) | null;
  ingest: IngestReport | null;
}

export async function runCapture(
  opts: CaptureRunOptions,
  c: {
    source?: string;
    period: Period;
    provinces: readonly string[];
    capturedAt: Date;
    cycleId?: number | null;
    ingestConcurrency?: number;
  },
): Promise<CaptureReport> {
  const source = sourceOf(c.source ?? 'dvcqg');
  const { attempts, backoffMs } = opts.config.jobs;
  const requests = source.requests({ provinces: c.provinces, period: c.period, config: opts.config });
  const captureId = await createCapture(opts.db, {
    cycleId: c.cycleId ?? null,
    source: source.name,
    period: c.period,
    provinces: c.provinces,
    capturedAt: c.capturedAt,
    planned: requests.length,
  });
  const fetchCtx = {
    db: opts.db,
    source,
    transport: source.transport?.(opts.http, opts.config) ?? opts.http,
    config: opts.config,
  };
  const results: CaptureReport['results'] = [];
  let failure: CaptureReport['failure'] = null;
  const left = new Map<string, number>();
  for (const r of requests) left.set(r.scope, (left.get(r.scope) ?? 0) + 1);
  // The bodies just fetched: the ingest parses them from memory instead of reading them back.
  const bodies = new Map<string, Buffer>();
  const ingests = new IngestQueue(opts.db, opts.config, captureId, c.ingestConcurrency ?? 2, bodies);
  const archives = new Map<string, Promise<unknown>[]>();
  for (const [i, req] of requests.entries()) {
    let result: FetchResult;
    let attempt = 0;
    for (;;) {
      attempt++;
      result = await fetchRequest(fetchCtx, captureId, req, attempt);
      if (retryPolicy(result.outcome, attempt, attempts) !== 'retry') break;
      const wait = backoffDelay(backoffMs, attempt);
      opts.log.warn(
        { request: req.key, attempt, waitMs: wait },
        `${result.detail}; retrying in ${Math.round(wait / 1000)} s (attempt ${attempt + 1} of ${attempts})`,
      );
      await sleep(wait);
    }
    results.push({ ...result, attempts: attempt });
    opts.log.info(
      { request: req.key, outcome: result.outcome, pages: result.pages },
      `[${i + 1}/${requests.length}] ${req.key}: ${result.outcome}`,
    );
    if (result.outcome !== 'ok') {
      failure = { ...result, attempts: attempt };
      break;
    }
    const remaining = left.get(req.scope)! - 1;
    left.set(req.scope, remaining);
    archives.set(req.scope, [...(archives.get(req.scope) ?? []), result.archived ?? Promise.resolve()]);
    for (const [k, b] of result.bodies ?? []) bodies.set(k, b);
    if (remaining === 0) ingests.add(req.scope, Promise.all(archives.get(req.scope)!));
  }
  await Promise.all([...archives.values()].flat());
  const ingest = await ingests.done();
  if (ingest.snapshots.length) await settleCapture(opts.db, captureId);
  if (failure) await markCaptureFailed(opts.db, captureId);
  return {
    captureId,
    source: source.name,
    period: periodKey(c.period),
    capturedAt: c.capturedAt.toISOString(),
    requests: requests.length,
    results,
    failure,
    ingest: ingest.snapshots.length || !failure ? ingest : null,
  };
}

/** Ingest scopes of a capture in the background, a few at a time; `done()` merges the reports. */
class IngestQueue {
  private readonly pending: { scope: string; ready: Promise<unknown> }[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly reports: IngestReport[] = [];
  private error: unknown = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly config: Config,
    private readonly captureId: number,
    private readonly concurrency: number,
    private readonly bodies: ReadonlyMap<string, Buffer>,
  ) {}

  /** Ingest `scope` once `ready` (its raw answers are archived) resolves. */
  add(scope: string, ready: Promise<unknown>): void {
    this.pending.push({ scope, ready });
    this.pump();
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.pending.length > 0) {
      const { scope, ready } = this.pending.shift()!;
      const p: Promise<void> = ready
        .then(() => ingestCapture(this.db, this.captureId, { scope, bodies: this.bodies, config: this.config }))
        .then((r) => void this.reports.push(r))
        .catch((e: unknown) => void (this.error ??= e))
        .finally(() => {
          this.running.delete(p);
          this.pump();
        });
      this.running.add(p);
    }
  }

  async done(): Promise<IngestReport> {
    while (this.running.size > 0) await Promise.all([...this.running]);
    if (this.error) throw this.error;
    const snapshots = this.reports
      .flatMap((r) => r.snapshots)
      .sort((a, b) => (a.scope === 'national' ? -1 : b.scope === 'national' ? 1 : a.scope.localeCompare(b.scope)));
    return {
      captureId: this.captureId,
      snapshots,
      observations: snapshots.reduce((n, s) => n + s.observations, 0),
      units: snapshots.reduce((n, s) => n + s.units, 0),
      unchanged: snapshots.length > 0 && snapshots.every((s) => s.unchanged),
      notes: snapshots.flatMap((s) => s.notes),
    };
  }
}
