/**
 * A capture: one pass over the portal at one moment for one period. Fetching a request archives
 * its raw answer first (every page), validates its shape, and tells the caller ok / retryable /
 * blocked / drift. Jobs call `fetchDvcqgRequest` once per request; the `capture` command runs
 * them all in a row with `runCapture`.
 */
import type { Kysely } from 'kysely';
import type { DB, Outcome } from '../db/types.ts';
import { periodKey, type Period } from '../domain/periods.ts';
import { captureRequests, endpointUrl, pageRequest, type RequestSpec } from '../portal/dvcqg/endpoints.ts';
import { LEGACY_PATH, LEGACY_SOURCE, legacyFormBody, legacyRequests, parseLegacy, type LegacyRequestSpec } from '../portal/dvcqg/legacy.ts';
import { SOURCE, totalPagesOf, validateResponse } from '../portal/dvcqg/parse.ts';
import { sleep, type PortalHttp } from '../portal/http.ts';
import { DriftError } from '../portal/types.ts';
import { ProvincialClient, validateProvincial, type ProvincialSpec } from '../portal/provincial/index.ts';
import type { ProvincialConfig } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { ingestCapture, type IngestReport } from './ingest.ts';
import { archiveResponse, pageOfKey, rawBody } from './raw.ts';

export interface FetchResult {
  requestKey: string;
  scope: string;
  endpoint: string;
  outcome: Outcome;
  detail: string | null;
  status: number | null;
  pages: number;
  /** Already stored by an earlier run of the same job: nothing was requested. */
  reused: boolean;
  /**
   * Accepted bodies are archived in the background while the next request goes out (the portal
   * sees the same sequential requests; only our database write overlaps). Await before parsing.
   */
  archived?: Promise<void>;
  /** The accepted bodies by request key (pages included): the in-process ingest parses these. */
  bodies?: Map<string, Buffer>;
}

/** Start archiving without waiting; the returned promise is awaited later (errors surface then). */
function background(p: Promise<unknown>): Promise<void> {
  const done = p.then(() => undefined);
  done.catch(() => undefined);
  return done;
}

