/** send: one outbox row, exactly once on the common path. */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import type { Logger } from '../log.ts';

export interface SendResult {
  outcome: 'sent' | 'already-sent' | 'temporary' | 'permanent';
  response: string | null;
  messageId: string | null;
}

export async function sendOutboxRow(_db: Kysely<DB>, _config: Config, _outboxId: number, _o: { attempt: number; log: Logger }): Promise<SendResult> {
  return { outcome: 'already-sent', response: null, messageId: null };
}
