/** Evidence every finding carries, and the Vietnamese wording of figures in alert messages. */
import { metricDef } from '../domain/metrics.ts';
import { viNumber } from '../domain/format.ts';
import type { RuleInput, SnapshotView } from './types.ts';

export function evidence(input: RuleInput, extra: Record<string, unknown>, previous?: SnapshotView): Record<string, unknown> {
  return {
    ...extra,
    capturedAt: input.current.capturedAt.toISOString(),
    previousCapturedAt: previous?.capturedAt.toISOString() ?? input.history[0]?.capturedAt.toISOString() ?? null,
    snapshotId: input.current.snapshotId,
    rawHash: input.current.contentHash,
    portalPage: input.portalUrl,
  };
}

export function metricLabel(code: string): string {
  return metricDef(code)?.short ?? code;
}

/** `48,15/100` */
export function scoreOf(score: number, max: number | null): string {
  return max ? `${viNumber(score)}/${viNumber(max).replace(/,00$/, '')}` : viNumber(score);
}
