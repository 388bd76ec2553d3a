/**
 * Raw payloads of a capture → snapshots + observations. One transaction per snapshot: a parse
 * failure or a crash leaves the raw payloads and no half snapshot. A scope whose payloads hash the
 * same as its previous snapshot is recorded as *unchanged* (the portal did not recalculate), with
 * no duplicate observations.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { kyselyOnClient, pgPoolOf } from '../db/connect.ts';
import type { DB, NewObservation, RawPayload } from '../db/types.ts';
import { provinceByCode } from '../domain/provinces.ts';
import type { Endpoint } from '../portal/dvcqg/endpoints.ts';
import { LEGACY_SOURCE, parseLegacy } from '../portal/dvcqg/legacy.ts';
import { parseNational, parseProvince, validateResponse, type ScopePages } from '../portal/dvcqg/parse.ts';
import { sha256 } from '../portal/http.ts';
import type { ParsedObservation, ParsedScope } from '../portal/types.ts';
import { listUnits, upsertUnits } from '../units/registry.ts';
import type { ProvincialConfig } from '../config/schema.ts';
import { parseProvincial, PROVINCIAL_SOURCE, type ProvincialParseContext } from '../portal/provincial/index.ts';
import { NameMatcher } from '../portal/provincial/text.ts';
import { baseKey, pageOfKey, rawBody } from './raw.ts';

export interface SnapshotReport {
  scope: string;
  snapshotId: number;
  unchanged: boolean;
  sameAsSnapshotId: number | null;
  observations: number;
  units: number;
  notes: string[];
}

export interface IngestReport {
  captureId: number;
  snapshots: SnapshotReport[];
  observations: number;
  units: number;
  /** Every scope hashed the same as its previous snapshot. */
  unchanged: boolean;
  notes: string[];
}

export interface IngestHooks {
  /** Called inside the snapshot's transaction after the snapshot row and before observations (tests). */
  afterSnapshotRow?: (scope: string) => void | Promise<void>;
  /** The provincial portal's config (HTML column mapping); needed for `provincial` captures. */
  provincial?: ProvincialConfig;
  /** Ingest only this scope (the pipeline's ingest jobs run one scope each). */
  scope?: string;
  /** Bodies already in memory (just fetched, by request key): not read back from the archive. */
  bodies?: ReadonlyMap<string, Buffer>;
}

/** Unit names and codes of the registry, to match provincial rows that carry only a name. */
async function provincialContext(db: Kysely<DB>, scope: string, cfg: ProvincialConfig | undefined): Promise<ProvincialParseContext> {
  const units = await listUnits(db, [scope]);
  return { config: cfg, matcher: new NameMatcher(units), knownCodes: new Set(units.map((u) => u.code)) };
}

/** Hash of a scope's content: the sorted (request, body hash) pairs. */
export function contentHash(payloads: readonly Pick<RawPayload, 'request_key' | 'sha256'>[]): string {
  return sha256(
    payloads
      .map((p) => `${p.request_key}:${p.sha256}`)
      .sort()
      .join('\n'),
  );
}

/** Parse the payloads of one scope of a capture with the right adapter. Pure apart from throwing. */
export function parseScope(source: string, scope: string, payloads: readonly RawPayload[], provincial?: ProvincialParseContext, trusted = false): ParsedScope {
  if (source === PROVINCIAL_SOURCE) {
    if (!provincial) throw new Error('a provincial capture needs its parse context');
    const sorted = [...payloads].sort((a, b) => (baseKey(a.request_key) === baseKey(b.request_key) ? pageOfKey(a.request_key) - pageOfKey(b.request_key) : a.id - b.id));
    return parseProvincial(scope, sorted, provincial);
  }
  if (source === LEGACY_SOURCE) return parseLegacy(payloads[0]!.request_key, scope, payloads[0]!.body!);
  const root = scope === 'national' ? null : provinceByCode(scope).rootDepartmentId;
  if (scope === 'national') {
    const p = payloads[0]!;
    return parseNational(validateResponse(p.request_key, 'service-results', scope, null, p.body!, { trusted }));
  }
  const pages: ScopePages = {};
  const sorted = [...payloads].sort((a, b) => (baseKey(a.request_key) === baseKey(b.request_key) ? pageOfKey(a.request_key) - pageOfKey(b.request_key) : a.id - b.id));
  for (const p of sorted) {
    const endpoint = p.endpoint as Endpoint;
    (pages[endpoint] ??= []).push(validateResponse(p.request_key, endpoint, scope, root, p.body!, { trusted }));
  }
  return parseProvince(scope, pages);
}

