/**
 * Raw answers of a capture → snapshots + observations, through the capture's source (its parser).
 * One transaction per snapshot: a parse failure or a crash leaves the raw answers and no half
 * snapshot. A scope whose answers hash the same as its previous snapshot is recorded as
 * *unchanged* (the portal did not recalculate), with no duplicate observations. Ingest and
 * re-ingest (after a parser fix) share `writeSnapshot`.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import { inBulkTransaction } from '../db/bulk.ts';
import type { DB, NewObservation, RawPayload } from '../db/types.ts';
import type { FullObservation } from '../domain/observations.ts';
import { sha256 } from '../sources/http.ts';
import { isSource, sourceOf } from '../sources/index.ts';
import type { ParsedScope } from '../sources/source.ts';
import { listUnits, upsertUnits } from '../units/registry.ts';
import { baseKey, pageOfKey, rawBody } from './archive.ts';
import { NotFoundError } from '../domain/errors.ts';

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

export interface IngestOptions {
  /** The configuration (the provincial portal's column mapping); null is enough for the national portal. */
  config?: Config | null;
  /** Ingest only this scope (the pipeline's ingest jobs run one scope each). */
  scope?: string;
  /** Bodies already in memory (just fetched, by request key): not read back from the archive. */
  bodies?: ReadonlyMap<string, Buffer>;
  /** Called inside the snapshot's transaction after the snapshot row and before observations (tests). */
  afterSnapshotRow?: (scope: string) => void | Promise<void>;
}

export class CaptureNotFoundError extends NotFoundError {}

/** Hash of a scope's content: the sorted (request, body hash) pairs. */
export function contentHash(payloads: readonly Pick<RawPayload, 'request_key' | 'sha256'>[]): string {
  return sha256(
    payloads
      .map((p) => `${p.request_key}:${p.sha256}`)
      .sort()
      .join('\n'),
  );
}

/** Parse one scope's answers (each request's pages in order) with the capture's source. */
async function parseScope(
  db: Kysely<DB>,
  source: string,
  scope: string,
  payloads: readonly RawPayload[],
  config: Config | null,
  trusted: boolean,
): Promise<ParsedScope> {
  const s = sourceOf(source);
  const sorted = [...payloads].sort((a, b) =>
    baseKey(a.request_key) === baseKey(b.request_key)
      ? pageOfKey(a.request_key) - pageOfKey(b.request_key)
      : a.id - b.id,
  );
  const registry = s.needsRegistry ? await listUnits(db, [scope]) : [];
  return s.parse(scope, sorted, { config, registry, trusted });
}

