/** evaluate: rules over the cycle's snapshots → findings → alert lifecycle. */
import type { Kysely } from 'kysely';
import type { Config } from '../config/load.ts';
import type { DB } from '../db/types.ts';
import type { Period } from '../domain/periods.ts';
import type { CycleRef } from './lifecycle.ts';

export interface EvaluationResult {
  findings: number;
  opened: number;
  kept: number;
  escalated: number;
  resolved: number;
}

export async function evaluateCycle(_db: Kysely<DB>, _config: Config, _c: { cycle: CycleRef; captureId: number; period: Period }): Promise<EvaluationResult> {
  return { findings: 0, opened: 0, kept: 0, escalated: 0, resolved: 0 };
}
