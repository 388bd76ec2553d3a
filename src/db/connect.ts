/**
 * The Kysely instance: PostgreSQL through `pg` when DATABASE_URL is set, else embedded PGlite in
 * `$CHISO766_DATA_DIR/pglite`. Both read `numeric` and `bigint` as JS numbers, so scores and
 * counts are plain numbers everywhere above this file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from './types.ts';
import { processAlive } from '../processes.ts';
import { log } from '../log.ts';
import { ExplainedError } from '../domain/errors.ts';

export interface Database {
  readonly db: Kysely<DB>;
  readonly kind: 'postgres' | 'pglite';
  /** Where the data lives, for messages (URL without password, or the folder). */
  readonly location: string;
  close(): Promise<void>;
}

const NUMERIC_OID = 1700;
const INT8_OID = 20;
/** `date` columns stay `YYYY-MM-DD` strings: a calendar day has no time zone to drift in. */
const DATE_OID = 1082;

const toNumber = (v: string): number => Number(v);

export class DatabaseInUseError extends ExplainedError {}

/** The pg pool behind a Kysely instance opened here (PostgreSQL only): for COPY bulk loads. */
const pools = new WeakMap<Kysely<DB>, pg.Pool>();

export function pgPoolOf(db: Kysely<DB>): pg.Pool | null {
  return pools.get(db) ?? null;
}

/**
 * A Kysely bound to one pg client (inside a transaction the caller manages), so typed queries and
 * raw COPY streams share the same transaction.
 */
export function kyselyOnClient(client: pg.PoolClient): Kysely<DB> {
  // A view of the client whose release() does nothing: the caller releases the real client.
  const view = {
    query: (...args: unknown[]) => (client.query as (...a: unknown[]) => unknown)(...args),
    release: () => undefined,
  };
  const pool = { connect: async () => view, end: async () => undefined };
  return new Kysely<DB>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
}

export async function openDatabase(opts: { databaseUrl: string | null; dataDir: string }): Promise<Database> {
  if (opts.databaseUrl) return openPostgres(opts.databaseUrl);
  return openPglite(path.join(opts.dataDir, 'pglite'));
}

export function openPostgres(url: string, poolSize = 10): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
        if (oid === NUMERIC_OID || oid === INT8_OID) return toNumber;
        if (oid === DATE_OID) return (v: string) => v;
        return pg.types.getTypeParser(oid, format);
      }) as typeof pg.types.getTypeParser,
    },
  });
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  // An idle client whose server went away (a restart: "terminating connection due to administrator
  // command") emits 'error' on the pool; unheard, that event would kill the process. The pool drops
  // the client and the next query opens a new connection; a query that failed meanwhile fails its
  // job, which BullMQ retries. One log line per outage, not one per dropped client.
  let lastLog = 0;
  const lost = (err: Error) => {
    if (Date.now() - lastLog < 30_000) return;
    lastLog = Date.now();
    log().warn(
      { database: safe.toString(), err: err.message },
      `PostgreSQL connection lost (${err.message}): reconnecting on the next query`,
    );
  };
  pool.on('error', lost);
  // A client checked out of the pool (a query or transaction in progress) has no pool listener:
  // its own, for its whole life. The statement in progress fails (its job is retried); the broken
  // client is dropped when it is released.
  pool.on('connect', (client) => client.on('error', lost));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return { db, kind: 'postgres', location: safe.toString(), close: () => db.destroy() };
}

/**
 * PGlite is single-process: a lock file keeps a second chiso766 process (say `alerts` while a
 * `worker` runs) from opening the same folder and corrupting it.
 */
async function openPglite(dir: string): Promise<Database> {
  mkdirSync(dir, { recursive: true });
  const lockFile = path.join(path.dirname(dir), 'pglite.lock');
  takeLock(lockFile, dir);
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    const client = await PGlite.create(dir, {
      parsers: { [NUMERIC_OID]: toNumber, [INT8_OID]: toNumber, [DATE_OID]: (v: string) => v },
    });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
    return {
      db,
      kind: 'pglite',
      location: dir,
      close: async () => {
        await db.destroy();
        releaseLock(lockFile);
      },
    };
  } catch (e) {
    releaseLock(lockFile);
    throw e;
  }
}

function takeLock(lockFile: string, dir: string): void {
  for (let i = 0; i < 2; i++) {
    try {
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (holder && holder !== process.pid && processAlive(holder)) {
        throw new DatabaseInUseError(
          `the embedded database ${dir} is in use by process ${holder} (a running chiso766 worker?). ` +
            'PGlite allows one process at a time: stop that process, or set DATABASE_URL to a PostgreSQL server so several processes can share the data.',
        );
      }
      rmSync(lockFile, { force: true }); // stale lock of a dead process
    }
  }
  throw new DatabaseInUseError(`could not lock ${lockFile}`);
}

function releaseLock(lockFile: string): void {
  try {
    if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) rmSync(lockFile, { force: true });
  } catch {
    // already gone
  }
}