function toRows(snapshotId: number, observations: readonly FullObservation[], notes: string[]): NewObservation[] {
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
 * A scope's parsed answers into its snapshot, in one transaction: a new snapshot row (ingest) or
 * the existing one with its observations replaced (re-ingest). Returns null when a concurrent run
 * of the same job wrote the snapshot first.
 */
async function writeSnapshot(
  db: Kysely<DB>,
  c: {
    captureId: number;
    source: string;
    scope: string;
    periodKey: string;
    capturedAt: Date;
    hash: string;
    parsed: ParsedScope;
    existingId: number | null;
    afterSnapshotRow?: (scope: string) => void | Promise<void>;
    reingest: boolean;
  },
): Promise<SnapshotReport | null> {
  const notes = [...c.parsed.notes];
  const meta = () =>
    JSON.stringify({ ...c.parsed.meta, notes, ...(c.reingest ? { reingestedAt: new Date().toISOString() } : {}) });
  return inBulkTransaction(db, async (trx, writeObservations) => {
    let snapshotId: number;
    if (c.existingId !== null) {
      await trx.deleteFrom('observations').where('snapshot_id', '=', c.existingId).execute();
      snapshotId = c.existingId;
    } else {
      const snap = await trx
        .insertInto('snapshots')
        .values({
          capture_id: c.captureId,
          source: c.source,
          scope: c.scope,
          period_key: c.periodKey,
          captured_at: c.capturedAt,
          content_hash: c.hash,
          meta: meta(),
        })
        .onConflict((oc) => oc.columns(['capture_id', 'scope']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!snap) return null;
      snapshotId = snap.id;
    }
    await c.afterSnapshotRow?.(c.scope);
    await upsertUnits(trx, c.parsed.units, c.capturedAt);
    const rows = toRows(snapshotId, c.parsed.observations, notes);
    await writeObservations(rows);
    await trx
      .updateTable('snapshots')
      .set({ observation_count: rows.length, content_hash: c.hash, meta: meta() })
      .where('id', '=', snapshotId)
      .execute();
    return {
      scope: c.scope,
      snapshotId,
      unchanged: false,
      sameAsSnapshotId: null,
      observations: rows.length,
      units: c.parsed.units.length,
      notes,
    };
  });
}

function groupByScope(payloads: readonly RawPayload[]): Map<string, RawPayload[]> {
  const out = new Map<string, RawPayload[]>();
  for (const p of payloads) out.set(p.scope, [...(out.get(p.scope) ?? []), p]);
  // The national ranking first: province snapshots are read against it.
  return new Map(
    [...out.entries()].sort(([a], [b]) => (a === 'national' ? -1 : b === 'national' ? 1 : a.localeCompare(b))),
  );
}

async function loadPayloads(
  db: Kysely<DB>,
  captureId: number,
  includeDrift: boolean,
  scope?: string,
  inMemory?: ReadonlyMap<string, Buffer>,
): Promise<RawPayload[]> {
  const columns = [
    'id',
    'capture_id',
    'request_key',
    'scope',
    'endpoint',
    'method',
    'url',
    'request_body',
    'request_headers',
    'status',
    'response_headers',
    'sha256',
    'outcome',
    'detail',
    'attempt',
    'fetched_at',
    'duration_ms',
    'body_encoding',
  ] as const;
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
    const stored = missing.length
      ? new Map(
          (await db.selectFrom('raw_payloads').select(['id', 'body']).where('id', 'in', missing).execute()).map((r) => [
            r.id,
            r.body,
          ]),
        )
      : new Map();
    rows = rows.map((r) =>
      inMemory.has(r.request_key)
        ? { ...r, body: inMemory.get(r.request_key)!, body_encoding: 'identity' as const }
        : { ...r, body: stored.get(r.id) ?? null },
    );
  }
  // Per request: the accepted payload, or (re-ingest after a parser fix) the latest drifted one.
  const best = new Map<string, RawPayload>();
  for (const r of rows) {
    const current = best.get(r.request_key);
    if (!current || (current.outcome !== 'ok' && (r.outcome === 'ok' || r.id > current.id)))
      best.set(r.request_key, { ...r, body: r.body ? rawBody(r) : null, body_encoding: 'identity' });
  }
  return [...best.values()].sort((a, b) => a.id - b.id);
}

function report(captureId: number, reports: SnapshotReport[], unchanged: boolean): IngestReport {
  return {
    captureId,
    snapshots: reports,
    observations: reports.reduce((n, r) => n + r.observations, 0),
    units: reports.reduce((n, r) => n + r.units, 0),
    unchanged,
    notes: reports.flatMap((r) => r.notes),
  };
}

/** Ingest a capture's accepted answers (all scopes, or one). The capture's state is the caller's (cycle/store). */
export async function ingestCapture(db: Kysely<DB>, captureId: number, o: IngestOptions = {}): Promise<IngestReport> {
  const capture = await db.selectFrom('captures').selectAll().where('id', '=', captureId).executeTakeFirstOrThrow();
  const payloads = await loadPayloads(db, captureId, false, o.scope, o.bodies);
  const reports: SnapshotReport[] = [];
  for (const [scope, scopePayloads] of groupByScope(payloads)) {
    const existing = await db
      .selectFrom('snapshots')
      .selectAll()
      .where('capture_id', '=', captureId)
      .where('scope', '=', scope)
      .executeTakeFirst();
    if (existing) {
      reports.push({
        scope,
        snapshotId: existing.id,
        unchanged: existing.unchanged,
        sameAsSnapshotId: existing.same_as_snapshot_id,
        observations: existing.unchanged ? 0 : existing.observation_count,
        units: 0,
        notes: [],
      });
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
        .values({
          capture_id: captureId,
          source: capture.source,
          scope,
          period_key: capture.period_key,
          captured_at: capture.captured_at,
          content_hash: hash,
          unchanged: true,
          same_as_snapshot_id: sameAs,
          meta: null,
        })
        .onConflict((oc) => oc.columns(['capture_id', 'scope']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (row)
        reports.push({
          scope,
          snapshotId: row.id,
          unchanged: true,
          sameAsSnapshotId: sameAs,
          observations: 0,
          units: 0,
          notes: [],
        });
      continue;
    }
    // Accepted answers were validated when archived; re-ingest (below) validates again.
    const parsed = await parseScope(db, capture.source, scope, scopePayloads, o.config ?? null, true);
    const r = await writeSnapshot(db, {
      captureId,
      source: capture.source,
      scope,
      periodKey: capture.period_key,
      capturedAt: capture.captured_at,
      hash,
      parsed,
      existingId: null,
      afterSnapshotRow: o.afterSnapshotRow,
      reingest: false,
    });
    if (r) reports.push(r);
  }
  return report(captureId, reports, reports.length > 0 && reports.every((r) => r.unchanged));
}

/**
 * Re-parse a capture's stored raw answers (after a parser fix), without touching the portal.
 * Each scope's observations are replaced in one transaction; unchanged snapshots stay as they are.
 * Answers that failed validation earlier (drift) are tried again.
 */
export async function reingestCapture(
  db: Kysely<DB>,
  captureId: number,
  config: Config | null = null,
): Promise<IngestReport> {
  const capture = await db.selectFrom('captures').selectAll().where('id', '=', captureId).executeTakeFirst();
  if (!capture)
    throw new CaptureNotFoundError(
      `capture ${captureId} does not exist (the ids are in \`chiso766 capture --json\` and \`run-once --json\` output)`,
    );
  if (!isSource(capture.source))
    throw new CaptureNotFoundError(
      `capture ${captureId} holds the raw answers of a ${capture.source} run (evidence), not a snapshot capture: nothing to re-ingest`,
    );
  const payloads = await loadPayloads(db, captureId, true);
  const reports: SnapshotReport[] = [];
  for (const [scope, scopePayloads] of groupByScope(payloads)) {
    const snapshot = await db
      .selectFrom('snapshots')
      .selectAll()
      .where('capture_id', '=', captureId)
      .where('scope', '=', scope)
      .executeTakeFirst();
    if (snapshot?.unchanged) {
      reports.push({
        scope,
        snapshotId: snapshot.id,
        unchanged: true,
        sameAsSnapshotId: snapshot.same_as_snapshot_id,
        observations: 0,
        units: 0,
        notes: [],
      });
      continue;
    }
    const parsed = await parseScope(db, capture.source, scope, scopePayloads, config, false);
    const r = await writeSnapshot(db, {
      captureId,
      source: capture.source,
      scope,
      periodKey: capture.period_key,
      capturedAt: capture.captured_at,
      hash: contentHash(scopePayloads),
      parsed,
      existingId: snapshot?.id ?? null,
      reingest: true,
    });
    if (r) reports.push(r);
  }
  return report(captureId, reports, false);
}
