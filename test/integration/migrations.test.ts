import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, openPostgres } from '../../src/db/connect.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { runCli } from '../helpers/cli.ts';
import { createTestDatabase, requirePostgres } from '../helpers/db.ts';

const ALL = [
  '0001_initial',
  '0002_raw_body_encoding',
  '0003_observations_without_fk',
  '0004_installation',
  '0005_drilldown',
];
const TABLES = [
  'alert_events',
  'alerts',
  'captures',
  'cycles',
  'deliveries',
  'drilldown_dossiers',
  'drilldown_procedures',
  'drilldown_runs',
  'formalities',
  'installation',
  'observations',
  'outbox',
  'raw_payloads',
  'recipients',
  'silences',
  'snapshots',
  'unit_aliases',
  'unit_names',
  'units',
];

describe('migrations', () => {
  it('run on a real PostgreSQL server, twice (the second applies nothing), with numeric scores', async () => {
    requirePostgres();
    const { url, drop } = await createTestDatabase();
    const database = openPostgres(url);
    try {
      const first = await migrateToLatest(database.db);
      expect(first.applied).toEqual(ALL);
      const second = await migrateToLatest(database.db);
      expect(second.applied).toEqual([]);
      const tables = await sql<{
        tablename: string;
      }>`select tablename from pg_tables where schemaname = 'public' and tablename not like 'kysely%' order by 1`.execute(
        database.db,
      );
      expect(tables.rows.map((r) => r.tablename)).toEqual(TABLES);
      const cols = await sql<{
        data_type: string;
      }>`select data_type from information_schema.columns where table_name = 'observations' and column_name = 'score'`.execute(
        database.db,
      );
      expect(cols.rows[0]!.data_type).toBe('numeric');
    } finally {
      await database.close();
      await drop();
    }
  });

  it('run on embedded PGlite in $CHISO766_DATA_DIR/pglite, and reopen it', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'pglite-'));
    const a = await openDatabase({ databaseUrl: null, dataDir });
    try {
      expect((await migrateToLatest(a.db)).applied).toEqual(ALL);
      await a.db
        .insertInto('units')
        .values({
          code: 'H19',
          kind: 'province',
          parent_code: null,
          province_code: 'H19',
          name: 'UBND Thành phố Đồng Nai',
        })
        .execute();
    } finally {
      await a.close();
    }
    const b = await openDatabase({ databaseUrl: null, dataDir });
    try {
      expect((await migrateToLatest(b.db)).applied).toEqual([]);
      const row = await b.db.selectFrom('units').selectAll().executeTakeFirstOrThrow();
      expect(row.name).toBe('UBND Thành phố Đồng Nai');
    } finally {
      await b.close();
    }
  });

  it('`chiso766 migrate` is idempotent against DATABASE_URL', async () => {
    const { url, drop } = await createTestDatabase();
    try {
      const env = { DATABASE_URL: url, CHISO766_CONFIG: '' };
      const one = await runCli(['migrate', '--json'], env);
      expect(one.code).toBe(0);
      expect(JSON.parse(one.stdout).applied).toEqual(ALL);
      const two = await runCli(['migrate', '--json'], env);
      expect(two.code).toBe(0);
      expect(JSON.parse(two.stdout).applied).toEqual([]);
    } finally {
      await drop();
    }
  });
});