function toRows(snapshotId: number, observations: readonly ParsedObservation[], notes: string[]): NewObservation[] {
  const seen = new Set<string>();
  const rows: NewObservation[] = [];
  for (const o of observations) {
    const key = `${o.unitCode}|${o.metric}`;
    if (seen.has(key)) {
      notes.push(`${o.unitCode} ${o.metric} appears twice in the capture; the first value is kept`);
      continue;
    }
    seen.add(key);
    rows.push({
      snapshot_id: snapshotId,
      unit_code: o.unitCode,
      metric: o.metric,
      score: o.score,
      max_score: o.maxScore,
      ratio: o.ratio,
      numerator: o.numerator,
      denominator: o.denominator,
      rank: o.rank,
      peer_rank: o.peerRank,
      present: o.present,
      quality: o.quality,
    });
  }
  return rows;
}

/**
 * Observations in bulk, COPY-style: the rows travel as one JSON document that PostgreSQL turns
 * into a record set — one small statement per 20,000 rows, no per-row round trips, and no large
 * VALUES list to parse (serialising JSON is native and fast on both sides).
 */
export async function insertObservations(trx: Kysely<DB> | Transaction<DB>, rows: NewObservation[]): Promise<void> {
  const CHUNK = 20_000;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const json = JSON.stringify(rows.slice(i, i + CHUNK));
    await sql`
      insert into observations (snapshot_id, unit_code, metric, score, max_score, ratio, numerator, denominator, rank, peer_rank, present, quality)
      select snapshot_id, unit_code, metric, score, max_score, ratio, numerator, denominator, rank, peer_rank, coalesce(present, true), quality
      from json_to_recordset(${json}::json) as t(
        snapshot_id int, unit_code text, metric text, score numeric, max_score numeric, ratio numeric,
        numerator numeric, denominator numeric, rank int, peer_rank int, present boolean, quality text)`.execute(trx);
  }
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return /[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v;
  return String(v);
}

/** PostgreSQL COPY of the observations (the fastest bulk load there is), on a transaction's client. */
async function copyObservations(client: pg.PoolClient, rows: NewObservation[]): Promise<void> {
  const lines: string[] = [];
  for (const r of rows) {
    lines.push(
      [r.snapshot_id, r.unit_code, r.metric, r.score, r.max_score, r.ratio, r.numerator, r.denominator, r.rank, r.peer_rank, r.present ?? true, r.quality].map(csvField).join(','),
    );
  }
  await new Promise<void>((resolve, reject) => {
    const stream = client.query(copyFrom('copy observations (snapshot_id, unit_code, metric, score, max_score, ratio, numerator, denominator, rank, peer_rank, present, quality) from stdin with (format csv)'));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(lines.join('\n') + '\n');
  });
}

/**
 * One snapshot's writes in one transaction. On PostgreSQL the observations go in with COPY on the
 * transaction's own connection; on PGlite with the JSON record-set insert.
 */
async function inTransaction<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>, copy: (rows: NewObservation[]) => Promise<void>) => Promise<T>): Promise<T> {
  const pool = pgPoolOf(db);
  if (!pool) return db.transaction().execute((trx) => fn(trx, (rows) => insertObservations(trx, rows)));
  const client = await pool.connect();
  const k = kyselyOnClient(client);
  let failure: Error | undefined;
  try {
    await client.query('begin');
    const out = await fn(k, (rows) => copyObservations(client, rows));
    await client.query('commit');
    return out;
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
    await client.query('rollback').catch(() => undefined);
    throw e;
  } finally {
    // After a failure the connection may be broken (a server restart): destroy it, never reuse it.
    client.release(failure);
  }
}

function groupByScope(payloads: readonly RawPayload[]): Map<string, RawPayload[]> {
  const out = new Map<string, RawPayload[]>();
  for (const p of payloads) out.set(p.scope, [...(out.get(p.scope) ?? []), p]);
  // The national ranking first: province snapshots are read against it.
  return new Map([...out.entries()].sort(([a], [b]) => (a === 'national' ? -1 : b === 'national' ? 1 : a.localeCompare(b))));
}

