/**
 * Raw bodies may be stored gzip-compressed (JSON compresses ~5×; a national capture is ~17 MB a
 * week). `body_encoding` says how to read them back: 'identity' or 'gzip'. sha256 is always of
 * the original bytes.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('raw_payloads')
    .addColumn('body_encoding', 'text', (c) =>
      c
        .notNull()
        .defaultTo('identity')
        .check(sql`body_encoding in ('identity', 'gzip')`),
    )
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
