/** Section 6 of the bulletin: the provincial vs national comparison (filled by the reconciliation). */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB, Snapshot } from '../db/types.ts';
import type { BulletinReconciliation } from './model.ts';

export async function reconciliationForReport(_db: Kysely<DB>, config: Config, _c: { cycleId: number; province: string; nationalSnapshot: Snapshot }): Promise<BulletinReconciliation | null> {
  if (!config.provincial) return { configured: false, provincialCapturedAt: null, rows: [] };
  return { configured: true, provincialCapturedAt: null, rows: [] };
}
