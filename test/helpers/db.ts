/**
 * A fresh, migrated database per test file: a new database on the PostgreSQL server of
 * DATABASE_URL (npm test starts one), or embedded PGlite when no server is available.
 */
import type { Kysely } from 'kysely';
import { openPostgres, type Database } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createScratchDatabase } from '../../src/offline/local.ts';
import type { DB } from '../../src/db/types.ts';

export interface TestDatabase {
  db: Kysely<DB>;
  /** URL of this database (for child processes), or null on PGlite. */
  url: string | null;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export function serverUrl(): string | null {
  return process.env.DATABASE_URL || null;
}

/** The PostgreSQL server is mandatory for tests marked as needing it. */
export function requirePostgres(): string {
  const url = serverUrl();
  if (!url) {
    throw new Error(
      'this test needs a PostgreSQL server: run it through `npm test` (which starts one) or set DATABASE_URL=postgres://user@127.0.0.1:5432/postgres',
    );
  }
  return url;
}

export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  return createScratchDatabase(requirePostgres(), 't');
}

export async function freshDatabase(): Promise<TestDatabase> {
  if (serverUrl()) {
    const { url, drop } = await createTestDatabase();
    const database: Database = openPostgres(url, 5);
    await migrateToLatest(database.db);
    return {
      db: database.db,
      url,
      kind: 'postgres',
      close: async () => {
        await database.close();
        await drop();
      },
    };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGliteDialect } = await import('kysely-pglite-dialect');
  const { Kysely } = await import('kysely');
  const client = await PGlite.create({ parsers: { 1700: Number, 20: Number, 1082: (v: string) => v } });
  const db = new Kysely<DB>({ dialect: new PGliteDialect(client) });
  await migrateToLatest(db);
  return { db, url: null, kind: 'pglite', close: () => db.destroy() };
}
