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
import { acceptedPayloads, archiveResponse, pageOfKey } from './raw.ts';

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
    .select(['request_key', 'body'])
    .where('capture_id', '=', captureId)
    .where('outcome', '=', 'ok')
    .where((eb) => eb.or([eb('request_key', '=', key), eb('request_key', 'like', `${key}.p%`)]))
    .execute();
  return new Map(rows.map((r) => [pageOfKey(r.request_key), Buffer.from(r.body ?? new Uint8Array())]));
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
      totalPages = totalPagesOf(validateResponse(key, spec.endpoint, spec.scope, spec.rootDepartmentId, res.body));
    } catch (e) {
      if (!(e instanceof DriftError)) throw e;
      await archiveResponse(db, captureId, info, res, attempt, 'drift', e.message);
      return { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, outcome: 'drift', detail: e.message, status: res.status, pages: page, reused: false };
    }
    await archiveResponse(db, captureId, info, res, attempt);
  }
  return { requestKey: spec.key, scope: spec.scope, endpoint: spec.endpoint, outcome: 'ok', detail: null, status: 201, pages: totalPages, reused: fetched === 0 };
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
 * Fetch a whole capture now, request after request, then ingest it. Blocked or drift stops the run
 * at once (no further request to the portal); retryable answers are retried with backoff.
 */
export async function runCapture(
  opts: CaptureRunOptions,
  c: { source?: 'dvcqg' | 'dvcqg-legacy'; period: Period; provinces: readonly string[]; capturedAt: Date; cycleId?: number | null },
): Promise<CaptureReport> {
  const source = c.source ?? SOURCE;
  const specs: (RequestSpec | LegacyRequestSpec)[] = source === LEGACY_SOURCE ? legacyRequests(c.provinces, c.period) : captureRequests(c.provinces, c.period);
  const captureId = await createCapture(opts.db, { cycleId: c.cycleId ?? null, source, period: c.period, provinces: c.provinces, capturedAt: c.capturedAt, planned: specs.length });
  const results: CaptureReport['results'] = [];
  let failure: CaptureReport['failure'] = null;
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
  }
  let ingest: IngestReport | null = null;
  if (!failure) ingest = await ingestCapture(opts.db, captureId);
  else await opts.db.updateTable('captures').set({ state: 'failed', finished_at: new Date() }).where('id', '=', captureId).execute();
  return { captureId, source, period: periodKey(c.period), capturedAt: c.capturedAt.toISOString(), requests: specs.length, results, failure, ingest };
}

export { acceptedPayloads };
