/**
 * The raw archive: the exact bytes of every portal answer, written before anything is parsed.
 * Never edited. One accepted (`ok`) payload per request of a capture; failed attempts are kept
 * beside it as evidence (the first WAF page, the 500s, the drifted body).
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/types.ts';
import type { Outcome, PortalResponse } from '../sources/http.ts';

type Conn = Kysely<DB> | Transaction<DB>;

/** Bodies above this size are stored gzip-compressed (level 1: fast, and JSON shrinks ~5×). */
const COMPRESS_FROM = 2048;

/** The original bytes of a stored body, whatever its encoding. */
export function rawBody(row: { body: Uint8Array | null; body_encoding?: string }): Buffer {
  if (!row.body) return Buffer.alloc(0);
  const b = Buffer.from(row.body);
  return row.body_encoding === 'gzip' ? gunzipSync(b) : b;
}

export interface RawRequestInfo {
  requestKey: string;
  scope: string;
  endpoint: string;
}

export async function archiveResponse(
  db: Conn,
  captureId: number,
  info: RawRequestInfo,
  res: PortalResponse,
  attempt: number,
  outcome: Outcome = res.outcome,
  detail: string | null = res.detail,
): Promise<number | null> {
  const row = {
    capture_id: captureId,
    request_key: info.requestKey,
    scope: info.scope,
    endpoint: info.endpoint,
    method: res.request.method,
    url: res.request.url,
    request_body: res.request.body ?? null,
    request_headers: JSON.stringify(res.requestHeaders),
    status: res.status,
    response_headers: JSON.stringify(res.headers),
    // Sent as base64 and decoded by PostgreSQL: a third smaller on the wire than pg's hex bytea.
    body: sql<Uint8Array>`decode(${(res.body.length >= COMPRESS_FROM ? gzipSync(res.body, { level: 1 }) : res.body).toString('base64')}, 'base64')`,
    body_encoding: res.body.length >= COMPRESS_FROM ? ('gzip' as const) : ('identity' as const),
    sha256: res.sha256,
    outcome,
    detail,
    attempt,
    fetched_at: res.fetchedAt,
    duration_ms: res.durationMs,
  };
  if (outcome !== 'ok') {
    const r = await db.insertInto('raw_payloads').values(row).returning('id').executeTakeFirstOrThrow();
    return r.id;
  }
  // At-least-once jobs: a second accepted answer for the same request is not stored twice.
  const r = await db
    .insertInto('raw_payloads')
    .values(row)
    .onConflict((oc) => oc.columns(['capture_id', 'request_key']).where('outcome', '=', 'ok').doNothing())
    .returning('id')
    .executeTakeFirst();
  return r?.id ?? null;
}

/** Page number from a request key: `transparency.H19` → 1, `transparency.H19.p3` → 3. */
export function pageOfKey(key: string): number {
  const m = /\.p(\d+)$/.exec(key);
  return m ? Number(m[1]) : 1;
}

/** The request key without its page suffix. */
export function baseKey(key: string): string {
  return key.replace(/\.p\d+$/, '');
}

/** The accepted pages of one request already stored for a capture (a job run twice asks nothing again). */
export async function storedPages(db: Conn, captureId: number, key: string): Promise<Map<number, Buffer>> {
  const rows = await db
    .selectFrom('raw_payloads')
    .select(['request_key', 'body', 'body_encoding'])
    .where('capture_id', '=', captureId)
    .where('outcome', '=', 'ok')
    .where((eb) => eb.or([eb('request_key', '=', key), eb('request_key', 'like', `${key}.p%`)]))
    .execute();
  return new Map(rows.map((r) => [pageOfKey(r.request_key), rawBody(r)]));
}

/** How many answers of a cycle's captures were not accepted (errors, WAF pages, drift). */
export async function failedAnswersOfCycle(db: Conn, cycleId: number): Promise<number> {
  const r = await db
    .selectFrom('raw_payloads as r')
    .innerJoin('captures as c', 'c.id', 'r.capture_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('c.cycle_id', '=', cycleId)
    .where('r.outcome', '!=', 'ok')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