async function loadPayloads(db: Kysely<DB>, captureId: number, includeDrift: boolean, scope?: string, inMemory?: ReadonlyMap<string, Buffer>): Promise<RawPayload[]> {
  const columns = ['id', 'capture_id', 'request_key', 'scope', 'endpoint', 'method', 'url', 'request_body', 'request_headers', 'status', 'response_headers', 'sha256', 'outcome', 'detail', 'attempt', 'fetched_at', 'duration_ms', 'body_encoding'] as const;
  let q = db
    .selectFrom('raw_payloads')
    .select([...columns, ...(inMemory ? [] : (['body'] as const))])
    .where('capture_id', '=', captureId)
    .where('outcome', 'in', includeDrift ? ['ok', 'drift'] : ['ok']);
  if (scope !== undefined) q = q.where('scope', '=', scope);
  let rows = (await q.orderBy('id').execute()) as RawPayload[];
  if (inMemory) {
    // Bodies of this process's own fetches come from memory; any other is read from the archive.
    const missing = rows.filter((r) => !inMemory.has(r.request_key)).map((r) => r.id);
    const stored = missing.length ? new Map((await db.selectFrom('raw_payloads').select(['id', 'body']).where('id', 'in', missing).execute()).map((r) => [r.id, r.body])) : new Map();
    rows = rows.map((r) => (inMemory.has(r.request_key) ? { ...r, body: inMemory.get(r.request_key)!, body_encoding: 'identity' as const } : { ...r, body: stored.get(r.id) ?? null }));
  }
  // Per request: the accepted payload, or (re-ingest after a parser fix) the latest drifted one.
  const best = new Map<string, RawPayload>();
  for (const r of rows) {
    const current = best.get(r.request_key);
    if (!current || (current.outcome !== 'ok' && (r.outcome === 'ok' || r.id > current.id))) best.set(r.request_key, { ...r, body: r.body ? rawBody(r) : null, body_encoding: 'identity' });
  }
  return [...best.values()].sort((a, b) => a.id - b.id);
}

export class CaptureNotFoundError extends Error {
  readonly exitCode = 2;
}

