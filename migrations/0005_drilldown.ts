/**
 * The drill-down (docs/drilldown.md): the national TTHC catalogue (cached, refreshed at most
 * weekly), and per cycle what was asked and found — procedures that cost an alerting unit its
 * points and the dossiers it must fix — plus e-mail attachments in the outbox.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('formalities')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('applied_department_ids', 'jsonb', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('formalities_code').on('formalities').column('code').execute();
  await db.schema
    .createTable('drilldown_runs')
    .addColumn('cycle_id', 'integer', (c) => c.primaryKey().references('cycles.id'))
    .addColumn('capture_id', 'integer', (c) => c.references('captures.id'))
    .addColumn('requests', 'integer', (c) => c.notNull())
    .addColumn('budget', 'integer', (c) => c.notNull())
    .addColumn('partial', 'boolean', (c) => c.notNull())
    .addColumn('units', 'jsonb', (c) => c.notNull())
    .addColumn('notes', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('drilldown_procedures')
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id'))
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('grp', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('formality_code', 'text', (c) => c.notNull())
    .addColumn('formality_name', 'text', (c) => c.notNull())
    .addColumn('numerator', 'double precision', (c) => c.notNull())
    .addColumn('denominator', 'double precision', (c) => c.notNull())
    .addColumn('shortfall', 'double precision', (c) => c.notNull())
    .addPrimaryKeyConstraint('drilldown_procedures_pk', ['cycle_id', 'unit_code', 'metric', 'formality_code'])
    .execute();
  await db.schema
    .createTable('drilldown_dossiers')
    .addColumn('cycle_id', 'integer', (c) => c.notNull().references('cycles.id'))
    .addColumn('unit_code', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('nation_code', 'text')
    .addColumn('formality_code', 'text')
    .addColumn('formality_name', 'text')
    .addColumn('problem', 'text', (c) => c.notNull())
    .addColumn('received_at', 'timestamptz')
    .addColumn('due_at', 'timestamptz')
    .addPrimaryKeyConstraint('drilldown_dossiers_pk', ['cycle_id', 'unit_code', 'code', 'problem'])
    .execute();
  await db.schema
    .alterTable('outbox')
    .addColumn('attachments', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('migrations are forward-only');
}
