/**
 * send: one outbox row. Exactly once on the common path: a row already `sent` is never sent
 * again by a retry, a replay or a re-run; `mail resend` is the explicit, logged way.
 *
 * The one gap (documented in the README): if the process dies after the SMTP server accepted the
 * message and before the row is marked sent, the retry sends it again — at most one extra copy,
 * with the same Message-ID, so mail systems can recognise it.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB, OutboxRow } from '../db/types.ts';
import type { Logger } from '../log.ts';
import { deliver, type DeliveryResult } from './transport.ts';
import { NotFoundError } from '../domain/errors.ts';

export interface SendResult {
  outcome: 'sent' | 'already-sent' | 'temporary' | 'permanent';
  response: string | null;
  messageId: string | null;
}

export class OutboxNotFoundError extends NotFoundError {}

function messageIdFor(row: Pick<OutboxRow, 'id' | 'cycle_id'>, resend = 0): string {
  return `<outbox-${row.id}${resend ? `-resend${resend}` : ''}.cycle-${row.cycle_id ?? 0}@chiso766>`;
}

async function record(
  db: Kysely<DB>,
  row: OutboxRow,
  r: DeliveryResult,
  o: { resend?: boolean; note?: string | null },
): Promise<void> {
  await db
    .insertInto('deliveries')
    .values({
      outbox_id: row.id,
      attempted_at: new Date(),
      transport: r.transport,
      outcome: r.outcome,
      message_id: r.messageId,
      response: r.response.slice(0, 2000),
      resend: o.resend ?? false,
      note: o.note ?? null,
    })
    .execute();
}

async function attempt(db: Kysely<DB>, config: Config, row: OutboxRow, messageId: string): Promise<DeliveryResult> {
  return deliver(
    config,
    {
      from: config.env.mailFrom,
      to: row.to_addresses,
      cc: row.cc_addresses,
      subject: row.subject,
      html: row.html,
      text: row.text,
      messageId,
      headers: { 'X-Chiso766-Outbox': String(row.id) },
      attachments: row.attachments,
    },
    `${row.id}-${row.kind}-${row.recipient_key.split(',')[0] ?? ''}`,
  );
}

export async function sendOutboxRow(
  db: Kysely<DB>,
  config: Config,
  outboxId: number,
  o: { attempt: number; log: Logger },
): Promise<SendResult> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', outboxId).executeTakeFirst();
  if (!row) throw new OutboxNotFoundError(`outbox row ${outboxId} does not exist`);
  if (row.state === 'sent') return { outcome: 'already-sent', response: null, messageId: row.message_id };
  if (row.state === 'failed') return { outcome: 'permanent', response: row.last_error, messageId: null };
  await db
    .updateTable('outbox')
    .set({ state: 'sending', attempts: row.attempts + 1 })
    .where('id', '=', row.id)
    .execute();
  const r = await attempt(db, config, row, messageIdFor(row));
  await record(db, row, r, {});
  if (r.outcome === 'sent') {
    await db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: new Date(), message_id: r.messageId, last_error: null })
      .where('id', '=', row.id)
      .execute();
    o.log.info(
      { outbox: row.id, to: row.to_addresses.length, transport: r.transport },
      `e-mail ${row.id} sent (${r.transport}): ${row.subject}`,
    );
  } else {
    await db
      .updateTable('outbox')
      .set({ state: r.outcome === 'permanent' ? 'failed' : 'pending', last_error: r.response })
      .where('id', '=', row.id)
      .execute();
    o.log.warn(
      { outbox: row.id, outcome: r.outcome, attempt: o.attempt },
      `e-mail ${row.id} not sent (${r.outcome}): ${r.response}`,
    );
  }
  return { outcome: r.outcome, response: r.response, messageId: r.messageId };
}

/** Give up on a row (temporary failures beyond mail.retryForMinutes): ops resend it by hand. */
export async function markOutboxFailed(db: Kysely<DB>, outboxId: number, error: string | null): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ state: 'failed', last_error: error })
    .where('id', '=', outboxId)
    .where('state', '!=', 'sent')
    .execute();
}

/** `mail resend OUTBOX_ID`: send again on purpose, logged as a resend delivery. */
export async function resendOutboxRow(
  db: Kysely<DB>,
  config: Config,
  outboxId: number,
  o: { log: Logger; by: string },
): Promise<SendResult> {
  const row = await db.selectFrom('outbox').selectAll().where('id', '=', outboxId).executeTakeFirst();
  if (!row) throw new OutboxNotFoundError(`outbox row ${outboxId} does not exist (see chiso766 mail list)`);
  const previous = await db
    .selectFrom('deliveries')
    .select('id')
    .where('outbox_id', '=', row.id)
    .where('resend', '=', true)
    .execute();
  const r = await attempt(db, config, row, messageIdFor(row, previous.length + 1));
  await record(db, row, r, { resend: true, note: `explicit resend by ${o.by}` });
  if (r.outcome === 'sent')
    await db
      .updateTable('outbox')
      .set({ state: 'sent', sent_at: new Date(), message_id: r.messageId, last_error: null })
      .where('id', '=', row.id)
      .execute();
  o.log.info(
    { outbox: row.id, by: o.by, outcome: r.outcome },
    `e-mail ${row.id} resent on request of ${o.by}: ${r.outcome}`,
  );
  return { outcome: r.outcome, response: r.response, messageId: r.messageId };
}

export async function listOutbox(db: Kysely<DB>) {
  const rows = await db.selectFrom('outbox').selectAll().orderBy('id').execute();
  const deliveries = await db.selectFrom('deliveries').selectAll().orderBy('id').execute();
  return rows.map((r) => {
    const d = deliveries.filter((x) => x.outbox_id === r.id);
    return {
      id: r.id,
      cycleId: r.cycle_id,
      kind: r.kind,
      to: r.to_addresses,
      cc: r.cc_addresses,
      subject: r.subject,
      units: r.unit_codes,
      state: r.state,
      attempts: r.attempts,
      createdAt: r.created_at.toISOString(),
      sentAt: r.sent_at ? r.sent_at.toISOString() : null,
      messageId: r.message_id,
      lastError: r.last_error,
      deliveries: d.map((x) => ({
        at: x.attempted_at.toISOString(),
        transport: x.transport,
        outcome: x.outcome,
        response: x.response,
        resend: x.resend,
        note: x.note,
      })),
    };
  });
}