export async function ingestCapture(db: Kysely<DB>, captureId: number, hooks: IngestHooks = {}): Promise<IngestReport> {
  const capture = await db.selectFrom('captures').selectAll().where('id', '=', captureId).executeTakeFirstOrThrow();
  const payloads = await loadPayloads(db, captureId, false, hooks.scope, hooks.bodies);
  const reports: SnapshotReport[] = [];
  for (const [scope, scopePayloads] of groupByScope(payloads)) {
    const existing = await db.selectFrom('snapshots').selectAll().where('capture_id', '=', captureId).where('scope', '=', scope).executeTakeFirst();
    if (existing) {
      reports.push({ scope, snapshotId: existing.id, unchanged: existing.unchanged, sameAsSnapshotId: existing.same_as_snapshot_id, observations: existing.unchanged ? 0 : existing.observation_count, units: 0, notes: [] });
      continue;
    }
    const hash = contentHash(scopePayloads);
    // "Unchanged" means: the portal has not recalculated since the last capture of the same kind. A
    // weekly cycle compares with earlier cycles only — a manual `capture` ("try the portal") is never
    // the baseline that would make the week's cycle stale and leave it unevaluated.
    let prevQuery = db
      .selectFrom('snapshots as s')
      .innerJoin('captures as c', 'c.id', 's.capture_id')
      .select(['s.id', 's.content_hash', 's.same_as_snapshot_id'])
      .where('s.source', '=', capture.source)
      .where('s.scope', '=', scope)
      .where('s.period_key', '=', capture.period_key)
      .where('s.captured_at', '<=', capture.captured_at)
      .where('s.capture_id', '!=', captureId);
    if (capture.cycle_id !== null) prevQuery = prevQuery.where('c.cycle_id', 'is not', null);
    const previous = await prevQuery.orderBy('s.captured_at', 'desc').orderBy('s.id', 'desc').executeTakeFirst();
    if (previous && previous.content_hash === hash) {
      const sameAs = previous.same_as_snapshot_id ?? previous.id;
      const row = await db
        .insertInto('snapshots')
        .values({ capture_id: captureId, source: capture.source, scope, period_key: capture.period_key, captured_at: capture.captured_at, content_hash: hash, unchanged: true, same_as_snapshot_id: sameAs, meta: null })
        .onConflict((oc) => oc.columns(['capture_id', 'scope']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row) reports.push({ scope, snapshotId: row.id, unchanged: true, sameAsSnapshotId: sameAs, observations: 0, units: 0, notes: [] });
      continue;
    }
    // Accepted payloads were validated when archived; re-ingest (below) validates again.
    const parsed = parseScope(capture.source, scope, scopePayloads, capture.source === PROVINCIAL_SOURCE ? await provincialContext(db, scope, hooks.provincial) : undefined, true);
    const notes = [...parsed.notes];
    const report = await inTransaction(db, async (trx, copy) => {
      const snap = await trx
        .insertInto('snapshots')
        .values({ capture_id: captureId, source: capture.source, scope, period_key: capture.period_key, captured_at: capture.captured_at, content_hash: hash, meta: JSON.stringify({ ...parsed.meta, notes }) })
        .onConflict((oc) => oc.columns(['capture_id', 'scope']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!snap) return null; // a concurrent run of the same job wrote it first
      await hooks.afterSnapshotRow?.(scope);
      await upsertUnits(trx, parsed.units, capture.captured_at);
      const rows = toRows(snap.id, parsed.observations, notes);
      await copy(rows);
      await trx.updateTable('snapshots').set({ observation_count: rows.length, meta: JSON.stringify({ ...parsed.meta, notes }) }).where('id', '=', snap.id).execute();
      return { scope, snapshotId: snap.id, unchanged: false, sameAsSnapshotId: null, observations: rows.length, units: parsed.units.length, notes };
    });
    if (report) reports.push(report);
  }
  const unchanged = reports.length > 0 && reports.every((r) => r.unchanged);
  // The capture's state from all its snapshots so far (scopes may be ingested by separate jobs).
  const all = await db.selectFrom('snapshots').select('unchanged').where('capture_id', '=', captureId).execute();
  await db
    .updateTable('captures')
    .set({ state: all.length > 0 && all.every((s) => s.unchanged) ? 'unchanged' : 'complete', finished_at: new Date() })
    .where('id', '=', captureId)
    .execute();
  return {
    captureId,
    snapshots: reports,
    observations: reports.reduce((n, r) => n + r.observations, 0),
    units: reports.reduce((n, r) => n + r.units, 0),
    unchanged,
    notes: reports.flatMap((r) => r.notes),
  };
}

/**
 * Re-parse a capture's stored raw payloads (after a parser fix), without touching the portal.
 * Each scope's observations are replaced in one transaction; unchanged snapshots stay as they are.
 * Payloads that failed validation earlier (drift) are tried again.
 */
export async function reingestCapture(db: Kysely<DB>, captureId: number, provincial?: ProvincialConfig): Promise<IngestReport> {
  const capture = await db.selectFrom('captures').selectAll().where('id', '=', captureId).executeTakeFirst();
  if (!capture) throw new CaptureNotFoundError(`capture ${captureId} does not exist (the ids are in \`chiso766 capture --json\` and \`run-once --json\` output)`);
  const payloads = await loadPayloads(db, captureId, true);
  const reports: SnapshotReport[] = [];
  for (const [scope, scopePayloads] of groupByScope(payloads)) {
    const snapshot = await db.selectFrom('snapshots').selectAll().where('capture_id', '=', captureId).where('scope', '=', scope).executeTakeFirst();
    if (snapshot?.unchanged) {
      reports.push({ scope, snapshotId: snapshot.id, unchanged: true, sameAsSnapshotId: snapshot.same_as_snapshot_id, observations: 0, units: 0, notes: [] });
      continue;
    }
    const parsed = parseScope(capture.source, scope, scopePayloads, capture.source === PROVINCIAL_SOURCE ? await provincialContext(db, scope, provincial) : undefined);
    const notes = [...parsed.notes];
    const hash = contentHash(scopePayloads);
    const report = await db.transaction().execute(async (trx) => {
      let snapshotId: number;
      if (snapshot) {
        await trx.deleteFrom('observations').where('snapshot_id', '=', snapshot.id).execute();
        snapshotId = snapshot.id;
      } else {
        const row = await trx
          .insertInto('snapshots')
          .values({ capture_id: captureId, source: capture.source, scope, period_key: capture.period_key, captured_at: capture.captured_at, content_hash: hash, meta: null })
          .returning('id')
          .executeTakeFirstOrThrow();
        snapshotId = row.id;
      }
      await upsertUnits(trx, parsed.units, capture.captured_at);
      const rows = toRows(snapshotId, parsed.observations, notes);
      await insertObservations(trx, rows);
      await trx.updateTable('snapshots').set({ observation_count: rows.length, content_hash: hash, meta: JSON.stringify({ ...parsed.meta, notes, reingestedAt: new Date().toISOString() }) }).where('id', '=', snapshotId).execute();
      return { scope, snapshotId, unchanged: false, sameAsSnapshotId: null, observations: rows.length, units: parsed.units.length, notes };
    });
    reports.push(report);
  }
  await db.updateTable('captures').set({ state: 'complete', finished_at: new Date() }).where('id', '=', captureId).where('state', '=', 'failed').execute();
  return {
    captureId,
    snapshots: reports,
    observations: reports.reduce((n, r) => n + r.observations, 0),
    units: reports.reduce((n, r) => n + r.units, 0),
    unchanged: false,
    notes: reports.flatMap((r) => r.notes),
  };
}
