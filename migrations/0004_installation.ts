/**
 * One row naming this database: a random id minted when the database is created. It goes into
 * every BullMQ job id, so two databases sharing a Redis key prefix (a fresh database after a
 * restore, a test database, a second installation) can never mistake each other's jobs for their
 * own — a deterministic id like `cycle-…-2026W47-a1-notify` alone would collide with the old,
 * completed job of the other database and its work would silently never run.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('installation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // 12 hex characters from a random UUID (gen_random_uuid is core since PostgreSQL 13, and in PGlite).
  await sql`insert into installation (id) select substr(replace(gen_random_uuid()::text, '-', ''), 1, 12)`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
