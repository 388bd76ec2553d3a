/**
 * observations is the fact table (≈110,000 rows per national capture, every week for years). Its
 * foreign key to snapshots made PostgreSQL check every loaded row — more than half of the COPY
 * time. Observations are only ever written in the same transaction as their snapshot row (and
 * deleted with it in re-ingest), so the check adds no safety the code does not already give.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table observations drop constraint if exists observations_snapshot_id_fkey`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