export async function createCapture(
  db: Kysely<DB>,
  c: { cycleId: number | null; source: string; period: Period; provinces: readonly string[]; capturedAt: Date; attempt?: number; planned: number },
): Promise<number> {
  const values = {
    cycle_id: c.cycleId,
    source: c.source,
    period_key: periodKey(c.period),
    provinces: c.provinces.join(','),
    captured_at: c.capturedAt,
    attempt: c.attempt ?? 1,
    state: 'running',
    requests_planned: c.planned,
  };
  const inserted = await db
    .insertInto('captures')
    .values(values)
    .onConflict((oc) => oc.columns(['cycle_id', 'source', 'attempt']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return inserted.id;
  const existing = await db
    .selectFrom('captures')
    .select('id')
    .where('cycle_id', '=', c.cycleId!)
    .where('source', '=', c.source)
    .where('attempt', '=', c.attempt ?? 1)
    .executeTakeFirstOrThrow();
  return existing.id;
}

async function storedPages(db: Kysely<DB>, captureId: number, key: string): Promise<Map<number, Buffer>> {
  const rows = await db
    .selectFrom('raw_payloads')
    .select(['request_key', 'body', 'body_encoding'])
    .where('capture_id', '=', captureId)
    .where('outcome', '=', 'ok')
    .where((eb) => eb.or([eb('request_key', '=', key), eb('request_key', 'like', `${key}.p%`)]))
    .execute();
  return new Map(rows.map((r) => [pageOfKey(r.request_key), rawBody(r)]));
}

/**
 * Fetch one DVCQG request (all its pages) into the raw archive. Idempotent: pages already
 * accepted for this capture are not requested again.
 */
export async function fetchDvcqgRequest(
  db: Kysely<DB>,
  http: PortalHttp,
  baseUrl: string,
  captureId: number,
  spec: RequestSpec,
  attempt: number,
): Promise<FetchResult> {
  const url = endpointUrl(baseUrl, spec.endpoint);
  const stored = await storedPages(db, captureId, spec.key);
  let totalPages = 1;
  let fetched = 0;
  const archiving: Promise<void>[] = [];
  const bodies = new Map<string, Buffer>();
  for (let page = 1; page <= totalPages; page++) {
    const { key, body } = pageRequest(spec, page);
    const info = { requestKey: key, scope: spec.scope, endpoint: spec.endpoint };
    const have = stored.get(page);
    if (have) {
      totalPages = totalPagesOf(validateResponse(key, spec.endpoint, spec.scope, spec.rootDepartmentId, have));
      continue;
    }
    const res = await http.fetch({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    fetched++;
    if (res.outcome !== 'ok') {
      await archiveResponse(db, captureId, info, res, attempt);
      return { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, outcome: res.outcome, detail: res.detail, status: res.status, pages: page, reused: false };
    }
    try {
      totalPages = totalPagesOf(validateResponse(key, spec.endpoint, spec.scope, spec.rootDepartmentId, res.body, { normalize: false }));
    } catch (e) {
      if (!(e instanceof DriftError)) throw e;
      await archiveResponse(db, captureId, info, res, attempt, 'drift', e.message);
      return { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, outcome: 'drift', detail: e.message, status: res.status, pages: page, reused: false };
    }
    archiving.push(background(archiveResponse(db, captureId, info, res, attempt)));
    bodies.set(key, res.body);
  }
  return { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, outcome: 'ok', detail: null, status: 201, pages: totalPages, reused: fetched === 0, archived: Promise.all(archiving).then(() => undefined), bodies };
}

/** Fetch one legacy rest.jsp request into the raw archive (validated by its parser). */
export async function fetchLegacyRequest(
  db: Kysely<DB>,
  http: PortalHttp,
  baseUrl: string,
  captureId: number,
  spec: LegacyRequestSpec,
  attempt: number,
): Promise<FetchResult> {
  const stored = await storedPages(db, captureId, spec.key);
  const base = { requestKey: spec.key, scope: spec.scope, endpoint: 'rest.jsp', pages: 1 };
  if (stored.has(1)) return { ...base, outcome: 'ok', detail: null, status: 200, reused: true };
  const res = await http.fetch({
    method: 'POST',
    url: `${baseUrl.replace(/\/+$/, '')}${LEGACY_PATH}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', 'x-requested-with': 'XMLHttpRequest' },
    body: legacyFormBody(spec),
  });
  const info = { requestKey: spec.key, scope: spec.scope, endpoint: 'rest.jsp' };
  if (res.outcome !== 'ok') {
    await archiveResponse(db, captureId, info, res, attempt);
    return { ...base, outcome: res.outcome, detail: res.detail, status: res.status, reused: false };
  }
  try {
    parseLegacy(spec.key, spec.scope, res.body);
  } catch (e) {
    if (!(e instanceof DriftError)) throw e;
    await archiveResponse(db, captureId, info, res, attempt, 'drift', e.message);
    return { ...base, outcome: 'drift', detail: e.message, status: res.status, reused: false };
  }
  await archiveResponse(db, captureId, info, res, attempt);
  return { ...base, outcome: 'ok', detail: null, status: res.status, reused: false };
}

/**
 * Fetch one provincial report (all its pages) into the raw archive, validated by its parser.
 * The token exchange of iGate is not archived (it would store a credential).
 */
export async function fetchProvincialRequest(
  db: Kysely<DB>,
  client: ProvincialClient,
  cfg: ProvincialConfig,
  captureId: number,
  spec: ProvincialSpec,
  attempt: number,
): Promise<FetchResult> {
  const stored = await storedPages(db, captureId, spec.key);
  let totalPages = 1;
  let fetched = 0;
  for (let page = 1; page <= totalPages; page++) {
    const key = page === 1 ? spec.key : `${spec.key}.p${page}`;
    const info = { requestKey: key, scope: spec.scope, endpoint: spec.endpoint };
    const have = stored.get(page);
    if (have) {
      totalPages = validateProvincial(spec.endpoint, key, have, cfg).totalPages;
      continue;
    }
    const res = await client.fetch({ ...spec.request, url: ProvincialClient.pageUrl(spec, page - 1) });
    fetched++;
    const base = { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, status: res.status, pages: page, reused: false };
    if (res.outcome !== 'ok') {
      await archiveResponse(db, captureId, info, res, attempt);
      return { ...base, outcome: res.outcome, detail: res.detail };
    }
    try {
      totalPages = validateProvincial(spec.endpoint, key, res.body, cfg).totalPages;
    } catch (e) {
      if (!(e instanceof DriftError)) throw e;
      await archiveResponse(db, captureId, info, res, attempt, 'drift', e.message);
      return { ...base, outcome: 'drift', detail: e.message };
    }
    await archiveResponse(db, captureId, info, res, attempt);
  }
  return { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, outcome: 'ok', detail: null, status: 200, pages: totalPages, reused: fetched === 0 };
}

export interface CaptureRunOptions {
  db: Kysely<DB>;
  http: PortalHttp;
  baseUrl: string;
  log: Logger;
  /** Attempts per request for retryable answers, and the first backoff delay. */
  attempts: number;
  backoffMs: number;
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

/** Exponential backoff with ±50 % jitter: base, 2·base, 4·base … */
export function backoffDelay(baseMs: number, attemptsMade: number): number {
  const exp = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(exp * (0.5 + Math.random()));
}

/**
 * Fetch a whole capture now, request after request, ingesting each scope (the national ranking,
 * each province) as soon as all its requests are in — so parsing and storing overlap with the
 * polite, sequential fetching. Blocked or drift stops the run at once (no further request to the
 * portal); retryable answers are retried with backoff. Scopes fully fetched before a failure are
 * stored; the capture is marked failed.
 */
export async function runCapture(
  opts: CaptureRunOptions,
  c: { source?: 'dvcqg' | 'dvcqg-legacy'; period: Period; provinces: readonly string[]; capturedAt: Date; cycleId?: number | null; ingestConcurrency?: number },
): Promise<CaptureReport> {
  const source = c.source ?? SOURCE;
  const specs: (RequestSpec | LegacyRequestSpec)[] = source === LEGACY_SOURCE ? legacyRequests(c.provinces, c.period) : captureRequests(c.provinces, c.period);
  const captureId = await createCapture(opts.db, { cycleId: c.cycleId ?? null, source, period: c.period, provinces: c.provinces, capturedAt: c.capturedAt, planned: specs.length });
  const results: CaptureReport['results'] = [];
  let failure: CaptureReport['failure'] = null;
  const left = new Map<string, number>();
  for (const spec of specs) left.set(spec.scope, (left.get(spec.scope) ?? 0) + 1);
  // The bodies just fetched: the ingest parses them from memory instead of reading them back.
  const bodies = new Map<string, Buffer>();
  const ingests = new IngestQueue(opts.db, captureId, c.ingestConcurrency ?? 2, bodies);
  const archives = new Map<string, Promise<unknown>[]>();
  for (const [i, spec] of specs.entries()) {
    let result: FetchResult;
    let attempt = 0;
    for (;;) {
      attempt++;
      result =
        source === LEGACY_SOURCE
          ? await fetchLegacyRequest(opts.db, opts.http, opts.baseUrl, captureId, spec as LegacyRequestSpec, attempt)
          : await fetchDvcqgRequest(opts.db, opts.http, opts.baseUrl, captureId, spec as RequestSpec, attempt);
      if (result.outcome !== 'retryable' || attempt >= opts.attempts) break;
      const wait = backoffDelay(opts.backoffMs, attempt);
      opts.log.warn({ request: spec.key, attempt, waitMs: wait }, `${result.detail}; retrying in ${Math.round(wait / 1000)} s (attempt ${attempt + 1} of ${opts.attempts})`);
      await sleep(wait);
    }
    results.push({ ...result, attempts: attempt });
    opts.log.info({ request: spec.key, outcome: result.outcome, pages: result.pages }, `[${i + 1}/${specs.length}] ${spec.key}: ${result.outcome}`);
    if (result.outcome !== 'ok') {
      failure = { ...result, attempts: attempt };
      break;
    }
    const remaining = left.get(spec.scope)! - 1;
    left.set(spec.scope, remaining);
    archives.set(spec.scope, [...(archives.get(spec.scope) ?? []), result.archived ?? Promise.resolve()]);
    for (const [k, b] of result.bodies ?? []) bodies.set(k, b);
    if (remaining === 0) ingests.add(spec.scope, Promise.all(archives.get(spec.scope)!));
  }
  await Promise.all([...archives.values()].flat());
  const ingest = await ingests.done();
  if (failure) await opts.db.updateTable('captures').set({ state: 'failed', finished_at: new Date() }).where('id', '=', captureId).execute();
  return { captureId, source, period: periodKey(c.period), capturedAt: c.capturedAt.toISOString(), requests: specs.length, results, failure, ingest: ingest.snapshots.length || !failure ? ingest : null };
}

/** Ingest scopes of a capture in the background, a few at a time; `done()` merges the reports. */
class IngestQueue {
  private readonly pending: { scope: string; ready: Promise<unknown> }[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly reports: IngestReport[] = [];
  private error: unknown = null;

  constructor(
    private readonly db: Kysely<DB>,
    private readonly captureId: number,
    private readonly concurrency: number,
    private readonly bodies: ReadonlyMap<string, Buffer>,
  ) {}

  /** Ingest `scope` once `ready` (its raw payloads are archived) resolves. */
  add(scope: string, ready: Promise<unknown>): void {
    this.pending.push({ scope, ready });
    this.pump();
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.pending.length > 0) {
      const { scope, ready } = this.pending.shift()!;
      const p: Promise<void> = ready
        .then(() => ingestCapture(this.db, this.captureId, { scope, bodies: this.bodies }))
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
    const snapshots = this.reports.flatMap((r) => r.snapshots).sort((a, b) => (a.scope === 'national' ? -1 : b.scope === 'national' ? 1 : a.scope.localeCompare(b.scope)));
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

