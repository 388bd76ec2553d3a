/**
 * The mail server being away. Temporary failures (refused connections, timeouts, 4xx) are retried
 * by the send jobs for `mail.retryForMinutes`; meanwhile one ops alert (`mail.failed`, metric
 * `smtp`) stays open, and when mail flows again it resolves and ops get a short note of the outage
 * (the only e-mail that can tell them, since the outage kept every other one from leaving).
 */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import { viDateTime } from '../domain/format.ts';
import { raiseAlert, resolveAlerts } from '../alerts/lifecycle.ts';
import { writeOutbox } from './outbox.ts';
import { renderPlainNotice } from './templates.ts';
import type { CycleRef, Finding } from '../domain/findings.ts';

export const MAIL_RULE = 'mail.failed';
/** Ops get the note of an outage when deliveries were refused this many times after the first (the alert opens on the first). */
const NOTE_AFTER_REFUSALS = 2;
export const SMTP_METRIC = 'smtp';

export function smtpOutageFinding(response: string, retryForMinutes: number): Finding {
  return {
    rule: MAIL_RULE,
    kind: 'source',
    unitCode: null,
    metric: SMTP_METRIC,
    periodKey: null,
    week: null,
    severity: 'warn',
    value: null,
    previous: null,
    threshold: null,
    message: `Máy chủ thư tạm thời không nhận thư (${response}). Các thư đang chờ được tự động gửi lại trong tối đa ${retryForMinutes} phút; không cần thao tác.`,
    evidence: { response, retryForMinutes },
  };
}

/** The first temporary failure opens the alert; later ones keep it. */
export async function raiseMailOutage(
  db: Kysely<DB>,
  cycle: CycleRef,
  response: string,
  retryForMinutes: number,
): Promise<void> {
  await raiseAlert(db, cycle, smtpOutageFinding(response, retryForMinutes));
}

/**
 * A message went out: the outage (if any) is over. Resolves the alert and writes the note to ops;
 * returns that note's outbox id (to be sent), or null when there was no outage.
 */
export async function endMailOutage(db: Kysely<DB>, config: Config, cycle: CycleRef): Promise<number | null> {
  const open = await db
    .selectFrom('alerts')
    .select(['id', 'opened_at'])
    .where('rule', '=', MAIL_RULE)
    .where('metric', '=', SMTP_METRIC)
    .where('state', '=', 'open')
    .executeTakeFirst();
  if (!open) return null;
  const resolved = await resolveAlerts(db, cycle, { rules: [MAIL_RULE], unitCodes: [null], metrics: [SMTP_METRIC] });
  if (!resolved.includes(open.id) || config.ops.emails.length === 0) return null;
  // A single greylisting (one 451, delivered on the next try) is not worth an e-mail to ops.
  const refused = await db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('outcome', '=', 'temporary')
    .where('attempted_at', '>=', open.opened_at)
    .executeTakeFirstOrThrow();
  if (Number(refused.n) < NOTE_AFTER_REFUSALS) return null;
  const tz = config.schedule.timezone;
  const from = viDateTime(open.opened_at, tz);
  const to = viDateTime(cycle.at, tz);
  const mail = renderPlainNotice({
    subject: `[Chỉ số 766] Vận hành: máy chủ thư đã hoạt động trở lại (${to})`,
    lines: [
      `Máy chủ thư không nhận thư từ ${from} đến ${to} (giờ Việt Nam).`,
      'Các thư đến hạn gửi trong thời gian đó đã được hệ thống tự động gửi lại, mỗi thư một lần; không cần thao tác.',
    ],
  });
  const recipients = config.ops.emails.map((e) => e.toLowerCase());
  return writeOutbox(db, {
    dedupKey: `ops-mail|alert${open.id}|${open.opened_at.toISOString()}`,
    cycleId: null,
    kind: 'ops',
    recipientKey: recipients.join(','),
    to: recipients,
    cc: [],
    ...mail,
    unitCodes: [],
    alertIds: [open.id],
  });
}
