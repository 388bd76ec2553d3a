/** Evidence every finding carries: figures, capture times, the raw hash and the portal page. */
import type { SnapshotView } from '../domain/observations.ts';
import type { RuleInput } from './types.ts';

export function evidence(
  input: RuleInput,
  extra: Record<string, unknown>,
  previous?: SnapshotView,
): Record<string, unknown> {
  return {
    ...extra,
    capturedAt: input.current.capturedAt.toISOString(),
    previousCapturedAt: previous?.capturedAt.toISOString() ?? input.history[0]?.capturedAt.toISOString() ?? null,
    snapshotId: input.current.snapshotId,
    rawHash: input.current.contentHash,
    portalPage: input.portalUrl,
  };
}
