/**
 * Bulk writes of observations, the fact table (≈110,000 rows per national capture): PostgreSQL
 * `COPY` on the transaction's own connection, or one JSON record-set insert on PGlite — inside one
 * transaction helper, so a snapshot row and its observations are written together or not at all.
 */
import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { kyselyOnClient, pgPoolOf } from './connect.ts';
import type { DB, NewObservation } from './types.ts';

/** The observations table's columns, in the order of every bulk write. */
export const OBSERVATION_COLUMNS = [
  'snapshot_id',
  'unit_code',
  'metric',
  'score',
  'max_score',
  'ratio',
  'numerator',
  'denominator',
  'rank',
  'peer_rank',
  'present',
  'quality',
] as const;
const COLUMN_TYPES =
  'snapshot_id int, unit_code text, metric text, score numeric, max_score numeric, ratio numeric, numerator numeric, denominator numeric, rank int, peer_rank int, present boolean, quality text';

/**
 * Observations in bulk, COPY-style: the rows travel as one JSON document that PostgreSQL turns
 * into a record set — one small statement per 20,000 rows, no per-row round trips.
 */
export async function insertObservations(trx: Kysely<DB>, rows: readonly NewObservation[]): Promise<void> {
  const CHUNK = 20_000;
  const cols = sql.raw(OBSERVATION_COLUMNS.join(', '));
  for (let i = 0; i < rows.length; i += CHUNK) {
    const json = JSON.stringify(rows.slice(i, i + CHUNK));
    await sql`insert into observations (${cols}) select ${sql.raw(OBSERVATION_COLUMNS.map((c) => (c === 'present' ? 'coalesce(present, true)' : c)).join(', '))} from json_to_recordset(${json}::json) as t(${sql.raw(COLUMN_TYPES)})`.execute(
      trx,
    );
  }
}

function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return /[",\r\n]/.test(v) || v === '' ? `"${v.replace(/"/g, '""')}"` : v;
  return String(v);
}

/** PostgreSQL COPY of the observations (the fastest bulk load there is), on a transaction's client. */
async function copyObservations(client: pg.PoolClient, rows: readonly NewObservation[]): Promise<void> {
  const lines: string[] = [];
  for (const r of rows)
    lines.push(OBSERVATION_COLUMNS.map((c) => csvField(c === 'present' ? (r.present ?? true) : r[c])).join(','));
  await new Promise<void>((resolve, reject) => {
    const stream = client.query(
      copyFrom(`copy observations (${OBSERVATION_COLUMNS.join(', ')}) from stdin with (format csv)`),
    );
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(lines.join('\n') + '\n');
  });
}

/** `fn` in one transaction, with the fastest way to write observations on this database. */
export async function inBulkTransaction<T>(
  db: Kysely<DB>,
  fn: (trx: Kysely<DB>, writeObservations: (rows: readonly NewObservation[]) => Promise<void>) => Promise<T>,
): Promise<T> {
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
