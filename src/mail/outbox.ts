/**
 * The outbox: every e-mail is written here (keyed, so a job that runs twice writes once) before
 * any SMTP call; `send` delivers rows.
 */
import type { Kysely } from 'kysely';
import type { DB, MailAttachment } from '../db/types.ts';

export async function writeOutbox(
  db: Kysely<DB>,
  o: {
    dedupKey: string;
    cycleId: number | null;
    kind: string;
    recipientKey: string;
    to: string[];
    cc: string[];
    subject: string;
    html: string;
    text: string;
    unitCodes: string[];
    alertIds: number[];
    attachments?: MailAttachment[];
  },
): Promise<number> {
  const row = await db
    .insertInto('outbox')
    .values({
      dedup_key: o.dedupKey,
      cycle_id: o.cycleId,
      kind: o.kind,
      recipient_key: o.recipientKey,
      to_addresses: JSON.stringify(o.to),
      cc_addresses: JSON.stringify(o.cc),
      subject: o.subject,
      html: o.html,
      text: o.text,
      unit_codes: JSON.stringify(o.unitCodes),
      alert_ids: JSON.stringify(o.alertIds),
      attachments: JSON.stringify(o.attachments ?? []),
      state: 'pending',
    })
    .onConflict((oc) => oc.column('dedup_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (row) return row.id;
  // Already written by an earlier run of this job: the stored e-mail stands.
  return (await db.selectFrom('outbox').select('id').where('dedup_key', '=', o.dedupKey).executeTakeFirstOrThrow()).id;
}

/** Of these outbox rows of a cycle, those still to send (a row sent by an earlier run needs no job). */
export async function pendingOf(db: Kysely<DB>, cycleId: number, ids: readonly number[]): Promise<number[]> {
  const pending = await db
    .selectFrom('outbox')
    .select('id')
    .where('cycle_id', '=', cycleId)
    .where('state', 'in', ['pending', 'sending'])
    .execute();
  return [...new Set(ids.filter((id) => pending.some((p) => p.id === id)))];
}
