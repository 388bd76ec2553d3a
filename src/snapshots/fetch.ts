/**
 * THE fetch skeleton, for every source and every caller (the workers' fetch jobs, `capture`,
 * `backfill`): for each page of one request — a page already accepted for this capture is not asked
 * again; otherwise ask (through the source's transport and the global politeness), classify
 * (ok / retryable / blocked / drift), archive the raw answer, and validate it with the source. The
 * caller decides what a non-ok outcome means (retry later, stop, tell ops) with the same policy
 * (`retryPolicy`).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { DriftError } from '../sources/drift.ts';
import type { Outcome } from '../sources/http.ts';
import type { Source, SourceRequest, Transport } from '../sources/source.ts';
import { archiveResponse, storedPages } from './archive.ts';

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
  /** The accepted bodies by request key (pages included): an in-process ingest parses these. */
  bodies?: Map<string, Buffer>;
}

export interface FetchContext {
  db: Kysely<DB>;
  source: Source;
  transport: Transport;
  config: Config;
}

/** Start archiving without waiting; the returned promise is awaited later (errors surface then). */
function background(p: Promise<unknown>): Promise<void> {
  const done = p.then(() => undefined);
  done.catch(() => undefined);
  return done;
}

/** Fetch one request (all its pages) into the raw archive. Idempotent per capture. */
export async function fetchRequest(
  ctx: FetchContext,
  captureId: number,
  req: SourceRequest,
  attempt: number,
): Promise<FetchResult> {
  const { db, source, transport, config } = ctx;
  const stored = await storedPages(db, captureId, req.key);
  const base = { requestKey: req.key, scope: req.scope, endpoint: req.endpoint };
  let totalPages = 1;
  let fetched = 0;
  let status: number | null = null;
  const archiving: Promise<void>[] = [];
  const bodies = new Map<string, Buffer>();
  for (let page = 1; page <= totalPages; page++) {
    const { key, request } = source.page(req, page, config);
    const have = stored.get(page);
    if (have) {
      totalPages = source.validate(req, key, have, config).totalPages;
      continue;
    }
    const info = { ...base, requestKey: key };
    const res = await transport.fetch(request);
    fetched++;
    status = res.status;
    if (res.outcome !== 'ok') {
      await archiveResponse(db, captureId, info, res, attempt);
      return { ...base, outcome: res.outcome, detail: res.detail, status: res.status, pages: page, reused: false };
    }
    try {
      totalPages = source.validate(req, key, res.body, config).totalPages;
    } catch (e) {
      if (!(e instanceof DriftError)) throw e;
      await archiveResponse(db, captureId, info, res, attempt, 'drift', e.message);
      return { ...base, outcome: 'drift', detail: e.message, status: res.status, pages: page, reused: false };
    }
    archiving.push(background(archiveResponse(db, captureId, info, res, attempt)));
    bodies.set(key, res.body);
  }
  return {
    ...base,
    outcome: 'ok',
    detail: null,
    status,
    pages: totalPages,
    reused: fetched === 0,
    archived: Promise.all(archiving).then(() => undefined),
    bodies,
  };
}

/**
 * What a non-ok outcome means, the same for jobs and for commands: `retry` a retryable answer while
 * attempts are left (5xx, timeouts, resets), else `give-up`; `stop` at once on blocked (WAF, 403,
 * 429 — never retried automatically) and on drift (a parser fix, then `reingest`).
 */
export function retryPolicy(
  outcome: Outcome,
  attempt: number,
  maxAttempts: number,
): 'done' | 'retry' | 'give-up' | 'stop' {
  if (outcome === 'ok') return 'done';
  if (outcome === 'retryable') return attempt < maxAttempts ? 'retry' : 'give-up';
  return 'stop';
}

/** Exponential backoff with ±50 % jitter: base, 2·base, 4·base … (BullMQ's `exponential` with jitter 0.5). */
export function backoffDelay(baseMs: number, attemptsMade: number): number {
  const exp = baseMs * 2 ** Math.max(0, attemptsMade - 1);
  return Math.round(exp * (0.5 + Math.random()));
}
