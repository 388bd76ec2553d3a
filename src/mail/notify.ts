/** notify: the digests of a cycle, written to the outbox before any SMTP call. */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';

export async function queueDigests(_db: Kysely<DB>, _config: Config, _c: { cycleId: number; captureId: number; now: Date }): Promise<number[]> {
  return [];
}
