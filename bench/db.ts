/** A fresh PostgreSQL database for one benchmark (dropped afterwards). */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openPostgres, type Database } from '../src/db/connect.ts';
import { migrateToLatest } from '../src/db/migrate.ts';

export async function benchDatabase(serverUrl: string): Promise<{ url: string; database: Database; drop: () => Promise<void> }> {
  const name = `bench_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const database = openPostgres(u.toString(), 4);
  await migrateToLatest(database.db);
  return {
    url: u.toString(),
    database,
    drop: async () => {
      await database.close();
      await admin(`drop database if exists ${name} with (force)`);
    },
  };
}
