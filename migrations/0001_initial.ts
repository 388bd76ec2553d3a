/**
 * The whole storage model of docs/design.md in one forward-only migration, plain PostgreSQL that
 * runs the same on PGlite and on a PostgreSQL server. Scores are `numeric` (exact), never float.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('units')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('province', 'department', 'commune')`))
    .addColumn('parent_code', 'text')
    .addColumn('province_code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('units_province_idx').on('units').columns(['province_code', 'kind']).execute();

  // Names change over time (the 2025 reorganisation, capitalisation): keep every name seen.
  await db.schema
    .createTable('unit_names')
    .addColumn('unit_code', 'text', (c) => c.notNull().references('units.code'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('unit_names_pk', ['unit_code', 'name'])
    .execute();

  await db.schema
    .createTable('unit_aliases')
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('alias', 'text', (c) => c.notNull())
    .addColumn('unit_code', 'text', (c) => c.notNull().references('units.code'))
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('unit_aliases_pk', ['system', 'alias'])
    .execute();
  await db.schema.createIndex('unit_aliases_unit_idx').on('unit_aliases').column('unit_code').execute();

  await db.schema
    .createTable('cycles')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('provinces', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('week', 'text', (c) => c.notNull())
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('forced', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addColumn('summary', 'jsonb')
    .execute();
  await db.schema
    .createIndex('cycles_week_idx')
    .on('cycles')
    .columns(['source', 'provinces', 'period_key', 'week'])
    .execute();

  await db.schema
    .createTable('captures')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('cycle_id', 'integer', (c) => c.references('cycles.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('provinces', 'text', (c) => c.notNull())
    .addColumn('captured_at', 'timestamptz', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('requests_planned', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('finished_at', 'timestamptz')
    .addUniqueConstraint('captures_cycle_source_attempt_uq', ['cycle_id', 'source', 'attempt'])
    .execute();

  // The exact bytes each request returned: evidence, and the input of re-ingest. Never edited.
  await db.schema
    .createTable('raw_payloads')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('capture_id', 'integer', (c) => c.notNull().references('captures.id'))
    .addColumn('request_key', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('request_body', 'text')
    .addColumn('request_headers', 'jsonb', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('response_headers', 'jsonb', (c) => c.notNull())
    .addColumn('body', 'bytea')
    .addColumn('sha256', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('ok', 'retryable', 'blocked', 'drift')`))
    .addColumn('detail', 'text')
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  // At most one accepted response per request of a capture; failed attempts are kept beside it.
  await sql`create unique index raw_payloads_ok_uq on raw_payloads (capture_id, request_key) where outcome = 'ok'`.execute(
    db,
  );
  await db.schema
    .createIndex('raw_payloads_capture_idx')
    .on('raw_payloads')
    .columns(['capture_id', 'request_key'])
    .execute();

  await db.schema
    .createTable('snapshots')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('capture_id', 'integer', (c) => c.notNull().references('captures.id'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    .addColumn('captured_at', 'timestamptz', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('unchanged', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('same_as_snapshot_id', 'integer', (c) => c.references('snapshots.id'))
    .addColumn('observation_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('meta', 'jsonb')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('snapshots_capture_scope_uq', ['capture_id', 'scope'])
    .execute();
  // "Latest snapshot of a scope" and "the previous one".
  await sql`create index snapshots_latest_idx on snapshots (source, scope, period_key, captured_at desc)`.execute(db);

  await db.schema
    .createTable('observations')
    .addColumn('snapshot_id', 'integer', (c) => c.notNull().references('snapshots.id'))
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('score', 'numeric')
    .addColumn('max_score', 'numeric')
    .addColumn('ratio', 'numeric')
    .addColumn('numerator', 'numeric')
    .addColumn('denominator', 'numeric')
    .addColumn('rank', 'integer')
    .addColumn('peer_rank', 'integer')
    .addColumn('present', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('quality', 'text')
    .addPrimaryKeyConstraint('observations_pk', ['snapshot_id', 'unit_code', 'metric'])
    .execute();
  // "Series of unit × metric over time".
  await db.schema
    .createIndex('observations_series_idx')
    .on('observations')
    .columns(['unit_code', 'metric', 'snapshot_id'])
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
    .addColumn('rule', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('unit_code', 'text')
    .addColumn('metric', 'text')
    .addColumn('period_key', 'text')
    .addColumn('week', 'text')
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('open', 'resolved')`))
    .addColumn('silenced', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('value', 'numeric')
    .addColumn('previous', 'numeric')
    .addColumn('threshold', 'numeric')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    .addColumn('opened_at', 'timestamptz', (c) => c.notNull())
    .addColumn('opened_cycle_id', 'integer', (c) => c.references('cycles.id'))
    .addColumn('last_cycle_id', 'integer', (c) => c.references('cycles.id'))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_cycle_id', 'integer', (c) => c.references('cycles.id'))
    .addColumn('resolution', 'text')
    .addColumn('last_notified_cycle_id', 'integer', (c) => c.references('cycles.id'))
    .execute();
  await db.schema.createIndex('alerts_state_idx').on('alerts').columns(['state', 'kind', 'unit_code']).execute();

  await db.schema
    .createTable('alert_events')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('alert_id', 'integer', (c) => c.notNull().references('alerts.id'))
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('alert_events_uq', ['alert_id', 'cycle_id', 'event'])
    .execute();
  await db.schema.createIndex('alert_events_cycle_idx').on('alert_events').column('cycle_id').execute();

  await db.schema
    .createTable('silences')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('unit_pattern', 'text', (c) => c.notNull())
    .addColumn('rule', 'text')
    .addColumn('metric', 'text')
    .addColumn('until', 'timestamptz', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('removed_at', 'timestamptz')
    .execute();

  await db.schema
    .createTable('recipients')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('unit_pattern', 'text', (c) => c.notNull())
    .addColumn('to_addresses', 'jsonb', (c) => c.notNull())
    .addColumn('cc_addresses', 'jsonb', (c) => c.notNull())
    .addColumn('valid_from', 'date')
    .addColumn('valid_until', 'date')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('line', 'integer')
    .addColumn('imported_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('dedup_key', 'text', (c) => c.notNull().unique())
    .addColumn('cycle_id', 'integer', (c) => c.references('cycles.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipient_key', 'text', (c) => c.notNull())
    .addColumn('to_addresses', 'jsonb', (c) => c.notNull())
    .addColumn('cc_addresses', 'jsonb', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('unit_codes', 'jsonb', (c) => c.notNull())
    .addColumn('alert_ids', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .addColumn('message_id', 'text')
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_cycle_idx').on('outbox').columns(['cycle_id', 'state']).execute();

  await db.schema
    .createTable('deliveries')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('outbox_id', 'integer', (c) => c.notNull().references('outbox.id'))
    .addColumn('attempted_at', 'timestamptz', (c) => c.notNull())
    .addColumn('transport', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('message_id', 'text')
    .addColumn('response', 'text')
    .addColumn('resend', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('note', 'text')
    .execute();
  await db.schema.createIndex('deliveries_outbox_idx').on('deliveries').column('outbox_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
